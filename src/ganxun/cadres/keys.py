"""The 身份证号 keys against the registry: start-up check, status, rotation (``ganxun keys``).

Rotation is resumable by construction: every row names its key (``id_key``), a batch re-encrypts the rows not
under the current key (in ``pk`` order, one transaction each) and commits, so a kill loses at most the batch in
flight and the next run carries on from what is left. Rows written by the web meanwhile already use whatever key
their process holds as current; ``ganxun keys status`` shows any left behind and ``rotate --resume`` takes them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Count

from ganxun.cadres.models import Cadre
from ganxun.core import crypto
from ganxun.core.crypto import KeyRing, KeysMissing

BATCH = 5000


def check_keys_for_database(using: str = "default") -> None:
    """A fresh database gets a key file; one holding numbers must have every key its rows name."""
    rows = Cadre.objects.using(using)
    if not crypto.keys_configured():
        if rows.exists():
            raise KeysMissing(
                f"数据库中已有加密的身份证号，但找不到密钥（{crypto.ENV_NAME} 未设置，{crypto.key_file_path()} 不存在）。"
                "请恢复原密钥文件或环境变量；切勿新建密钥，否则已有号码将无法解密")
        crypto.create_key_file_if_missing()
    ring = crypto.keyring()
    used = set(rows.order_by().values_list("id_key", flat=True).distinct())
    missing = sorted(used - set(ring.data_keys))
    if missing:
        raise KeysMissing(f"数据库中有第 {'、'.join(map(str, missing))} 号密钥加密的身份证号，但密钥中没有这些编号"
                          f"（{_source_label(ring)}）")


def _source_label(ring: KeyRing) -> str:
    return f"环境变量 {crypto.ENV_NAME}" if ring.source == "env" else f"密钥文件 {ring.source}"


@dataclass
class KeyStatus:
    source: str
    current: int
    keys: list[int]
    rows_by_key: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.rows_by_key.values())

    @property
    def behind(self) -> int:
        return self.total - self.rows_by_key.get(self.current, 0)


def key_status() -> KeyStatus:
    ring = crypto.keyring()
    counts = dict(Cadre.objects.order_by().values_list("id_key").annotate(n=Count("id")).values_list("id_key", "n"))
    return KeyStatus(_source_label(ring), ring.current, sorted(ring.data_keys), counts)


def _file_ring() -> KeyRing:
    ring = crypto.load_keyring()
    if ring.source == "env":
        raise KeysMissing(f"密钥来自环境变量 {crypto.ENV_NAME}，本命令不能改写它：请在其中加入新密钥并把 current "
                          "改为它的编号，然后运行 ganxun keys rotate --resume")
    return ring


def add_key() -> int:
    """A new data key in the key file, made current; the old ones stay so that every row still decrypts."""
    import secrets

    ring = _file_ring()
    new_id = max(ring.data_keys) + 1
    crypto.write_key_file(KeyRing(new_id, {**ring.data_keys, new_id: secrets.token_bytes(crypto.KEY_LEN)},
                                  ring.hash_key, ring.source), ring.source)
    return new_id


def retire_key(key_id: int) -> None:
    """Remove a data key from the file once no row uses it."""
    ring = _file_ring()
    if key_id not in ring.data_keys:
        raise KeysMissing(f"密钥中没有第 {key_id} 号密钥")
    if key_id == ring.current:
        raise KeysMissing(f"第 {key_id} 号是当前密钥，不能删除")
    left = Cadre.objects.filter(id_key=key_id).count()
    if left:
        raise KeysMissing(f"还有 {left} 名干部的身份证号由第 {key_id} 号密钥加密：请先运行 ganxun keys rotate --resume")
    keys = {k: v for k, v in ring.data_keys.items() if k != key_id}
    crypto.write_key_file(KeyRing(ring.current, keys, ring.hash_key, ring.source), ring.source)


def reencrypt_batch(batch: int = BATCH) -> int:
    """Re-encrypt up to ``batch`` rows not under the current key, in one transaction; how many it did."""
    ring = crypto.keyring()
    table = Cadre._meta.db_table
    with transaction.atomic():
        rows = list(Cadre.objects.select_for_update().exclude(id_key=ring.current).order_by("pk")
                    .values_list("pk", "id_key", "id_cipher")[:batch])
        if not rows:
            return 0
        params = [(crypto.encrypt(crypto.decrypt(blob, ring=ring), ring=ring), ring.current, pk, key)
                  for pk, key, blob in rows]
        with connections["default"].cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET id_cipher = %s, id_key = %s WHERE id = %s AND id_key = %s", params)
    return len(rows)


def reencrypt_all(*, batch: int = BATCH, progress: Callable[[int, int], None] | None = None) -> int:
    """Every row under the current key, batch by batch; ``progress(done, total)`` after each commit."""
    total = key_status().behind
    done = 0
    while True:
        n = reencrypt_batch(batch)
        if not n:
            return done
        done += n
        if progress:
            progress(done, max(total, done))
