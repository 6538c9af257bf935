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
from contextlib import ExitStack, contextmanager
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


class Run:
    """One pytest run in a process of its own, its output kept in a file and printed whole when it ends (two
    runs at a time would otherwise interleave their lines). Each run has its own ``GANXUN_VAR_DIR``: the
    jobs' progress files, parked uploads and the import lock of one run must not meet the other's."""

    count = 0

    def __init__(self, label: str, args: list[str], env: dict[str, str], scratch: Path):
        Run.count += 1
        self.label, self.log = label, scratch / f"run-{Run.count}.log"
        var = scratch / f"var-{Run.count}"
        var.mkdir()
        print(f"===== {label}：开始 =====", flush=True)
        self.started = time.monotonic()
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(PYTEST + args, cwd=ROOT, env={**env, "GANXUN_VAR_DIR": str(var)},
                                         stdout=out, stderr=subprocess.STDOUT)

    def wait(self, beside: list["Run"]) -> int:
        while True:
            try:
                code = self.proc.wait(timeout=300)
                break
            except subprocess.TimeoutExpired:  # a line now and then, so that a long silence is not taken for a hang
                names = "、".join(r.label for r in beside if r.proc.poll() is None)
                print(f"……运行中：{names}（{(time.monotonic() - self.started) / 60:.0f} 分钟）", flush=True)
        print(f"\n===== {self.label} =====", flush=True)
        sys.stdout.buffer.write(self.log.read_bytes())
        print(f"===== {self.label}: exit {code}, {time.monotonic() - self.started:.0f} s =====", flush=True)
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


SQLITE = "单元与集成测试 · SQLite"
POSTGRES = "单元与集成测试 · PostgreSQL 15"
CHROMIUM = "浏览器测试 · Chromium"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres", "e2e"])
    parser.add_argument("--serial", action="store_true", help="一次只运行一组（默认 PostgreSQL 一组与其余两组同时运行）")
    opts, extra = parser.parse_known_args()
    base_env = {k: v for k, v in os.environ.items() if k != "GANXUN_DATABASE_URL"}
    wanted = [opts.only] if opts.only else ["sqlite", "postgres", "e2e"]
    results: dict[str, int] = {}
    # The PostgreSQL run is the longest: it goes beside the SQLite run and then the browser run, so that the
    # suite takes about as long as it does (most tests wait on a database, a server or a subprocess part of the
    # time, and a second run fills that time on a second core). --serial runs them one after the other.
    with tempfile.TemporaryDirectory(prefix="ganxun-tests-") as scratch, ExitStack() as stack:
        scratch = Path(scratch)
        running: list[Run] = []
        stack.callback(lambda: [r.stop() for r in running])

        def finish(run: Run) -> None:
            results[run.label] = run.wait(running)
            running.remove(run)

        if "postgres" in wanted:
            url = stack.enter_context(throwaway_postgres())
            pg = Run(POSTGRES, ["-m", "not e2e", *extra], {**base_env, "GANXUN_DATABASE_URL": url}, scratch)
            running.append(pg)
            if opts.serial:
                finish(pg)
        for name, label, marks in (("sqlite", SQLITE, "not e2e"), ("e2e", CHROMIUM, "e2e")):
            if name in wanted:
                run = Run(label, ["-m", marks, *extra], base_env, scratch)
                running.append(run)
                finish(run)
        for run in list(running):
            finish(run)
    order = [SQLITE, POSTGRES, CHROMIUM]
    print("\n" + "  ".join(f"{name.split(' · ')[-1]}: {'通过' if results[name] == 0 else '失败'}"
                           for name in order if name in results))
    return 0 if results and all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
