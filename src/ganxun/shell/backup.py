"""``ganxun backup FILE`` and ``ganxun restore FILE``: one archive holding the database and the stored files.

The archive is a plain tar file:

- ``manifest.json``: when and from which database it was made, the row count of every table and a SHA-256
  over the ledger totals (per cadre and year: the sum of 计入学时 and 计入天数 and the number of entries in
  the ledger, and the same from the per-year totals table), all taken from the same snapshot as the dump,
  plus the size and SHA-256 of every file;
- ``database.dump`` (PostgreSQL, ``pg_dump -Fc`` run on an exported snapshot, so the counts and the dump see the
  same committed state) or ``database.sqlite3`` (SQLite's online backup API; the counts are read from the copy);
- ``files/classes/…`` and ``files/submissions/…``: what lives in ``VAR_DIR/files`` (结班材料, 报批证明材料).
  The database is taken first and the files after: a file is written before its row, so every restored row
  finds its file (a file without a row is harmless).

The archive is written to ``FILE.partial`` and renamed when complete: an interrupted backup leaves no file that
looks like a backup. A restore goes into an EMPTY database only (no tables at all), checks every file against the
manifest before writing anything, then counts again and compares with the manifest.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from ganxun.core.errors import DomainError

FORMAT = "ganxun-backup/1"
FILE_FOLDERS = ("classes", "submissions")  # under VAR_DIR/files
MANIFEST = "manifest.json"


# --- what is compared --------------------------------------------------------------------------

def _year(vendor: str, column: str) -> str:
    return f"CAST(EXTRACT(YEAR FROM {column}) AS INTEGER)" if vendor == "postgresql" else \
        f"CAST(strftime('%Y', {column}) AS INTEGER)"


def _decimal(value) -> str:
    """A sum as exact text with one decimal (SQLite hands decimals back as floats)."""
    from decimal import Decimal

    return f"{Decimal(str(value if value is not None else 0)).quantize(Decimal('0.1'))}"


def _quote(vendor: str, name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in cursor.fetchall()]


def table_counts(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for name in table_names(cursor, vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(vendor, name)}")
        counts[name] = int(cursor.fetchone()[0])
    return counts


def ledger_hash(cursor, vendor: str) -> str:
    """SHA-256 over the ledger's totals per cadre and year, and the per-year totals table's."""
    from ganxun.records.models import CadreYearTotal, LearningRecord

    ledger, totals = LearningRecord._meta.db_table, CadreYearTotal._meta.db_table
    digest = hashlib.sha256()
    cursor.execute(f"SELECT cadre_id, {_year(vendor, 'end_date')} AS y, SUM(credit_hours), SUM(credit_days), COUNT(*) "
                   f"FROM {ledger} GROUP BY cadre_id, y ORDER BY cadre_id, y")
    for cadre, year, hours, days, entries in cursor.fetchall():
        digest.update(f"L|{cadre}|{year}|{_decimal(hours)}|{int(days or 0)}|{entries}\n".encode())
    cursor.execute(f"SELECT cadre_id, year, SUM(hours), SUM(days), SUM(records) FROM {totals} "
                   "GROUP BY cadre_id, year ORDER BY cadre_id, year")
    for cadre, year, hours, days, records in cursor.fetchall():
        digest.update(f"T|{cadre}|{year}|{_decimal(hours)}|{int(days or 0)}|{int(records or 0)}\n".encode())
    return digest.hexdigest()


# --- backup -------------------------------------------------------------------------------------

def files_root() -> Path:
    return Path(settings.VAR_DIR) / "files"


def _stored_files() -> list[Path]:
    root = files_root()
    found = []
    for folder in FILE_FOLDERS:
        base = root / folder
        if base.is_dir():
            found.extend(p for p in sorted(base.rglob("*")) if p.is_file() and not p.is_symlink())
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_tool(name: str) -> str:
    folder = os.environ.get("GANXUN_PG_BIN")
    if folder and (Path(folder) / name).exists():
        return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise DomainError(f"找不到 PostgreSQL 的 {name} 程序：请安装 PostgreSQL 客户端（Debian：apt-get install "
                          f"postgresql-client-15），或把它所在的目录设为 GANXUN_PG_BIN")
    return found


def _pg_env_and_args() -> tuple[dict, list[str]]:
    """The client tools' connection: the same parameters Django's own connection uses (host may be a socket
    directory given in the URL's query), passed as libpq environment variables."""
    params = connection.get_connection_params()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG") or k == "PGSSLROOTCERT"}
    for key, variable in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD"),
                          ("dbname", "PGDATABASE"), ("sslmode", "PGSSLMODE")):
        if params.get(key) not in (None, ""):
            env[variable] = str(params[key])
    return env, ["-d", env.get("PGDATABASE", "")]


