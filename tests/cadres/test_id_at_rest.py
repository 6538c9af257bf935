"""身份证号 at rest (core.crypto): no clear number in the database, found by the keyed hash, keys rotated and
removed, a missing key named in Chinese."""

import json
import os
import re
import stat
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from ganxun.cadres import keys
from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import CadreFilter, cadres_by_id_numbers, cadres_filtered, id_number_taken
from ganxun.cadres.services import cadre_create
from ganxun.core import crypto
from ganxun.core.errors import DomainError
from tests.factories import add_cadre, make_id_number, run_command

FULL_ID = re.compile(r"\d{17}[\dX]")


def _raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return cursor.fetchall()


DIGEST = re.compile(r"[0-9a-f]{64}")


def _text(value) -> str:
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def test_no_table_holds_a_clear_id_number(world):
    # given cadres made by the factories, the form's service and a cadre whose number was corrected
    created = cadre_create(acting_user=world.users["dc"], org_code="419901CZJ",
                           values={"id_number": make_id_number(born=date(1991, 2, 3)), "name": "周敏", "rank": "clerk_1",
                                   "category": "civil_servant", "gender": "male", "birth_date": date(1991, 2, 3)})
    numbers = {c.id_number for c in Cadre.objects.all()}
    assert created.id_number in numbers and len(numbers) == Cadre.objects.count() >= 7
    # then no column of any table, read raw, holds any of those numbers (a random hex digest or password hash can
    # hold an 18-digit run by chance, so the cadres' own numbers are looked for, not the shape)
    for table in connection.introspection.table_names():
        for row in _raw_rows(table):
            for value in row:
                text = _text(value)
                assert not any(number in text for number in numbers), (table, row)
    # and the cadre row holds the masked form, a 43-character hash and a blob naming its key
    raw = dict(zip([c.name for c in connection.introspection.get_table_description(connection.cursor(), "cadres_cadre")],
                   _raw_rows("cadres_cadre")[0]))
    assert "id_number" not in raw
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", raw["id_masked"]) and len(raw["id_hash"]) == 43
    blob = bytes(raw["id_cipher"])
    assert len(blob) == 3 + 12 + 18 + 16 and blob[0] == 1 and crypto.key_id_of(blob) == raw["id_key"] == 1


def test_the_same_number_is_sealed_differently_each_time_and_a_tampered_blob_is_refused(db):
    a, b = crypto.encrypt("11010519491231002X"), crypto.encrypt("11010519491231002X")
    assert a != b and crypto.decrypt(a) == crypto.decrypt(b) == "11010519491231002X"
    tampered = a[:-1] + bytes([a[-1] ^ 1])
    with pytest.raises(crypto.DecryptionFailed, match="校验失败"):
        crypto.decrypt(tampered)
    relabelled = a[:1] + (2).to_bytes(2, "big") + a[3:]  # another key id in the header
    with pytest.raises(crypto.KeysMissing, match="第 2 号密钥"):
        crypto.decrypt(relabelled)


def test_lookup_search_and_uniqueness_go_by_the_keyed_hash(world, client):
    cadre = world.cadres["dc2"]
    number = cadre.id_number
    assert id_number_taken(number) and not id_number_taken(number, except_pk=cadre.pk)
    assert cadres_by_id_numbers(Cadre.objects.all(), [number, make_id_number(seq=777)]) == {number: cadre}
    # search by the full number (also typed lowercase / full-width) finds exactly that cadre, within the scope
    for typed in (number, number.lower(), number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))):
        assert [c.person_code for c in cadres_filtered(world.users["dc"], CadreFilter(q=typed))] == ["C-DC-2"]
    assert list(cadres_filtered(world.users["other"], CadreFilter(q=number))) == []
    # a second cadre under the same number is refused by the service, in Chinese, and by the database itself
    with pytest.raises(DomainError, match="该身份证号已登记在另一名干部名下"):
        cadre_create(acting_user=world.users["dc"], org_code="419901CZJ",
                     values={"id_number": number, "name": "重号", "rank": "clerk_1", "category": "civil_servant"})
    twin = Cadre(person_code="TWIN", id_number=number, name="重号", gender=cadre.gender, birth_date=cadre.birth_date,
                 org=cadre.org, rank=cadre.rank, tier=cadre.tier, category=cadre.category)
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.fixture
def key_file(tmp_path, monkeypatch, settings):
    """The test ring moved from the environment into a 0600 key file, which ``ganxun keys`` may rewrite."""
    ring = crypto.parse_keyring(os.environ[crypto.ENV_NAME], "env")
    path = tmp_path / "data-keys.json"
    settings.GANXUN_KEY_FILE = path
    monkeypatch.delenv(crypto.ENV_NAME)
    crypto.write_key_file(ring, path)
    yield path
    crypto.reset_keyring()


