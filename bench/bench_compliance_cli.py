"""`ganxun compliance` as a user runs it: the whole command, beside one bare SQL pass and the start of a command.

    .venv/bin/python bench/bench_compliance_cli.py city-pg
    .venv/bin/python bench/bench_compliance_cli.py city-pg --plan henan-2019-2022 --as-of 2022-12-31 --repeat 3

For each ``--subject`` (cadres, orgs, all) runs ``ganxun compliance --plan P --as-of D --subject S --format json``
``--repeat`` times as a subprocess (output to a file, as a user would), and in the same run: the bare SQL pass over
the ledger grouped by cadre (``common.bare_pass``) and the start of a command that does nothing but set Django up
(``ganxun verdicts status``), the floor under any command. Makes sure the store has a current snapshot of the plan at
the date first (``verdicts rebuild``), so the command reads from it as it does in a deployment that rebuilds nightly.
Appended to bench/out/results.jsonl (bench "compliance_cli").
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, ROOT, TARGETS, bare_pass, database, save, setup_django  # noqa: E402


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} 失败（{done.returncode}）：{done.stderr[-1000:]}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--plan", default="henan-2019-2022")
    parser.add_argument("--as-of", default="2022-12-31")
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    ganxun = str(Path(sys.executable).parent / "ganxun")
    with database(opts.target) as url:
        setup_django(url)
        from django.db import connections

        from ganxun.plans.catalog import load_plan
        from ganxun.plans.store import current_snapshot, rebuild

        plan, as_of = load_plan(opts.plan), date.fromisoformat(opts.as_of)
        if current_snapshot(plan, as_of) is None:
            rebuild(plan_id=plan.id, dates=[as_of])
        bare = min(bare_pass() for _ in range(2))
        connections.close_all()
        env = {**os.environ, "GANXUN_DATABASE_URL": url, "GANXUN_VAR_DIR": str(DATA), "GANXUN_MODE": "demo"}
        floor = min(timed([ganxun, "verdicts", "status"], env) for _ in range(opts.repeat))
        figures = {"plan": plan.id, "as_of": opts.as_of, "bare_pass_s": round(bare, 3), "start_s": round(floor, 3)}
        print(f"{opts.target}：{plan.id} @ {opts.as_of}；同一次运行中裸 SQL 遍历 {bare:.2f} 秒，"
              f"命令启动（ganxun verdicts status）{floor:.2f} 秒")
        with tempfile.TemporaryDirectory() as tmp:
            for subject in ("cadres", "orgs", "all"):
                out = Path(tmp) / f"{subject}.json"
                runs = [timed([ganxun, "compliance", "--plan", plan.id, "--as-of", opts.as_of, "--subject", subject,
                               "--format", "json", "--output", str(out)], env) for _ in range(opts.repeat)]
                best = min(runs)
                figures[subject] = {"runs_s": [round(r, 2) for r in runs], "bytes": out.stat().st_size,
                                    "ratio": round(best / bare, 1), "ratio_after_start": round((best - floor) / bare, 1)}
                print(f"  --subject {subject}: {', '.join(f'{r:.2f}' for r in runs)} 秒（{out.stat().st_size:,} 字节）"
                      f"，最好 {best / bare:.1f}× 裸遍历；除去启动 {(best - floor) / bare:.1f}×")
    save("compliance_cli", opts.target, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
