"""Run the whole test suite: on SQLite, on a throwaway PostgreSQL 15, and in headless Chromium.

The PostgreSQL server is started here from the machine's PostgreSQL 15 binaries in a temporary
directory (socket only, no TCP listener), and stopped and removed afterwards. PostgreSQL refuses
to run as root, so as root the server runs as the `postgres` user.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("GANXUN_PG_BIN", "/usr/lib/postgresql/15/bin"))
PYTEST = [sys.executable, "-m", "pytest"]


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def throwaway_postgres():
    tmp = Path(tempfile.mkdtemp(prefix="ganxun-pg-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    data = tmp / "data"
    try:
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                          "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, stdout=subprocess.DEVNULL,
        )
        opts = (f"-k {tmp} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
                "-c synchronous_commit=off -c max_connections=100")
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-w",
                          "start", "-o", opts]),
            check=True, stdout=subprocess.DEVNULL,
        )
        yield f"postgres://postgres@/ganxun?host={tmp}"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(tmp, ignore_errors=True)


def run(label: str, args: list[str], env: dict[str, str]) -> int:
    print(f"\n===== {label} =====", flush=True)
    started = time.monotonic()
    code = subprocess.run(PYTEST + args, cwd=ROOT, env=env).returncode
    print(f"===== {label}: exit {code}, {time.monotonic() - started:.0f} s =====", flush=True)
    return code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres", "e2e"])
    opts, extra = parser.parse_known_args()
    opts.pytest_args = extra
    base_env = {k: v for k, v in os.environ.items() if k != "GANXUN_DATABASE_URL"}
    results = {}
    if opts.only in (None, "sqlite"):
        results["SQLite"] = run("单元与集成测试 · SQLite", ["-m", "not e2e", *opts.pytest_args], base_env)
    if opts.only in (None, "postgres"):
        with throwaway_postgres() as url:
            env = {**base_env, "GANXUN_DATABASE_URL": url}
            results["PostgreSQL"] = run("单元与集成测试 · PostgreSQL 15", ["-m", "not e2e", *opts.pytest_args], env)
    if opts.only in (None, "e2e"):
        results["Chromium"] = run("浏览器测试 · Chromium", ["-m", "e2e", *opts.pytest_args], base_env)
    print("\n" + "  ".join(f"{name}: {'通过' if code == 0 else '失败'}" for name, code in results.items()))
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
