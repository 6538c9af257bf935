"""Time the verdict store on a city or a province, beside one bare SQL pass over the ledger in the same run.

    .venv/bin/python bench/bench_verdicts.py city-sqlite
    .venv/bin/python bench/bench_verdicts.py city-pg
    .venv/bin/python bench/bench_verdicts.py province-pg --writes 10

What is timed (plan henan-2019-2022 at 2022-12-31 unless given):
- the bare pass: ``SELECT cadre_id, SUM(credit_hours) … GROUP BY cadre_id`` over the whole ledger (the limit);
- ``verdicts rebuild`` of one snapshot (every cadre), and its ratio to the bare pass: in this process (one chunk
  after another), then as a user runs it, ``ganxun verdicts rebuild --plan P --as-of D --jobs N`` as a command
  (``--jobs`` 1 and the command's default, one process per core), each beside a bare pass of its own;
- ``verdicts check`` of 200 random cadres;
- one new record through ``record_append`` → its cadre re-evaluated in every current snapshot after the commit
  (``--writes`` samples; p50/p95 of the after-commit step, and of the whole write);
- the province's (the root's) dashboard board, evaluated live and then read from the store.
The records the write step adds are deleted again at the end (and their cadres' totals rebuilt).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TARGETS, Timer, bare_pass, database, percentiles, save, setup_django  # noqa: E402

TITLE = "基准测试：结论库写入"


def writes(n: int, plan, as_of: date, day: date | None = None) -> dict:
    from django.db import transaction

    from ganxun.accounts.models import User
    from ganxun.cadres.models import Cadre
    from ganxun.core.changes import cadres_changed
    from ganxun.plans import store
    from ganxun.records.models import LearningRecord
    from ganxun.records.services import record_append
    from ganxun.records.totals import rebuild_totals

    admin = User.objects.filter(username="sheng_zzb").first() or User.objects.filter(is_superuser=True).first()
    people = list(Cadre.objects.order_by("?").values_list("person_code", "pk")[:n])
    after, whole = [], []
    real = store.refresh_marked

    def timed(ids=None):
        started = time.perf_counter()
        try:
            return real(ids)
        finally:
            after.append(time.perf_counter() - started)

    store.refresh_marked = timed
    try:
        for code, _ in people:
            started = time.perf_counter()
            record_append(acting_user=admin, person_code=code, values={
                "title": TITLE, "source": "lecture", "start_date": day or as_of, "end_date": day or as_of, "hours": "3"})
            whole.append(time.perf_counter() - started)
    finally:
        store.refresh_marked = real
        LearningRecord.objects.filter(title=TITLE).delete()
        rebuild_totals([pk for _, pk in people])
        # the delete went round the services: the cadres are marked here, as a service's write would mark them
        with transaction.atomic():
            cadres_changed([pk for _, pk in people], "基准测试的记录已删除")
        store.refresh_marked([pk for _, pk in people])
    return {"after_commit": percentiles(after), "whole_write": percentiles(whole)}


def cli_rebuilds(url: str, plan, as_of: date, jobs: list[str]) -> dict:
    """``ganxun verdicts rebuild`` of one snapshot through the command line, for each ``--jobs`` value ("auto": the
    command's default), each beside a bare pass just before it."""
    import os
    import subprocess

    from django.db import connections

    from common import DATA, ROOT

    ganxun = str(Path(sys.executable).parent / "ganxun")
    env = {**os.environ, "GANXUN_DATABASE_URL": url, "GANXUN_VAR_DIR": str(DATA), "GANXUN_MODE": "demo"}
    found = {}
    for jobs in jobs:
        bare = min(bare_pass() for _ in range(2))
        connections.close_all()
        command = [ganxun, "verdicts", "rebuild", "--plan", plan.id, "--as-of", str(as_of)]
        command += [] if jobs == "auto" else ["--jobs", jobs]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        took = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} 失败：{done.stderr[-1000:]}")
        found[f"jobs={jobs}"] = {"seconds": round(took, 2), "bare_pass_s": round(bare, 3), "to_bare": round(took / bare, 1)}
        print(f"  {'ganxun verdicts rebuild --jobs ' + jobs:58s} {took:9.2f} s  ({took / bare:.1f}× a bare pass of "
              f"{bare:.2f} s)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--plan", default="henan-2019-2022")
    parser.add_argument("--as-of", default="2022-12-31")
    parser.add_argument("--jobs", default="1,auto",
                        help="the command's --jobs values to time, comma-separated (auto: its default); empty: none")
    parser.add_argument("--writes", type=int, default=20, help="single records written (after-commit latency)")
    parser.add_argument("--all-dates", action="store_true",
                        help="also keep the plan's other reporting dates in the store, as the nightly rebuild does, and "
                             "write records of today and of the plan's first year: a record re-evaluates the snapshots "
                             "of its day and later")
    opts = parser.parse_args()
    opts.jobs = [j for j in opts.jobs.split(",") if j]
    with database(opts.target) as url:
        setup_django(url)
        from django.db import connection

        from ganxun.accounts.models import User
        from ganxun.plans.catalog import load_plan
        from ganxun.plans.models import VerdictSnapshot
        from ganxun.plans.store import check, rebuild
        from ganxun.reports.selectors import compliance_dashboard

        plan, as_of = load_plan(opts.plan), date.fromisoformat(opts.as_of)
        admin = User.objects.filter(username="sheng_zzb").first() or User.objects.filter(is_superuser=True).first()
        timer = Timer()
        print(f"{opts.target} ({connection.vendor}): {opts.plan} at {as_of}")
        VerdictSnapshot.objects.filter(plan_id=plan.id, as_of=as_of).delete()
        bare = min(bare_pass() for _ in range(2))
        print(f"  {'bare SQL pass over the ledger (best of 2)':58s} {bare:9.2f} s")
        with timer("dashboard, live (no snapshot)"):
            live = compliance_dashboard(admin, plan, as_of)
        with timer("verdicts rebuild, one snapshot"):
            [result] = rebuild(plan_id=plan.id, dates=[as_of])
        command = cli_rebuilds(url, plan, as_of, opts.jobs)
        with timer("dashboard, from the store"):
            stored = compliance_dashboard(admin, plan, as_of)
        assert stored.total.cells.keys() == live.total.cells.keys()
        assert all(vars(stored.total.cells[k]) == vars(live.total.cells[k]) for k in live.total.cells)
        with timer("verdicts check, 200 random cadres"):
            checked, differences = check(plan_id=plan.id, sample=200, seed=1)
        assert not differences, differences[:3]
        write = writes(opts.writes, plan, as_of)
        print(f"  one record → re-evaluated after the commit: p50 {write['after_commit']['p50_ms']} ms, "
              f"p95 {write['after_commit']['p95_ms']} ms (whole write p50 {write['whole_write']['p50_ms']} ms)")
        if opts.all_dates:
            from ganxun.plans.store import reporting_dates

            others = [d for d in reporting_dates(plan, date.today()) if d != as_of]
            with timer(f"verdicts rebuild, the {len(others)} other reporting dates"):
                rebuild(plan_id=plan.id, dates=others)
            n = VerdictSnapshot.objects.filter(state="current").count()
            for label, day in (("today", date.today()), ("first year", date(plan.start.year, 6, 30))):
                found = writes(opts.writes, plan, as_of, day)
                write[f"{label}, {n} snapshots"] = found
                print(f"  one record of {label} ({day}), {n} snapshots current: after the commit p50 "
                      f"{found['after_commit']['p50_ms']} ms, p95 {found['after_commit']['p95_ms']} ms")
        figures = {"bare_pass_s": round(bare, 3), **timer.figures, "rows": result.rows, "cadres": result.cadres,
                   "rebuild_to_bare": round(timer.figures["verdicts rebuild, one snapshot"] / bare, 1),
                   "snapshots": VerdictSnapshot.objects.filter(state="current").count(), **write,
                   "rebuild_command": command}
        print(f"  rebuild ÷ bare pass: {figures['rebuild_to_bare']}×; {result.rows} verdicts of {result.cadres} cadres")
        save("verdicts", opts.target, figures)
        import json

        print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
