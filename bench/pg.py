"""A PostgreSQL 15 for the benchmarks, started the way ``scripts/run_tests.py`` starts its throwaway one.

The server runs from the machine's PostgreSQL 15 binaries as the ``postgres`` user (PostgreSQL refuses
to run as root), on a Unix socket in its own directory, with no TCP listener. Unlike the tests' server
it can keep its data directory between runs (the province takes a while to load), and it is sized for
a bulk load and for analytic queries on a 2-core, 23 GB machine. ``fsync`` is off as in the tests:
these are benchmarks, not a deployment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("GANXUN_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB_NAME = "ganxun"

# What the server is told, beyond the tests' settings. Sized for this machine (2 cores, 23 GB).
SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "40",
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "work_mem": "256MB",
    "maintenance_work_mem": "2GB",
    "max_wal_size": "32GB",
    "checkpoint_timeout": "30min",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_parallel_workers_per_gather": "2",
    "random_page_cost": "1.1",
}


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres")


def url_for(socket_dir: Path, db: str = DB_NAME) -> str:
    return f"postgres://postgres@/{db}?host={socket_dir}"


@contextmanager
def postgres(home: Path | None = None, *, keep: bool = False, settings: dict | None = None):
    """Start PostgreSQL with its data under ``home`` (a new temporary directory when None); yield its URL.

    An existing cluster under ``home`` is started as it is. Unless ``keep``, the directory is removed
    when the block ends.
    """
    import psycopg

    home = Path(home) if home else Path(tempfile.mkdtemp(prefix="ganxun-bench-pg-"))
    home.mkdir(parents=True, exist_ok=True)
    _chown(home)
    data, sock, log = home / "data", home / "sock", home / "log"
    sock.mkdir(exist_ok=True)
    _chown(sock)
    fresh = not (data / "PG_VERSION").exists()
    try:
        if fresh:
            subprocess.run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                         "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
                           check=True, stdout=subprocess.DEVNULL)
        opts = " ".join([f"-k {sock}"] + [f"-c {k}={v}" for k, v in {**SETTINGS, **(settings or {})}.items()])
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "300",
                                     "start", "-o", opts]), check=True, stdout=subprocess.DEVNULL)
        with psycopg.connect(host=str(sock), user="postgres", dbname="postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
                conn.execute(f"CREATE DATABASE {DB_NAME}")
        yield url_for(sock)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-t", "300", "stop"]),
                           stdout=subprocess.DEVNULL)
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def du(path: Path) -> str:
    """Disk use of a directory, as ``du -sh`` prints it."""
    out = subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()
    return out[0] if out else "?"


def wait_idle(seconds: float = 2.0) -> None:
    """Let a checkpoint or autovacuum after a load settle before timing."""
    time.sleep(seconds)
