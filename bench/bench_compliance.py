"""Time the compliance engine over a whole city or province: every cadre indicator for every cadre, every
unit and region indicator for every org, and the report figures.

    .venv/bin/python bench/bench_compliance.py city-sqlite
    .venv/bin/python bench/bench_compliance.py city-pg --explain 6
    .venv/bin/python bench/bench_compliance.py province-pg --repeat 1 --profile

What is timed (each for the plan and date given; default henan-2019-2022 at 2022-12-31):
- ``cadre_verdicts(plan, as_of, all_cadres_unscoped(), with_evidence=False)`` — every applicable cadre
  indicator for every cadre (the numbers only);
- the same ``with_evidence=True`` — plus the ids of every record that counted;
- ``org_verdicts(UNSCOPED_OPERATOR, plan, as_of)`` — the unit and region indicators for every org of the tree;
- ``org_figures(UNSCOPED_OPERATOR, plan, as_of)`` — 参训率, 人均学时, 学时达标率, 五年轮训完成率 for the province.
"Full evaluation" is the sum of the first, the third and the fourth (what a whole-city report needs).
``--explain N`` runs EXPLAIN (ANALYZE, BUFFERS) on the N slowest SQL statements of one evaluation
(PostgreSQL) and writes them to bench/out/; ``--profile`` writes a cProfile of one evaluation.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT, TARGETS, Timer, database, pg_settings_arg, save, setup_django  # noqa: E402
from ganxun.core.roles import UNSCOPED_OPERATOR


def evaluate(plan, as_of: date, timer: Timer, suffix: str = "") -> dict:
    from ganxun.cadres.selectors import all_cadres_unscoped
    from ganxun.plans.compliance import evaluate_cadre_verdicts as cadre_verdicts, org_figures, org_verdicts

    with timer(f"cadre_verdicts, no evidence{suffix}"):
        verdicts = cadre_verdicts(plan, as_of, all_cadres_unscoped(), with_evidence=False)
    with timer(f"cadre_verdicts, with evidence{suffix}"):
        with_evidence = cadre_verdicts(plan, as_of, all_cadres_unscoped(), with_evidence=True)
    with timer(f"org_verdicts (every org){suffix}"):
        orgs = org_verdicts(UNSCOPED_OPERATOR, plan, as_of)
    with timer(f"org_figures (the province){suffix}"):
        figures = org_figures(UNSCOPED_OPERATOR, plan, as_of)
    evidence = sum(len(v.evidence) for v in with_evidence)
    return {"cadre_verdicts": len(verdicts), "evidence_ids": evidence, "org_verdicts": len(orgs),
            "figures": {f.code: f.value for f in figures},
            "verdicts": dict(Counter(v.verdict for v in verdicts))}


def explain_slowest(plan, as_of: date, count: int, target: str) -> Path:
    """Run one evaluation capturing its SQL, then EXPLAIN ANALYZE the slowest statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganxun.cadres.selectors import all_cadres_unscoped
    from ganxun.plans.compliance import evaluate_cadre_verdicts as cadre_verdicts, org_figures, org_verdicts

    timed: list[tuple[float, str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                timed.append((time.perf_counter() - started, sql, params))

    with connection.execute_wrapper(wrapper), CaptureQueriesContext(connection):
        cadre_verdicts(plan, as_of, all_cadres_unscoped(), with_evidence=True)
        org_verdicts(UNSCOPED_OPERATOR, plan, as_of)
        org_figures(UNSCOPED_OPERATOR, plan, as_of)
    timed.sort(key=lambda t: -t[0])
    path = OUT / f"explain-{target}.txt"
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh, connection.cursor() as cursor:
        fh.write(f"{len(timed)} statements, {sum(t[0] for t in timed):.2f} s in the database driver "
                 f"(fetching included)\n\n")
        for seconds, sql, params in timed[:count]:
            fh.write(f"==== {seconds:.3f} s\n{cursor.mogrify(sql, params) if hasattr(cursor, 'mogrify') else sql}\n\n")
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                fh.write("\n".join(r[0] for r in cursor.fetchall()) + "\n\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--plan", default="henan-2019-2022")
    parser.add_argument("--as-of", default="2022-12-31")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported (the first warms caches)")
    parser.add_argument("--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest statements")
    parser.add_argument("--profile", action="store_true", help="cProfile one evaluation")
    parser.add_argument("--pg-set", action="append", metavar="NAME=VALUE",
                        help="a PostgreSQL server setting for this run, e.g. --pg-set jit=off")
    opts = parser.parse_args()
    pg_settings = pg_settings_arg(opts.pg_set)
    with database(opts.target, pg_settings=pg_settings) as url:
        setup_django(url)
        from ganxun.cadres.models import Cadre
        from ganxun.plans.catalog import load_plan
        from ganxun.records.models import LearningRecord

        plan, as_of = load_plan(opts.plan), date.fromisoformat(opts.as_of)
        cadres, records = Cadre.objects.count(), LearningRecord.objects.count()
        print(f"{opts.target}: {cadres:,} cadres, {records:,} records; {plan.id} at {as_of}", flush=True)
        runs = []
        for i in range(opts.repeat):
            timer = Timer()
            print(f" run {i + 1}", flush=True)
            counts = evaluate(plan, as_of, timer)
            runs.append(timer.figures)
        best = {k: min(r[k] for r in runs) for k in runs[0]}
        full = round(best["cadre_verdicts, no evidence"] + best["org_verdicts (every org)"]
                     + best["org_figures (the province)"], 2)
        print(f" best of {opts.repeat}: {best}\n full evaluation (no evidence + orgs + figures): {full} s")
        print(f" {counts}")
        result = {"plan": plan.id, "as_of": as_of.isoformat(), "pg_settings": pg_settings, "cadres": cadres,
                  "records": records,
                  "best": best, "full_evaluation_s": full, "runs": runs, "counts": counts}
        if opts.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            evaluate(plan, as_of, Timer(), " (profiled)")
            profiler.disable()
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
            path = OUT / f"profile-compliance-{opts.target}.txt"
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text.getvalue(), encoding="utf-8")
            print(f" profile: {path}")
        if opts.explain:
            print(f" EXPLAIN ANALYZE: {explain_slowest(plan, as_of, opts.explain, opts.target)}")
        save("compliance", opts.target, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
