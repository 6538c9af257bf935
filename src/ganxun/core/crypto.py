"""身份证号 at rest: SM4-GCM encryption, the keyed hash that finds a number, and the key ring.

The clear number never reaches the database. A cadre row holds

- ``id_cipher``: a versioned blob ``01 | key id (2 bytes) | nonce (12) | ciphertext (18) | tag (16)``,
  SM4 in GCM mode (``cryptography``); the 3-byte header is the associated data, so a blob cannot be
  relabelled with another key id;
- ``id_key``: the key id again, indexed, so that ``ganxun keys rotate`` finds the rows still under an old key;
- ``id_hash``: HMAC-SM3 of the normalised number with a separate key (base64, 43 characters), unique and
  indexed: exact search, "one ID under two 人员编码" and the import's upsert by ID use it, never decryption;
- ``id_masked``: ``4110**********123X``, what every list, export and API body shows (no decryption there).

Keys come from the environment (``GANXUN_DATA_KEYS``) or a file (``GANXUN_KEY_FILE``, default
``VAR_DIR/data-keys.json``, mode 0600), never from the database. Both hold the same JSON::

    {"current": 2, "data_keys": {"1": "<32 hex>", "2": "<32 hex>"}, "hash_key": "<64 hex>"}

Several data keys may be present; new values are encrypted with ``current``, old ones decrypt with the key
their blob names. The hash key is not rotated (rotating it would change every stored hash; see docs/security.md).
"""

import base64
import json
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ganxun.core.errors import DomainError

BLOB_VERSION = 1
HEADER_LEN = 3
NONCE_LEN = 12
TAG_LEN = 16
KEY_LEN = 16          # SM4 has a 128-bit key
HASH_KEY_LEN = 32
ENV_NAME = "GANXUN_DATA_KEYS"


class KeysMissing(DomainError):
    """No usable key ring: the message says where the keys are looked for."""

    def __init__(self, message: str):
        super().__init__(message, code="keys_missing")


class DecryptionFailed(DomainError):
    def __init__(self, message: str):
        super().__init__(message, code="decryption_failed")


@dataclass(frozen=True)
class KeyRing:
    current: int
    data_keys: dict[int, bytes]
    hash_key: bytes
    source: str  # "env" or the file's path

    def to_json(self) -> str:
        return json.dumps({"current": self.current,
                           "data_keys": {str(k): v.hex() for k, v in sorted(self.data_keys.items())},
                           "hash_key": self.hash_key.hex()}, indent=2)


def key_file_path() -> Path:
    from django.conf import settings

    return Path(settings.GANXUN_KEY_FILE)


def _where() -> str:
    return f"请设置环境变量 {ENV_NAME}，或将密钥文件放在 {key_file_path()}（GANXUN_KEY_FILE）"