def _dump_postgres(target: Path) -> dict:
    """pg_dump -Fc of the snapshot in which the counts and the ledger hash are taken."""
    pg_dump = _pg_tool("pg_dump")
    env, args = _pg_env_and_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            done = subprocess.run([pg_dump, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                                   "-f", str(target), *args], env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise DomainError(f"pg_dump 失败（退出码 {done.returncode}）：{done.stderr.strip()[-500:]}")
            counts = table_counts(cursor, "postgresql")
            ledger = ledger_hash(cursor, "postgresql")
    return {"counts": counts, "ledger_sha256": ledger}


def _dump_sqlite(target: Path) -> dict:
    connection.ensure_connection()
    copy = sqlite3.connect(str(target))
    try:
        # consistent even while others write (it starts again when the source changes underneath)
        connection.connection.backup(copy)
        cursor = copy.cursor()
        counts = table_counts(cursor, "sqlite")
        ledger = ledger_hash(cursor, "sqlite")
    finally:
        copy.close()
    return {"counts": counts, "ledger_sha256": ledger}


def _applied_migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


@dataclass
class BackupResult:
    path: Path
    manifest: dict = field(default_factory=dict)


def make_backup(path: str | os.PathLike) -> BackupResult:
    target = Path(path)
    if target.exists():
        raise DomainError(f"备份文件 {target} 已存在：请换一个文件名（不会覆盖已有的备份）")
    if not target.parent.is_dir():
        raise DomainError(f"目录 {target.parent} 不存在")
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise DomainError(f"不支持备份 {vendor} 数据库（只支持 PostgreSQL 和 SQLite）")
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="ganxun-backup-", dir=target.parent) as work:
        dump_name = "database.dump" if vendor == "postgresql" else "database.sqlite3"
        dump = Path(work) / dump_name
        taken = _dump_postgres(dump) if vendor == "postgresql" else _dump_sqlite(dump)
        root = files_root()
        files = [{"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": _sha256(p)}
                 for p in _stored_files()]
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": vendor,
            "database": dump_name,
            "migrations": _applied_migrations(),
            "counts": taken["counts"],
            "ledger_sha256": taken["ledger_sha256"],
            "files": files,
        }
        try:
            with tarfile.open(partial, "w") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=dump_name)
                for entry in files:
                    archive.add(root / entry["path"], arcname="files/" + entry["path"])
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise DomainError(f"写备份文件 {target} 失败：{exc.strerror or exc}（没有留下不完整的备份文件）") from None
    return BackupResult(target, manifest)


# --- restore ------------------------------------------------------------------------------------

def read_manifest(archive: tarfile.TarFile, source: Path) -> dict:
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(archive.extractfile(member).read().decode("utf-8"))
    except (KeyError, ValueError, AttributeError):
        raise DomainError(f"{source} 不是 ganxun backup 生成的备份文件（没有可读的 {MANIFEST}）") from None
    if manifest.get("format") != FORMAT:
        raise DomainError(f"{source} 的格式 {manifest.get('format')!r} 不认识（应为 {FORMAT}）")
    return manifest