def test_rotate_interrupted_then_resumed_then_the_old_key_removed(world, key_file, capsys):
    for i in range(11):
        add_cadre(world.orgs["dc_fin"], f"R-{i:02d}", f"轮换{i}", born=date(1985, 1, 1 + i))
    numbers = {c.pk: c.id_number for c in Cadre.objects.all()}
    total = len(numbers)
    # given a rotation killed after its first committed batch of 5
    new_id = keys.add_key()
    assert new_id == 2 and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert keys.reencrypt_batch(5) == 5
    assert keys.key_status().rows_by_key == {1: total - 5, 2: 5}
    assert run_command("keys", "status") == 0
    out = capsys.readouterr().out
    assert "当前密钥：第 2 号" in out and f"{total - 5} 名仍由旧密钥加密" in out
    # the old key cannot be removed while rows still use it
    assert run_command("keys", "retire", "1") == 2
    assert f"还有 {total - 5} 名干部" in capsys.readouterr().err
    # when it is resumed, the rest are re-encrypted in batches, with progress
    assert run_command("keys", "rotate", "--resume", "--batch", "4") == 0
    captured = capsys.readouterr()
    assert f"已重新加密 4/{total - 5}" in captured.err and f"重新加密完成：{total - 5} 名干部" in captured.out
    assert keys.key_status().rows_by_key == {2: total}
    # then key 1 can be removed and every number still decrypts, from a fresh read of the file
    assert run_command("keys", "retire", "1") == 0
    assert set(json.loads(key_file.read_text())["data_keys"]) == {"2"}
    crypto.reset_keyring()
    assert {c.pk: Cadre.objects.get(pk=c.pk).id_number for c in Cadre.objects.all()} == numbers
    # and a full rotation (new key, everything re-encrypted) leaves the hashes alone: lookups still work
    assert run_command("keys", "rotate") == 0
    assert keys.key_status().rows_by_key == {3: total}
    assert all(id_number_taken(n) for n in numbers.values())


def test_rotate_refuses_to_rewrite_keys_that_come_from_the_environment(world, capsys):
    assert run_command("keys", "rotate") == 2
    assert "环境变量 GANXUN_DATA_KEYS" in capsys.readouterr().err
    assert keys.key_status().rows_by_key == {1: Cadre.objects.count()}


def test_a_missing_key_is_a_clear_chinese_error_and_is_never_replaced(world, tmp_path, monkeypatch, settings,
                                                                      capsys, client):
    settings.GANXUN_KEY_FILE = tmp_path / "nowhere" / "data-keys.json"
    monkeypatch.delenv(crypto.ENV_NAME)
    crypto.reset_keyring()
    try:
        with pytest.raises(crypto.KeysMissing, match="找不到身份证号加密密钥.*GANXUN_DATA_KEYS"):
            Cadre.objects.get(person_code="C-DC-2").id_number
        assert run_command("keys", "status") == 2
        assert "找不到身份证号加密密钥" in capsys.readouterr().err
        # with rows in the database, the start-up check refuses, and makes no new key
        with pytest.raises(crypto.KeysMissing, match="切勿新建密钥"):
            keys.check_keys_for_database()
        assert not settings.GANXUN_KEY_FILE.exists()
        # a key file without the key a row names is refused by name
        crypto.write_key_file(crypto.KeyRing(5, {5: b"k" * 16}, b"h" * 32, "file"), settings.GANXUN_KEY_FILE)
        with pytest.raises(crypto.KeysMissing, match="第 1 号密钥"):
            keys.check_keys_for_database()
        settings.GANXUN_KEY_FILE.write_text("{not json")
        crypto.reset_keyring()
        with pytest.raises(crypto.KeysMissing, match="格式不正确"):
            crypto.keyring()
    finally:
        crypto.reset_keyring()


def test_a_fresh_database_gets_a_0600_key_file(db, tmp_path, monkeypatch, settings):
    settings.GANXUN_KEY_FILE = tmp_path / "var" / "data-keys.json"
    monkeypatch.delenv(crypto.ENV_NAME)
    crypto.reset_keyring()
    try:
        keys.check_keys_for_database()
        assert stat.S_IMODE(os.stat(settings.GANXUN_KEY_FILE).st_mode) == 0o600
        ring = crypto.keyring()
        assert ring.current == 1 and len(ring.data_keys[1]) == 16 and len(ring.hash_key) == 32
        keys.check_keys_for_database()  # a second run keeps the same keys
        crypto.reset_keyring()
        assert crypto.keyring().data_keys == ring.data_keys
    finally:
        crypto.reset_keyring()


def test_a_cached_demo_database_travels_with_its_keys(tmp_path, key_file, settings):
    from datetime import date as day

    from ganxun.demo.cache import DemoCache, DemoKey, keys_of
    from tests.demo.test_demo_cache import _fake_database

    cache = DemoCache(tmp_path / "cache")
    key = DemoKey("small", 2026, day(2026, 12, 2), "c" * 64)
    stored = cache.store(key, _fake_database(tmp_path / "built.sqlite3", rows=3))
    assert stat.S_IMODE(os.stat(keys_of(stored)).st_mode) == 0o600
    # a fresh checkout (another VAR_DIR, no key file) restoring the entry gets the keys its numbers need
    settings.GANXUN_KEY_FILE = tmp_path / "fresh-var" / "data-keys.json"
    crypto.reset_keyring()
    assert cache.restore(key, tmp_path / "fresh-var" / "ganxun.sqlite3")
    assert settings.GANXUN_KEY_FILE.read_text() == key_file.read_text()


def test_a_pickled_cadre_carries_no_clear_number(world):
    import pickle

    cadre = Cadre.objects.get(person_code="C-DC-2")
    number = cadre.id_number  # decrypted and kept on the instance
    data = pickle.dumps(cadre)
    assert number.encode() not in data and not FULL_ID.search(data.decode("latin-1"))
    assert pickle.loads(data).id_number == number
