"""One heavy import at a time per server, across processes.

Reading and checking a large upload costs up to ~100 MB and a core; two at once are allowed to wait, not
to pile up. On PostgreSQL the lock is a session advisory lock on the default database (every process of
the server, and the worker, sees it); on SQLite it is an ``flock`` on ``VAR_DIR/import.lock``. Either is
released when its holder ends, even by ``kill -9``.

The page (and any API import) asks without waiting and answers ``BUSY_MESSAGE``; the command line and the
background jobs wait their turn (the command says that it waits).
"""

import os
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections

from ganxun.core.errors import DomainError

BUSY_MESSAGE = "已有导入正在进行，请稍后再试（同一时间只能进行一个导入，以免服务器内存不足）"
_KEY = 0x67616E78  # "ganx": the advisory lock's key


class ImportBusy(DomainError):
    def __init__(self):
        super().__init__(BUSY_MESSAGE, code="busy")


def _pg_try(conn) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [_KEY])
        return bool(cur.fetchone()[0])


def _pg_unlock(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s)", [_KEY])


@contextmanager
def heavy_import(*, wait: bool, on_wait=None, poll: float = 0.5):
    """Hold the server's import lock inside; ``wait=False`` raises ``ImportBusy`` if another holds it.

    ``on_wait()`` is called once when the lock is taken by another and this one waits."""
    conn = connections["default"]
    if conn.vendor == "postgresql":
        conn.ensure_connection()
        told = False
        while not _pg_try(conn):
            if not wait:
                raise ImportBusy()
            if on_wait is not None and not told:
                on_wait()
                told = True
            time.sleep(poll)
        try:
            yield
        finally:
            try:
                _pg_unlock(conn)
            except Exception:  # noqa: BLE001 - a lost connection has released it already
                pass
        return
    import fcntl

    path = Path(settings.VAR_DIR) / "import.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise ImportBusy() from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