def _database_is_empty() -> list[str]:
    with connection.cursor() as cursor:
        return table_names(cursor, connection.vendor)


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    ledger_sha256: str
    files: int

    @property
    def differing_tables(self) -> list[str]:
        expected = self.manifest["counts"]
        return sorted(name for name in set(expected) | set(self.counts) if expected.get(name) != self.counts.get(name))

    @property
    def ledger_matches(self) -> bool:
        return self.ledger_sha256 == self.manifest["ledger_sha256"]

    @property
    def ok(self) -> bool:
        return not self.differing_tables and self.ledger_matches


def _safe_member(name: str) -> bool:
    parts = Path(name).parts
    return name.startswith("files/") and ".." not in parts and not Path(name).is_absolute()


def restore_backup(path: str | os.PathLike) -> RestoreResult:
    source = Path(path)
    if not source.is_file():
        raise DomainError(f"备份文件 {source} 不存在")
    try:
        archive = tarfile.open(source, "r:")
    except (tarfile.TarError, OSError):
        raise DomainError(f"{source} 不是 ganxun backup 生成的备份文件（不是 tar 文件，或已损坏）") from None
    with archive, tempfile.TemporaryDirectory(prefix="ganxun-restore-") as work:
        manifest = read_manifest(archive, source)
        vendor = connection.vendor
        if manifest["vendor"] != vendor:
            names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
            raise DomainError(f"这是 {names.get(manifest['vendor'], manifest['vendor'])} 的备份，不能恢复到 "
                              f"{names.get(vendor, vendor)} 数据库")
        existing = _database_is_empty()
        if existing:
            raise DomainError(f"目标数据库不是空的（已有 {len(existing)} 张表，如 {', '.join(existing[:3])}）："
                              "只能恢复到新建的空数据库（不要先运行 ganxun migrate），数据库未作任何改动")
        root = files_root()
        present = [p for folder in FILE_FOLDERS for p in (root / folder).rglob("*") if p.is_file()] \
            if root.is_dir() else []
        if present:
            raise DomainError(f"数据目录 {root} 下已有 {len(present)} 个文件：只能恢复到空的数据目录，数据库未作任何改动")
        # everything is read and checked before anything is written
        work_dir = Path(work)
        try:
            archive.extract(manifest["database"], work_dir, filter="data")
            members = [m for m in archive.getmembers() if m.isfile() and _safe_member(m.name)]
            for member in members:
                archive.extract(member, work_dir, filter="data")
        except (KeyError, tarfile.TarError, OSError) as exc:
            raise DomainError(f"备份文件 {source} 不完整或已损坏：{exc}；数据库未作任何改动") from None
        listed = {entry["path"]: entry for entry in manifest["files"]}
        for rel, entry in listed.items():
            got = work_dir / "files" / rel
            if not got.is_file() or got.stat().st_size != entry["size"] or _sha256(got) != entry["sha256"]:
                raise DomainError(f"备份中的文件 files/{rel} 与清单不符（缺失或已被改动）；数据库未作任何改动")
        dump = work_dir / manifest["database"]
        if vendor == "postgresql":
            _restore_postgres(dump)
        else:
            _restore_sqlite(dump)
        for rel in listed:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work_dir / "files" / rel, target)
    connection.close()
    # results kept in the cache were the database's before: the restored one may repeat their keys
    # (the same users, a new cluster's write-ahead log starting again low; core.dbrouting.change_mark)
    cache.clear()
    with connection.cursor() as cursor:
        counts = table_counts(cursor, vendor)
        ledger = ledger_hash(cursor, vendor)
    return RestoreResult(manifest, counts, ledger, len(listed))


def _restore_postgres(dump: Path) -> None:
    pg_restore = _pg_tool("pg_restore")
    env, args = _pg_env_and_args()
    connection.close()
    done = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                           *args, str(dump)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise DomainError(f"pg_restore 失败（退出码 {done.returncode}），已整体回滚，数据库仍是空的："
                          f"{done.stderr.strip()[-500:]}")


def _restore_sqlite(dump: Path) -> None:
    connection.close()
    target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
    source = sqlite3.connect(str(dump))
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
