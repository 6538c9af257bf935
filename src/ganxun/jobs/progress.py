"""A running job's progress and heartbeat: a small JSON file per job under ``VAR_DIR/jobs/``.

Why a file and not the ``Job`` row: the work a job does (an import) runs in one long transaction. Progress
written to the row through the same connection stays invisible until that transaction commits, and on
SQLite a second connection cannot write at all while the import holds the write lock. The file is
replaced atomically (written beside, then ``os.replace``), so a reader sees the old or the new one,
never half of one; every web process reads it, since ``VAR_DIR`` is shared by them already (the import
page parks its uploads there). The ``Job`` row is written before the work starts and after it ends.
"""

import json
import os
import socket
import threading
import time
from pathlib import Path

from django.conf import settings


def jobs_dir() -> Path:
    path = Path(settings.VAR_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def progress_path(job_id: int) -> Path:
    return jobs_dir() / f"{int(job_id)}.progress.json"


def result_path(name: str) -> Path:
    """A job's result file by its stored name (no directories: the name is ours, still checked)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError("not a result file name")
    return jobs_dir() / name


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def write_progress(job_id: int, data: dict) -> None:
    target = progress_path(job_id)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_text(json.dumps({**data, "heartbeat": time.time()}, ensure_ascii=False))
    os.replace(tmp, target)


def read_progress(job_id: int) -> dict | None:
    try:
        return json.loads(progress_path(job_id).read_text())
    except (OSError, ValueError):
        return None


def stale_after() -> float:
    return float(getattr(settings, "GANXUN_JOB_STALE_SECONDS", 30))


def heartbeat_age(job_id: int) -> float | None:
    data = read_progress(job_id)
    if data is None or "heartbeat" not in data:
        return None
    return max(0.0, time.time() - float(data["heartbeat"]))


def worker_alive(worker: str) -> bool | None:
    """True/False for a worker on this host (its pid is alive or not); None for another host's."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed, not yet reaped by its parent) is dead too
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class Reporter:
    """What a runner tells while it works: ``update(done, total, message)``; a thread keeps the heartbeat.

    The heartbeat is rewritten every ``GANXUN_JOB_HEARTBEAT_SECONDS`` even while a chunk takes long, so a
    job whose heartbeat is older than ``GANXUN_JOB_STALE_SECONDS`` has a dead worker.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.state = {"done": 0, "total": None, "fraction": 0.0, "message": "正在处理"}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def update(self, done: int | None = None, total: int | None = None, message: str | None = None,
               fraction: float | None = None) -> None:
        with self._lock:
            if done is not None:
                self.state["done"] = int(done)
            if total is not None:
                self.state["total"] = int(total)
            if message is not None:
                self.state["message"] = message[:500]
            if fraction is not None:
                self.state["fraction"] = max(0.0, min(1.0, float(fraction)))
            elif self.state["total"]:
                self.state["fraction"] = min(1.0, self.state["done"] / self.state["total"])
            write_progress(self.job_id, self.state)

    def _beat(self) -> None:
        interval = float(getattr(settings, "GANXUN_JOB_HEARTBEAT_SECONDS", 2))
        while not self._stop.wait(interval):
            with self._lock:
                write_progress(self.job_id, self.state)

    def __enter__(self):
        self.update(message=self.state["message"])
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
