"""The demo database cache: a second ``ganxun demo`` on the same day copies the database it built instead of
generating it again; another day, size, seed, generator or migration builds afresh."""

import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from ganxun.demo import cache as demo_cache
from ganxun.demo.cache import DemoCache, DemoKey, cache_folder, demo_key, source_hash, sqlite_has_demo

DAY = date(2026, 11, 25)


def _run_demo(tmp_path: Path, db_name: str, *args: str) -> str:
    """``ganxun demo --size small --no-serve`` in its own process, on the SQLite file ``db_name``."""
    env = {**os.environ, "GANXUN_DATABASE_URL": f"sqlite:///{tmp_path / db_name}",
           "GANXUN_DEMO_CACHE": str(tmp_path / "cache"), "GANXUN_VAR_DIR": str(tmp_path / "var"),
           "GANXUN_MODE": "demo", "DJANGO_SETTINGS_MODULE": "ganxun.settings"}
    done = subprocess.run([sys.executable, "-m", "ganxun.cli", "demo", "--size", "small", "--no-serve", *args],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _counts(path: Path) -> tuple[int, int, int]:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("cadres_cadre", "records_learningrecord", "accounts_user"))
    finally:
        db.close()


@pytest.mark.own_sqlite  # `ganxun demo` on SQLite files of its own, whatever the suite's database is
def test_a_second_demo_copies_the_days_database_and_a_changed_key_builds_afresh(tmp_path):
    # given a first demo, built and stored in the cache
    first = _run_demo(tmp_path, "first.sqlite3")
    assert "正在生成演示数据" in first and "已保存到缓存" in first
    entries = sorted((tmp_path / "cache").glob("demo-small-2026-*.sqlite3"))
    assert len(entries) == 1
    # when a second demo starts on an empty database (a fresh clone's var/)
    second = _run_demo(tmp_path, "second.sqlite3")
    # then it copies the cached database and opens it: the same people, ledger and logins, ready to log in
    assert "已从缓存取得" in second and "正在生成" not in second
    assert _counts(tmp_path / "second.sqlite3") == _counts(tmp_path / "first.sqlite3")
    assert "ganbu" in second and "Ganxun@2026" in second
    # and another seed is another key: built, not copied, and stored beside the first
    other = _run_demo(tmp_path, "third.sqlite3", "--seed", "7")
    assert "正在生成演示数据" in other and "已从缓存取得" not in other
    assert len(list((tmp_path / "cache").glob("demo-small-*.sqlite3"))) == 2
    # and --no-cache builds without looking
    fresh = _run_demo(tmp_path, "fourth.sqlite3", "--no-cache")
    assert "正在生成演示数据" in fresh and "缓存" not in fresh.split("网址")[0]


def test_the_key_changes_with_size_seed_day_and_source():
    base = DemoKey("city", 2026, DAY, "a" * 64)
    others = [DemoKey("small", 2026, DAY, "a" * 64), DemoKey("city", 7, DAY, "a" * 64),
              DemoKey("city", 2026, DAY + timedelta(days=1), "a" * 64), DemoKey("city", 2026, DAY, "b" * 64)]
    assert len({base.filename, *(k.filename for k in others)}) == 5
    assert demo_key("city", 2026, DAY).source == source_hash()  # the generator and migrations as they are


def test_the_source_hash_follows_the_generator_and_the_migrations(tmp_path):
    # given a copy of the generator's folder and the project's migrations
    demo = tmp_path / "demo"
    shutil.copytree(demo_cache.DEMO_DIR, demo, ignore=shutil.ignore_patterns("__pycache__"))
    migrations = demo_cache.migration_files()
    assert any(p.parent.parent.name == "audit" for p in migrations)
    before = source_hash(demo, migrations)
    assert source_hash(demo, migrations) == before
    # when a line of the generator changes, the hash does
    names = demo / "names.py"
    names.write_text(names.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    changed = source_hash(demo, migrations)
    assert changed != before
    # and so it does when a migration is added
    extra = tmp_path / "audit" / "migrations" / "0099_more.py"
    extra.parent.mkdir(parents=True)
    extra.write_text("# a new migration\n", encoding="utf-8")
    assert source_hash(demo, [*migrations, extra]) != changed


def _fake_database(path: Path, rows: int = 1) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE orgs_org (id INTEGER PRIMARY KEY, name TEXT)")
    db.executemany("INSERT INTO orgs_org (name) VALUES (?)", [("示例市",)] * rows)
    db.commit()
    db.close()
    return path


def test_store_and_restore_copy_a_whole_database(tmp_path):
    cache = DemoCache(tmp_path / "cache")
    key = DemoKey("small", 2026, DAY, "c" * 64)
    target = tmp_path / "var" / "ganxun.sqlite3"
    # a miss copies nothing
    assert not cache.restore(key, target) and not target.exists()
    # a stored database comes back whole, and an old -wal beside the target does not survive the copy
    cache.store(key, _fake_database(tmp_path / "built.sqlite3", rows=3))
    target.parent.mkdir(parents=True)
    target.with_name("ganxun.sqlite3-wal").write_bytes(b"stale")
    assert cache.restore(key, target)
    assert not target.with_name("ganxun.sqlite3-wal").exists()
    assert sqlite3.connect(target).execute("SELECT count(*) FROM orgs_org").fetchone() == (3,)
    assert sqlite_has_demo(target) and not sqlite_has_demo(tmp_path / "nothing.sqlite3")


def test_storing_prunes_the_entries_of_other_days(tmp_path):
    cache = DemoCache(tmp_path / "cache")
    built = _fake_database(tmp_path / "built.sqlite3")
    yesterday = DemoKey("city", 2026, DAY - timedelta(days=1), "d" * 64)
    cache.store(yesterday, built)
    today = [DemoKey("city", seed, DAY, "d" * 64) for seed in range(demo_cache.KEEP + 2)]
    for key in today:
        cache.store(key, built)
    names = {p.name for p in cache.entries()}
    # yesterday's entry can never be used again; of today's, the newest KEEP stay
    assert yesterday.filename not in names
    assert len(names) == demo_cache.KEEP and today[-1].filename in names


@pytest.mark.parametrize("env, expected", [
    ({"GANXUN_DEMO_CACHE": "off"}, None),
    ({"GANXUN_DEMO_CACHE": "/srv/demo-cache"}, Path("/srv/demo-cache")),
    ({"XDG_CACHE_HOME": "/home/u/.cache"}, Path("/home/u/.cache/ganxun/demo")),
])
def test_the_cache_folder_comes_from_the_environment(monkeypatch, env, expected):
    for name in ("GANXUN_DEMO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_folder() == expected


def test_without_settings_the_cache_lives_in_the_users_cache_folder(monkeypatch, tmp_path):
    for name in ("GANXUN_DEMO_CACHE", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_folder() == tmp_path / ".cache" / "ganxun" / "demo"
