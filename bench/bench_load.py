"""Load benchmark: 200 simulated users on `ganxun serve` (gunicorn) over the city demo, with locust.

    .venv/bin/python bench/bench_load.py city-sqlite                      # 200 users, 90 s
    .venv/bin/python bench/bench_load.py city-sqlite --users 50 --seconds 30 --workers 3

Prepares the target database (migrates it, makes one API token per API account and picks cadres in its scope),
starts `ganxun serve --no-worker` on a free port of 127.0.0.1 in demo mode (no https redirect), runs
bench/locustfile.py headless and bounded in time against it, and prints throughput and p50/p95/p99 per page,
with the number of failed requests. Only 127.0.0.1 is ever the target. Results are appended to
bench/out/results.jsonl (bench "load"); the table in bench/README.md is made from them.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, ROOT, TARGETS, database, save  # noqa: E402

ACCOUNTS = ("sheng_zzb", "shi_zzb", "dongcheng_zzb", "jyj_rs", "shi_leader")  # the browsers' logins, in turn
API_ACCOUNTS = ("shi_zzb", "dongcheng_zzb")
PASSWORD = "Ganxun@2026"  # the demo's (ganxun.demo.generator.DEMO_PASSWORD)


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ganxun(env: dict, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ganxun.cli", *args], env=env, cwd=ROOT, text=True,
                          capture_output=True, **kw)


def prepare(env: dict, cadres_per_token: int = 30) -> dict:
    """Tokens for the API accounts, each with cadres of its own scope (through the API, as a caller finds them)."""
    import urllib.request

    migrate = ganxun(env, "migrate", "-v0")
    if migrate.returncode:
        sys.exit(f"迁移失败：{migrate.stderr}")
    tokens = []
    for username in API_ACCOUNTS:
        made = ganxun(env, "token", "create", username)
        if made.returncode:
            sys.exit(f"创建 {username} 的令牌失败：{made.stderr}")
        tokens.append({"username": username, "token": made.stdout.strip().splitlines()[-1], "cadres": []})
    return {"password": PASSWORD, "accounts": [{"username": u} for u in ACCOUNTS], "tokens": tokens,
            "_fill": lambda port: _fill_cadres(port, tokens, cadres_per_token, urllib.request)}


def _fill_cadres(port: int, tokens: list[dict], count: int, request) -> None:
    for api in tokens:
        ask = request.Request(f"http://127.0.0.1:{port}/api/v1/cadres/?page=3",
                              headers={"Authorization": f"Bearer {api['token']}"})
        with request.urlopen(ask, timeout=60) as answer:
            body = json.loads(answer.read())
        items = body["items"] if isinstance(body, dict) else body
        api["cadres"] = [item["person_code"] for item in items][:count]
        if not api["cadres"]:
            sys.exit(f"{api['username']} 的接口看不到任何干部")


def wait_for(port: int, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"ganxun serve 退出了（{process.returncode}）")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.3):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("ganxun serve 没有开始监听")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--seconds", type=int, default=90, help="how long the load lasts (after all have started)")
    parser.add_argument("--workers", type=int, default=None, help="web processes (default GANXUN_WEB_WORKERS)")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--no-save", action="store_true", help="do not append to bench/out/results.jsonl")
    opts = parser.parse_args()

    with database(opts.target) as url, tempfile.TemporaryDirectory(prefix="ganxun-load-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GANXUN_") and k != "DJANGO_SETTINGS_MODULE"}
        env.update(GANXUN_DATABASE_URL=url, GANXUN_MODE="demo", GANXUN_VAR_DIR=str(DATA),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])))
        fixture = prepare(env)
        port = free_port()
        serve_args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker", "--no-migrate"]
        if opts.workers:
            serve_args += ["--workers", str(opts.workers)]
        if opts.threads:
            serve_args += ["--threads", str(opts.threads)]
        log = open(Path(tmp) / "serve.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "ganxun.cli", *serve_args], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(port, server)
            fixture.pop("_fill")(port)
            settings_file = Path(tmp) / "load.json"
            settings_file.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
            prefix = Path(tmp) / "locust"
            ramp = opts.users / opts.spawn_rate
            run_time = int(ramp + opts.seconds)
            locust = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                      "--host", f"http://127.0.0.1:{port}", "-u", str(opts.users), "-r", str(opts.spawn_rate),
                      "-t", f"{run_time}s", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
                      "--exit-code-on-error", "0", "--loglevel", "WARNING"]
            print(f"locust：{opts.users} 个用户（每秒新增 {opts.spawn_rate}），共 {run_time} 秒 → 127.0.0.1:{port}",
                  flush=True)
            started = time.monotonic()
            done = subprocess.run(locust, env={**env, "GANXUN_LOAD_SETTINGS": str(settings_file)}, cwd=ROOT,
                                  capture_output=True, text=True)
            elapsed = time.monotonic() - started
            if done.returncode not in (0, 1):
                print(done.stdout[-3000:], done.stderr[-3000:])
                return done.returncode
            rows = read_stats(prefix)
            failures = Path(f"{prefix}_failures.csv")
            failure_text = failures.read_text(encoding="utf-8") if failures.exists() else ""
        finally:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait(timeout=10)
            log.close()
            served = (Path(tmp) / "serve.log").read_text(encoding="utf-8", errors="replace")
    figures = {"users": opts.users, "seconds": round(elapsed, 1),
               "workers": opts.workers or "default", "pages": {}}
    print(f"\n{'页面':<24}{'请求数':>8}{'失败':>6}{'每秒':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'最大 ms':>9}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "合计"
        figures["pages"][name] = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                  "rps": round(float(row["Requests/s"]), 2), "p50_ms": float(row["50%"]),
                                  "p95_ms": float(row["95%"]), "p99_ms": float(row["99%"]),
                                  "max_ms": round(float(row["Max Response Time"]))}
        f = figures["pages"][name]
        print(f"{name:<24}{f['requests']:>8}{f['failures']:>6}{f['rps']:>8.1f}{f['p50_ms']:>9.0f}{f['p95_ms']:>9.0f}"
              f"{f['p99_ms']:>9.0f}{f['max_ms']:>9}")
    if failure_text.count("\n") > 1:
        print("\n失败的请求：\n" + failure_text[:3000])
    if "Traceback" in served:
        print("\n服务器日志中有异常：\n" + served[-3000:])
    if not opts.no_save:
        save("load", opts.target, figures)
    total = figures["pages"].get("合计", {})
    return 0 if total.get("failures", 1) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
