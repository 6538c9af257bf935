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
import shutil
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


WRITE_TITLE = "基准测试：看板负载期间写入"


def while_writing(measure, seconds: float, rate: float) -> dict:
    """``measure()`` (the users as in ``hammer``, or wrk) while records are written through ``record_append`` (a
    ledger write, taken into the store after its commit) ``rate`` times a second: the page cannot be kept across a
    write and is worked out again from the store. The records are removed afterwards."""
    from django.db import transaction

    from ganxun.accounts.models import User
    from ganxun.cadres.models import Cadre
    from ganxun.core.changes import cadres_changed
    from ganxun.plans import store
    from ganxun.records.models import LearningRecord
    from ganxun.records.services import record_append
    from ganxun.records.totals import rebuild_totals

    admin = User.objects.get(username="sheng_zzb")
    people = list(Cadre.objects.order_by("?").values_list("person_code", "pk")[:int(seconds * rate) + 10])
    done = threading.Event()
    written = []

    def write():
        from django.db import connection

        for code, pk in people:
            if done.wait(1 / rate):
                break
            record_append(acting_user=admin, person_code=code, values={
                "title": WRITE_TITLE, "source": "lecture", "start_date": AS_OF, "end_date": AS_OF, "hours": "3"})
            written.append(pk)
        connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        figures = measure()
    finally:
        done.set()
        writer.join()
        LearningRecord.objects.filter(title=WRITE_TITLE).delete()
        rebuild_totals(written)
        # the delete went round the services: the cadres are marked here, as a service's write would mark them
        with transaction.atomic():
            cadres_changed(written, "基准测试的记录已删除")
        store.refresh_marked(written)
    return {**figures, "writes": len(written)}


WRK_SCRIPT = """
local cookies = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "%s", {["Host"] = "ganxun.intra", ["Cookie"] = cookies[(i %% #cookies) + 1]})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("GXRESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests, e.connect + e.read + e.write + e.status + e.timeout,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def wrk(browsers: list[Client], port: int, seconds: float) -> dict:
    """The same page under the same number of users, the requests sent by wrk (C, keep-alive) instead of Python
    threads: the server's own figures, with less of the two cores spent on sending the requests."""
    cookies = ", ".join('"' + "; ".join(f"{k}={v}" for k, v in b.cookies.items()) + '"' for b in browsers)
    script = DATA / "bench-dashboard.lua"
    script.write_text(WRK_SCRIPT % (cookies, PAGE))
    out = subprocess.run(["wrk", "-t", "2", "-c", str(len(browsers)), "-d", f"{int(seconds)}s", "-s", str(script),
                          f"http://127.0.0.1:{port}{PAGE}"], capture_output=True, text=True, check=True).stdout
    n, errors, micros, p50, p95, p99, top = (int(x) for x in out.split("GXRESULT", 1)[1].split())
    return {"requests": n, "errors": errors, "per_second": round(n / (micros / 1e6), 1), "p50_ms": round(p50 / 1000),
            "p95_ms": round(p95 / 1000), "p99_ms": round(p99 / 1000), "max_ms": round(top / 1000)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--live-seconds", type=float, default=20)
    parser.add_argument("--threads", type=int, default=8, help="the server's threads")
    parser.add_argument("--writes-per-second", type=float, default=2,
                        help="a phase with records written meanwhile (0 to skip): every write moves what the page rests on")
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
            if opts.writes_per_second:
                busy = while_writing(lambda: hammer(browsers, opts.seconds, "干部指标结论取自达标结论库"),
                                     opts.seconds, opts.writes_per_second)
                print(f"  结论库，同时每秒写入 {opts.writes_per_second:g} 条学习记录：{busy}")
                figures["stored_while_writing"] = busy
                if shutil.which("wrk"):   # the requests from another process: no thread here waits on the writer's
                    busy = while_writing(lambda: wrk(browsers, port, opts.seconds), opts.seconds,
                                         opts.writes_per_second)
                    print(f"  结论库，wrk 发出请求，同时每秒写入 {opts.writes_per_second:g} 条：{busy}")
                    figures["stored_wrk_while_writing"] = busy
            if shutil.which("wrk"):
                by_wrk = wrk(browsers, port, opts.seconds)
                print(f"  结论库，wrk 发出请求（{opts.users} 个连接，每个用户一个会话）：{by_wrk}")
                figures["stored_wrk"] = by_wrk
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
