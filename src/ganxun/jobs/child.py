"""``ganxun serve`` (and so ``ganxun demo``) runs a worker beside the web server: a child process.

The child is ``ganxun worker`` with the parent's environment (the same database, VAR_DIR and mode). It is
asked to stop (SIGTERM: it finishes the job in hand) when the server stops, and killed if it has not
within ``STOP_SECONDS``; a job it was killed in is rolled back by the database and shown 已中断.
"""

import atexit
import os
import subprocess
import sys

STOP_SECONDS = 10


def start_worker() -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-m", "ganxun.cli", "worker"], env=os.environ.copy())
    atexit.register(stop_worker, child)
    return child


def stop_worker(child: subprocess.Popen | None) -> None:
    if child is None or child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
