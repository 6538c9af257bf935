"""Time the per-cadre API (the archive's data) against the city: p50/p95 of single requests.

    .venv/bin/python bench/bench_archive_api.py city-sqlite
    .venv/bin/python bench/bench_archive_api.py city-pg -n 200

Starts ``ganxun serve`` on 127.0.0.1 on a free port (waitress, 8 threads, demo mode: no TLS redirect)
against the benchmark database, creates an API token for the demo's province department (``sheng_zzb``) with ``ganxun token
create``, then sends, one after another over one keep-alive connection, N requests of each of

    GET /api/v1/cadres/{code}/compliance?plan=henan-2019-2022&as_of=2022-12-31
    GET /api/v1/cadres/{code}/compliance?plan=xuchang-2019-2022        (as_of: today, the default)
    GET /api/v1/cadres/{code}/records                                  (first page of 50)

for N cadres drawn at random (seeded), after 10 unmeasured requests. It reports p50/p95/max per
endpoint, revokes the token and stops the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, ROOT, TARGETS, database, percentiles, save  # noqa: E402

GANXUN = str(ROOT / ".venv" / "bin" / "ganxun")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(url: str) -> dict:
    return {**os.environ, "GANXUN_DATABASE_URL": url, "GANXUN_MODE": "demo", "GANXUN_VAR_DIR": str(DATA)}


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"ganxun serve 已退出（{server.returncode}）")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("ganxun serve 未能在 60 秒内启动")


def person_codes(url: str, n: int, seed: int) -> list[str]:
    """N random person codes, read with the Django ORM in a child process (keeps this one Django-free)."""
    code = ("import django, json, random; django.setup(); from ganxun.cadres.models import Cadre; "
            f"codes = list(Cadre.objects.order_by('person_code').values_list('person_code', flat=True)); "
            f"print(json.dumps(random.Random({seed}).sample(codes, {n})))")
    env = {**env_for(url), "DJANGO_SETTINGS_MODULE": "ganxun.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def timed_get(conn: http.client.HTTPConnection, path: str, token: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    body = response.read()
    return time.perf_counter() - started, response.status, len(body)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("-n", type=int, default=200, help="requests per endpoint")
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()
    with database(opts.target) as url:
        env = env_for(url)
        port = free_port()
        server = subprocess.Popen([GANXUN, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-migrate"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        token = None
        try:
            wait_until_up(port, server)
            token = subprocess.run([GANXUN, "token", "create", "sheng_zzb", "--name", "bench", "--days", "1"], env=env,
                                   capture_output=True, text=True, check=True).stdout.strip()
            codes = person_codes(url, opts.n, opts.seed)
            endpoints = {
                "compliance henan-2019-2022 @2022-12-31": "/api/v1/cadres/{c}/compliance?plan=henan-2019-2022"
                                                         "&as_of=2022-12-31",
                "compliance xuchang-2019-2022 @today": "/api/v1/cadres/{c}/compliance?plan=xuchang-2019-2022",
                "records (page 1 of 50)": "/api/v1/cadres/{c}/records",
            }
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for c in codes[:10]:                      # warm up: imports, plan files, connections
                for path in endpoints.values():
                    timed_get(conn, path.format(c=c), token)
            results = {}
            print(f"{opts.target}: {opts.n} requests per endpoint, one client, keep-alive", flush=True)
            for name, path in endpoints.items():
                samples, sizes = [], []
                for c in codes:
                    seconds, status, size = timed_get(conn, path.format(c=c), token)
                    if status != 200:
                        raise RuntimeError(f"{path.format(c=c)} → HTTP {status}")
                    samples.append(seconds)
                    sizes.append(size)
                stats = percentiles(samples)
                stats["mean_bytes"] = round(sum(sizes) / len(sizes))
                results[name] = stats
                print(f"  {name:42s} p50 {stats['p50_ms']:7.1f} ms  p95 {stats['p95_ms']:7.1f} ms  "
                      f"max {stats['max_ms']:7.1f} ms  ({stats['mean_bytes']:,} B)", flush=True)
            conn.close()
        finally:
            if token:
                subprocess.run([GANXUN, "token", "revoke", "sheng_zzb", "--prefix", token[:8]], env=env,
                               capture_output=True)
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        save("archive_api", opts.target, {"n": opts.n, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