def parse_keyring(text: str, source: str) -> KeyRing:
    """The ring from its JSON, or ``KeysMissing`` naming what is wrong (never a key's value)."""
    label = "环境变量 " + ENV_NAME if source == "env" else f"密钥文件 {source}"
    try:
        data = json.loads(text)
        current = int(data["current"])
        data_keys = {int(k): bytes.fromhex(v) for k, v in dict(data["data_keys"]).items()}
        hash_key = bytes.fromhex(data["hash_key"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeysMissing(f"{label}格式不正确：应为 JSON，含 current、data_keys、hash_key（见 docs/security.md）") from None
    if current not in data_keys:
        raise KeysMissing(f"{label}中没有当前密钥（current = {current}）")
    if any(len(k) != KEY_LEN for k in data_keys.values()) or not all(0 < k < 32768 for k in data_keys):
        raise KeysMissing(f"{label}中的数据密钥应为 32 位十六进制（SM4 的 128 位密钥），编号 1–32767")
    if len(hash_key) < 16:
        raise KeysMissing(f"{label}中的 hash_key 太短：至少 32 位十六进制")
    return KeyRing(current, data_keys, hash_key, source)


def load_keyring() -> KeyRing:
    env = os.environ.get(ENV_NAME, "").strip()
    if env:
        return parse_keyring(env, "env")
    path = key_file_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeysMissing(f"找不到身份证号加密密钥。{_where()}；新安装运行 ganxun migrate 会生成密钥文件") from None
    except OSError as exc:
        raise KeysMissing(f"无法读取密钥文件 {path}：{exc.strerror}") from None
    return parse_keyring(text, str(path))


_lock = threading.Lock()
_cached: KeyRing | None = None


def keyring() -> KeyRing:
    """The ring, read once per process (``reset_keyring`` after changing it)."""
    global _cached
    ring = _cached
    if ring is None:
        with _lock:
            ring = _cached = _cached or load_keyring()
    return ring


def reset_keyring() -> None:
    global _cached
    with _lock:
        _cached = None


def new_keyring() -> KeyRing:
    return KeyRing(1, {1: secrets.token_bytes(KEY_LEN)}, secrets.token_bytes(HASH_KEY_LEN), str(key_file_path()))


def write_key_file(ring: KeyRing, path: Path | None = None) -> Path:
    """Write the ring atomically with mode 0600 (a temporary file beside it, then a rename)."""
    path = Path(path or key_file_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(ring.to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    reset_keyring()
    return path


def keys_configured() -> bool:
    return bool(os.environ.get(ENV_NAME, "").strip()) or key_file_path().exists()


def create_key_file_if_missing() -> Path | None:
    """A fresh installation's key file (mode 0600); ``None`` when keys are configured already."""
    if keys_configured():
        return None
    path = key_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        reset_keyring()
        return None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(new_keyring().to_json() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    reset_keyring()
    return path


# --- the three stored forms ----------------------------------------------------------------------------

def id_hash(number: str) -> str:
    """HMAC-SM3 of the normalised number, base64 without padding (43 characters)."""
    h = hmac.HMAC(keyring().hash_key, hashes.SM3())
    h.update(number.encode("ascii"))
    return base64.urlsafe_b64encode(h.finalize()).rstrip(b"=").decode("ascii")


def encrypt(number: str, *, ring: KeyRing | None = None) -> bytes:
    ring = ring or keyring()
    header = bytes([BLOB_VERSION]) + ring.current.to_bytes(2, "big")
    nonce = secrets.token_bytes(NONCE_LEN)
    enc = Cipher(algorithms.SM4(ring.data_keys[ring.current]), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(header)
    body = enc.update(number.encode("ascii")) + enc.finalize()
    return header + nonce + body + enc.tag


def key_id_of(blob) -> int:
    blob = bytes(blob)
    return int.from_bytes(blob[1:3], "big")


def decrypt(blob, *, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    blob = bytes(blob)
    if len(blob) < HEADER_LEN + NONCE_LEN + TAG_LEN or blob[0] != BLOB_VERSION:
        raise DecryptionFailed("身份证号密文格式不正确（版本或长度不符）")
    key_id = int.from_bytes(blob[1:3], "big")
    key = ring.data_keys.get(key_id)
    if key is None:
        raise KeysMissing(f"身份证号由第 {key_id} 号密钥加密，但密钥中没有这一号（已删除？）。{_where()}")
    nonce, body, tag = blob[HEADER_LEN:HEADER_LEN + NONCE_LEN], blob[HEADER_LEN + NONCE_LEN:-TAG_LEN], blob[-TAG_LEN:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(blob[:HEADER_LEN])
    try:
        return (dec.update(body) + dec.finalize()).decode("ascii")
    except InvalidTag:
        raise DecryptionFailed(f"身份证号密文校验失败（第 {key_id} 号密钥不对，或数据被篡改）") from None


def sealed(number: str, *, digest: str | None = None) -> dict:
    """The stored columns for a normalised number: ``id_cipher``, ``id_key``, ``id_hash``, ``id_masked``."""
    from ganxun.core.idnumbers import mask_id_number

    ring = keyring()
    return {"id_cipher": encrypt(number, ring=ring), "id_key": ring.current, "id_hash": digest or id_hash(number),
            "id_masked": mask_id_number(number)}


ID_COLUMNS = ("id_cipher", "id_key", "id_hash", "id_masked")
