"""``ganxun serve`` (and so ``ganxun demo``) runs a worker beside the web server: a child process.

The child is ``ganxun worker`` with the parent's environment (the same database, VAR_DIR and mode), in a
session of its own, so that Ctrl+C in the terminal reaches the server only. When the server stops (Ctrl+C,
or SIGTERM, which is made to stop it the same way) the child is asked to stop (SIGTERM: it finishes the
job in hand) and killed if it has not within ``STOP_SECONDS``; on Linux it is also told to stop if the
server dies without a word. A job cut off that way is rolled back by the database and shown 已中断.
"""

import atexit
import os
import signal
import subprocess
import sys

STOP_SECONDS = 10


def _stop_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start_worker() -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-m", "ganxun.cli", "worker"], env=os.environ.copy(),
                             start_new_session=True,
                             preexec_fn=_stop_with_parent if sys.platform.startswith("linux") else None)
    atexit.register(stop_worker, child)
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unwinds the server, so its finally stops the child
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
