"""Suggested call-up lists (智能调训): a generated city case solved with CP-SAT, beside a greedy baseline and checked
by the independent checker (``callups.feasibility``), not by the solver.

    .venv/bin/python bench/bench_callups.py --classes 50 --candidates 20000 [--seed 1] [--time-limit 25]

The case: about 110 units of 20–300 cadres in twelve sectors, tags for the tier (县处级/乡科级/一般干部), the
category, the sector, 优秀年轻干部, 班子成员 and 支部书记; about a third of the candidates with a need (五年轮训、
学时风险、初任/任职培训、长期不训、年轻干部到期); classes over one year, 3–30 days, quotas 30–120, each for a tier,
a group or one or two sectors as a department's classes are, per-unit places in some; each unit
may have 20% of its cadres away at once (seed 003: "年度部门干部参加培训人数控制在总人数的20%左右"), some already
away; some candidates busy (leave, other classes).

How it is solved: the candidates are grouped (same unit where it can bind, same open classes, same worth: one
class a person makes "k of this group" exact), the LP relaxation is solved with GLOP, its value is given to CP-SAT as
a cut on the objective (it removes no integer answer) and its rounding as the hint; CP-SAT then searches and proves.
Without the cut CP-SAT's own bound lagged 1–3% behind after 25 s at this size (measured).

The last line is one JSON object: ``seconds`` (the solve), ``objective``, ``bound`` (CP-SAT's best bound),
``greedy_objective``, ``hard_rule_violations`` (the checker's count), and more.
Targets (issue 13): within 1% of the bound in under 30 s on this 2-core machine, 0 violations, above greedy.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ganxun.callups.feasibility import violations  # noqa: E402
from ganxun.callups.solver import Candidate, Case, ClassOffer, UnitCap, greedy, objective_of, solve  # noqa: E402

NEEDS = (("makeup_5y", 40, 0.06), ("hours_at_risk", 20, 0.15), ("initial_due", 35, 0.03), ("promotion_due", 35, 0.04),
         ("long_untrained", 25, 0.10), ("young_due", 15, 0.05))
KINDS = ("core", "thematic", "specialist", "promotion", "initial")


SECTORS = ("党政机关", "教育", "卫生健康", "财政金融", "农业农村", "政法", "交通住建", "工业信息化", "文化旅游",
           "国有企业", "乡镇街道", "群团")
CATEGORIES = ("leadership", "civil_servant", "institution", "enterprise", "professional", "grassroots")


def generate(n_classes: int, n_candidates: int, seed: int) -> Case:
    """A city: units in sectors, cadres by tier and category with their needs; classes that each target a tier,
    a sector or a group (as a department's classes do), some with places per unit."""
    rng = random.Random(seed)
    units, sizes, sectors = [], [], []
    remaining = n_candidates
    while remaining > 0:
        size = min(remaining, rng.randint(20, 300))
        units.append(f"U{len(units) + 1:03d}")
        sizes.append(size)
        sectors.append(rng.choice(SECTORS))
        remaining -= size
    candidates = []
    year = date(2027, 1, 1)
    pid = 0
    for unit, size, sector in zip(units, sizes, sectors):
        for _ in range(size):
            pid += 1
            roll = rng.random()
            tags = {"tier:county" if roll < 0.08 else "tier:section" if roll < 0.35 else "tier:staff",
                    f"sector:{sector}", f"category:{rng.choice(CATEGORIES)}"}
            if rng.random() < 0.08:
                tags.add("young")
            if rng.random() < 0.06:
                tags.add("team")
            if rng.random() < 0.05:
                tags.add("branch_secretary")
            needs = {code: weight for code, weight, share in NEEDS if rng.random() < share}
            bonus = {}
            if "initial_due" in needs:
                bonus["initial"] = 30
            if "promotion_due" in needs:
                bonus["promotion"] = 30
            busy = []
            if rng.random() < 0.05:
                start = year + timedelta(days=rng.randint(0, 340))
                busy.append((start, start + timedelta(days=rng.randint(3, 25))))
            candidates.append(Candidate(pid, unit, frozenset(tags), needs, tuple(busy), bonus))
    classes = []
    for i in range(n_classes):
        start = year + timedelta(days=rng.randint(0, 330))
        days = rng.choice((3, 5, 5, 7, 10, 14, 20, 30))
        kind = rng.choice(KINDS)
        if kind == "core":
            audience = frozenset({rng.choice(("tier:county", "tier:section"))})
        elif kind == "promotion":
            audience = frozenset({rng.choice(("tier:county", "tier:section"))})
        elif kind == "initial":
            audience = frozenset({"tier:staff"})
        elif kind == "thematic":
            audience = rng.choice((frozenset({"young"}), frozenset({"team"}), frozenset({"branch_secretary"}),
                                   frozenset({f"sector:{rng.choice(SECTORS)}"}),
                                   frozenset({f"category:{rng.choice(CATEGORIES)}"})))
        else:   # 专门业务培训 for one or two sectors
            audience = frozenset(f"sector:{s}" for s in rng.sample(SECTORS, rng.choice((1, 2))))
        quota = rng.randint(30, 120)
        unit_quotas = {}
        if rng.random() < 0.4:
            for unit in rng.sample(units, min(len(units), rng.randint(10, 40))):
                unit_quotas[unit] = rng.randint(1, 4)
        classes.append(ClassOffer(f"BC{i + 1:03d}", start, start + timedelta(days=days - 1), quota, unit_quotas,
                                  audience, kind, full_time=rng.random() < 0.9))
    caps = {}
    for unit, size in zip(units, sizes):
        already = {}
        if rng.random() < 0.3:
            start = year + timedelta(days=rng.randint(0, 330))
            for d in range(rng.randint(5, 30)):
                already[start + timedelta(days=d)] = rng.randint(1, max(1, size // 10))
        caps[unit] = UnitCap(unit, size, max(1, round(size * 0.2)), already)
    return Case(classes, candidates, caps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", type=int, default=50)
    parser.add_argument("--candidates", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=25.0)
    parser.add_argument("--workers", type=int, default=2)
    opts = parser.parse_args()
    t = time.perf_counter()
    case = generate(opts.classes, opts.candidates, opts.seed)
    built = time.perf_counter() - t
    t = time.perf_counter()
    baseline = greedy(case)
    greedy_seconds = time.perf_counter() - t
    greedy_objective = objective_of(case, baseline)
    solution = solve(case, time_limit=opts.time_limit, workers=opts.workers)
    broken = violations(case, solution.placements)
    placed = sum(len(v) for v in solution.placements.values())
    gap = (solution.bound - solution.objective) / solution.bound if solution.bound else 0.0
    print(f"case: {len(case.classes)} classes, {len(case.candidates)} candidates, {len(case.unit_caps)} units "
          f"({built:.1f} s to generate)")
    print(f"greedy: objective {greedy_objective} in {greedy_seconds:.2f} s, "
          f"{len(violations(case, baseline))} violations")
    print(f"CP-SAT ({solution.status}): objective {solution.objective}, bound {solution.bound}, gap {gap:.3%}, "
          f"{placed} placed, {solution.variables} variables, {solution.seconds:.1f} s")
    for line in broken[:10]:
        print("  violation:", line)
    print(json.dumps({"seconds": round(solution.seconds, 2), "objective": solution.objective, "bound": solution.bound,
                      "greedy_objective": greedy_objective, "hard_rule_violations": len(broken),
                      "gap": round(gap, 5), "status": solution.status, "lp_bound": solution.lp_bound, "placed": placed,
                      "variables": solution.variables, "classes": len(case.classes),
                      "candidates": len(case.candidates), "seed": opts.seed}, ensure_ascii=False))


if __name__ == "__main__":
    main()
