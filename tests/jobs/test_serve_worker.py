"""``ganxun serve`` runs a worker as its child unless ``--no-worker``, and stops it when it stops."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> dict[int, str]:
    """The live processes whose parent is ``pid``: their command lines by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def env(tmp_path):
    # the deployed settings (ganxun.cli's default), not the test run's: their worker has no database queue
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GANXUN_") and k != "DJANGO_SETTINGS_MODULE"},
           "GANXUN_MODE": "demo",
           "GANXUN_VAR_DIR": str(tmp_path), "GANXUN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "ganxun.cli", "migrate"], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)
    return env


def serve(env, *extra):
    port = free_port()
    # what the server and its worker say goes to a file, for the assertion that finds no worker
    log = open(Path(env["GANXUN_VAR_DIR"]) / "serve.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "ganxun.cli", "serve", "--port", str(port), "--no-migrate",
                               *extra], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert response.status == 200
                return server
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError("ganxun serve did not answer")
            time.sleep(0.2)


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_serve_starts_a_worker_and_stops_it_with_itself(env):
    server = serve(env)
    try:
        deadline = time.monotonic() + 90   # a loaded 2-core machine (two test runs side by side) starts it slowly
        while not (workers := [pid for pid, c in children_of(server.pid).items() if "ganxun.cli worker" in c]):
            assert time.monotonic() < deadline, "no worker child; the server said:\n" + (
                Path(env["GANXUN_VAR_DIR"]) / "serve.log").read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        time.sleep(3)   # and it keeps running (a worker that refuses its settings exits at once)
        assert alive(workers[0]), "the worker exited; the server said:\n" + (
            Path(env["GANXUN_VAR_DIR"]) / "serve.log").read_text(errors="replace")[-3000:]
    finally:
        stop(server)
    deadline = time.monotonic() + 30
    while alive(workers[0]):
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.2)


def test_no_worker_starts_none(env):
    server = serve(env, "--no-worker")
    try:
        time.sleep(1)
        # the children are gunicorn's web processes (the same command line as the server), no `ganxun worker`
        assert not any("ganxun.cli worker" in c for c in children_of(server.pid).values())
    finally:
        stop(server)

