"""A cache of built demo databases, so a second ``ganxun demo`` (in this checkout or a fresh clone of the same
commit on the same machine) copies the day's database in a second instead of generating it again.

The demo's ledger runs up to the day of the build, so an entry is reused only on the day it was built, for
the same size and seed, and while ``src/ganxun/demo/`` and the migrations are what built it: the key is
(size, seed, day, a hash of those files). Only a SQLite file database is cached (a PostgreSQL demo is
generated each time).

Where: ``$GANXUN_DEMO_CACHE`` when set (``off`` turns the cache off), else ``$XDG_CACHE_HOME/ganxun/demo``,
else ``~/.cache/ganxun/demo`` — outside the checkout, on purpose: a fresh clone finds it. Entries of other
days are deleted when a new one is stored (they can never be used again), and at most ``KEEP`` are kept.

What the key does not see: a change elsewhere in the code that changes what the generator writes (a
service it calls, say) without touching ``demo/`` or a migration. ``ganxun demo --no-cache`` (or
``--refresh --no-cache``) builds afresh then.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CACHE_ENV = "GANXUN_DEMO_CACHE"
OFF = {"off", "0", "no", "false", "none"}
KEEP = 4
DEMO_DIR = Path(__file__).resolve().parent
SUFFIX = ".sqlite3"


def cache_folder() -> Path | None:
    """The folder the entries live in, or None when the cache is off."""
    raw = os.environ.get(CACHE_ENV, "").strip()
    if raw.lower() in OFF and raw:
        return None
    if raw:
        return Path(raw).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base).expanduser() if base else Path.home() / ".cache") / "ganxun" / "demo"


def migration_files() -> list[Path]:
    """Every migration on disk of every installed app (the project's and its libraries')."""
    import sys

    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    files = set()
    for migration in loader.disk_migrations.values():
        module = sys.modules.get(type(migration).__module__)
        if module is not None and getattr(module, "__file__", None):
            files.add(Path(module.__file__).resolve())
    return sorted(files)


def source_hash(demo_dir: Path = DEMO_DIR, migrations: Iterable[Path] | None = None) -> str:
    """SHA-256 over the generator's source files and the migrations (names relative to their folder, and
    contents), in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in demo_dir.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p.suffix != ".pyc"):
        digest.update(b"demo/" + path.relative_to(demo_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for path in (migration_files() if migrations is None else migrations):
        digest.update(b"migration/" + f"{path.parent.parent.name}/{path.name}".encode() + b"\0")
        digest.update(Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class DemoKey:
    size: str
    seed: int
    day: date
    source: str  # source_hash()

    @property
    def filename(self) -> str:
        return f"demo-{self.size}-{self.seed}-{self.day:%Y%m%d}-{self.source[:20]}{SUFFIX}"


def demo_key(size: str, seed: int, day: date | None = None) -> DemoKey:
    return DemoKey(size=size, seed=seed, day=day or date.today(), source=source_hash())


class DemoCache:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def default(cls) -> DemoCache | None:
        folder = cache_folder()
        return cls(folder) if folder is not None else None

    def entry(self, key: DemoKey) -> Path:
        return self.folder / key.filename

    def has(self, key: DemoKey) -> bool:
        return self.entry(key).is_file()

    def restore(self, key: DemoKey, target: Path) -> bool:
        """Copy the entry for ``key`` to the database file ``target`` (nothing may have it open); False on a
        miss. The copy lands under a temporary name first, so ``target`` is never half written."""
        source = self.entry(key)
        if not source.is_file():
            return False
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            stale = target.with_name(target.name + suffix)
            if stale.exists():
                stale.unlink()
        partial = target.with_name(f"{target.name}.{os.getpid()}.part")
        shutil.copyfile(source, partial)
        os.replace(partial, target)
        _restore_keys(keys_of(source))
        return True

    def store(self, key: DemoKey, database: Path) -> Path:
        """Keep a copy of the SQLite database file ``database`` as the entry for ``key`` (a consistent
        snapshot, taken with ``VACUUM INTO``: compacted, and whole even if the file is open elsewhere), then prune."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.entry(key)
        partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.part")
        if partial.exists():
            partial.unlink()
        source = sqlite3.connect(str(Path(database).resolve()))  # reads only: VACUUM INTO leaves it as it is
        try:
            source.execute("VACUUM INTO ?", (str(partial),))
        finally:
            source.close()
        os.replace(partial, target)
        _store_keys(keys_of(target))
        self.prune(keep=key)
        return target

    def entries(self) -> list[Path]:
        return sorted(self.folder.glob(f"demo-*{SUFFIX}")) if self.folder.is_dir() else []

    def prune(self, *, keep: DemoKey) -> list[Path]:
        """Delete the entries of other days than ``keep``'s (never usable again), then all but the ``KEEP``
        newest, and partial copies left by an interrupted run more than an hour ago."""
        removed = []
        stamp = f"-{keep.day:%Y%m%d}-"
        current = []
        for path in self.entries():
            if path.name == keep.filename:
                continue
            if stamp not in path.name:
                removed.append(path)
            else:
                current.append(path)
        current.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        removed += current[KEEP - 1:]
        for part in self.folder.glob("*.part"):
            if time.time() - part.stat().st_mtime > 3600:
                removed.append(part)
        removed += [keys_of(p) for p in removed if keys_of(p).exists()]
        for path in removed:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
        return removed


def keys_of(entry: Path) -> Path:
    """The 身份证号 keys an entry's numbers are sealed with (core.crypto), kept beside it (mode 0600)."""
    return entry.with_name(entry.name + ".keys.json")


def _store_keys(path: Path) -> None:
    from ganxun.core import crypto

    crypto.write_key_file(crypto.keyring(), path)


def _restore_keys(path: Path) -> None:
    """The entry's keys become this installation's key file (unless the keys come from the environment)."""
    from ganxun.core import crypto

    if path.is_file() and not os.environ.get(crypto.ENV_NAME, "").strip():
        crypto.write_key_file(crypto.parse_keyring(path.read_text(encoding="utf-8"), str(path)),
                              crypto.key_file_path())


def sqlite_has_demo(path: Path) -> bool:
    """Whether the SQLite file at ``path`` already holds organisations (read-only look, no Django)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        db = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='orgs_org'").fetchone():
                return False
            return db.execute("SELECT 1 FROM orgs_org LIMIT 1").fetchone() is not None
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return True  # not a database we can read: leave it to the command's own checks
