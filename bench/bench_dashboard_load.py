"""The dashboard under concurrent users, through a running server: p50/p95/p99 and throughput, live and from the
verdict store, beside one bare SQL pass over the ledger in the same run.

    .venv/bin/python bench/bench_dashboard_load.py city-sqlite --users 20 --seconds 30
    .venv/bin/python bench/bench_dashboard_load.py city-pg --users 20 --seconds 30

Starts ``ganxun serve`` (no worker) on the benchmark database on 127.0.0.1, logs ``--users`` browsers in as the
city's organisation department (shi_zzb), and has each request the 达标评估 page of the city (plan henan-2019-2022
at 2022-12-31) one request after another for ``--seconds``: first with a current snapshot of that plan and date in
the store, then (``--live-seconds``, 0 to skip) with the snapshot set aside, so that the page evaluates. The
snapshot is rebuilt before and after when it is missing. Before the users, one of them alone for up to 10 s:
the time one page takes the server with nothing queued beside it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import DATA, TARGETS, bare_pass, database, save, setup_django  # noqa: E402

from tests.deploy.conftest import Client, free_port, ganxun_command, log_in, stop, wait_for_port  # noqa: E402

PLAN, AS_OF = "henan-2019-2022", date(2022, 12, 31)
PAGE = f"/reports/dashboard/?plan={PLAN}&as_of={AS_OF}"
USER, PASSWORD = "shi_zzb", "Ganxun@2026"


def _at(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def hammer(browsers: list[Client], seconds: float, marker: str) -> dict:
    """Every browser requests the page, one request after another, for ``seconds``."""
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(browser: Client):
        while time.monotonic() < deadline:
            started = time.perf_counter()
            page = browser.get(PAGE)
            took = time.perf_counter() - started
            with lock:
                if page.status != 200 or marker not in page.body:
                    errors.append(f"{page.status} {page.body[:200]!r}")
                else:
                    times.append(took)

    began = time.monotonic()
    threads = [threading.Thread(target=run, args=(b,)) for b in browsers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    if errors:
        print("  错误示例：", errors[:2])
    ordered = sorted(times) or [0.0]
    return {"requests": len(times), "errors": len(errors), "per_second": round(len(times) / wall, 1),
            "p50_ms": round(_at(ordered, 0.50) * 1000), "p95_ms": round(_at(ordered, 0.95) * 1000),
            "p99_ms": round(_at(ordered, 0.99) * 1000), "max_ms": round(ordered[-1] * 1000)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--live-seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=8, help="the server's threads")
    opts = parser.parse_args()
    with database(opts.target) as url:
        setup_django(url)
        from ganxun.plans.catalog import load_plan
        from ganxun.plans.models import VerdictSnapshot
        from ganxun.plans.store import current_snapshot, rebuild

        plan = load_plan(PLAN)
        if current_snapshot(plan, AS_OF) is None:
            rebuild(plan_id=PLAN, dates=[AS_OF])
        bare = min(bare_pass() for _ in range(2))
        from django.db import connections

        connections.close_all()
        port, log = free_port(), DATA / "bench-dashboard-serve.log"
        env = {**os.environ, "GANXUN_MODE": "demo", "GANXUN_DATABASE_URL": url, "GANXUN_VAR_DIR": str(DATA),
               "GANXUN_ALLOWED_HOSTS": "ganxun.intra", "GANXUN_SECRET_KEY": "bench-" + "k" * 50}
        with open(log, "wb") as out:
            server = subprocess.Popen([*ganxun_command(), "serve", "--port", str(port), "--no-migrate", "--no-worker",
                                       "--threads", str(opts.threads)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        try:
            wait_for_port(port, server, log)
            browsers = []
            for i in range(opts.users):
                browser = Client(port, "127.0.0.1")
                response = log_in(browser, USER, PASSWORD)
                assert response.status == 302, (response.status, response.body[:300])
                browser.cookies.pop("ganxun_wrote", None)
                browsers.append(browser)
            for b in browsers:   # one unmeasured request each
                b.get(PAGE)
            print(f"{opts.target}: {opts.users} 个用户（{USER}）并发打开 {PAGE}；同一次运行中一次裸 SQL 遍历 {bare:.2f} s")
            alone = hammer(browsers[:1], min(opts.seconds, 10), "干部指标结论取自达标结论库")
            print(f"  结论库，一个用户（每页的服务时间）：{alone}")
            stored = hammer(browsers, opts.seconds, "干部指标结论取自达标结论库")
            print(f"  结论库：{stored}")
            figures = {"users": opts.users, "bare_pass_s": round(bare, 3), "alone": alone, "stored": stored}
            if opts.live_seconds:
                kept = list(VerdictSnapshot.objects.filter(plan_id=PLAN, as_of=AS_OF).values_list("pk", flat=True))
                VerdictSnapshot.objects.filter(pk__in=kept).update(as_of=date(1900, 1, 1))   # set aside
                connections.close_all()
                try:
                    live = hammer(browsers, opts.live_seconds, "达标评估")
                finally:
                    VerdictSnapshot.objects.filter(pk__in=kept).update(as_of=AS_OF)
                print(f"  现场计算：{live}")
                figures["live"] = live
        finally:
            stop(server)
        save("dashboard_load", opts.target, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
