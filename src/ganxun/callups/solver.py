"""The suggested call-up list as an assignment problem, solved with OR-Tools CP-SAT (pure Python, no Django).

Classes with quotas (and per-unit places) take candidates with needs. Hard rules: a candidate goes only to a
class whose audience they match, never to one overlapping a span they are busy (leave, another class), never
to two overlapping classes, to at most ``per_person_max`` classes; a class takes at most its quota and each
unit at most its places in it; on any day a unit has at most ``max_away`` cadres away in full-time classes,
counting those already away. The objective is the needs met: each placement is worth the candidate's needs
plus the bonus for a class of the kind they are due.

The model is kept lean: variables only for eligible pairs, one "at most one" per person over each maximal set of
classes sharing a day, and one unit/day row per unit and distinct set of classes running (at the tightest day of
that set), only where the unit could go over its cap. A greedy answer is the hint.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

NEED_LABELS = {
    "makeup_5y": "五年轮训未完成，需补训",
    "hours_at_risk": "年度学时有不达标风险",
    "initial_due": "初任培训待完成",
    "promotion_due": "任职培训待完成",
    "long_untrained": "长期未参加脱产培训",
    "young_due": "优秀年轻干部培训到期",
}
KIND_MATCH = "与班次类型相符"


@dataclass(frozen=True, slots=True)
class ClassOffer:
    code: str
    start: date
    end: date
    quota: int
    unit_quotas: dict = field(default_factory=dict)   # unit → places in this class; a unit absent has no cap
    audience: frozenset | None = None                  # tags, one of which a candidate must have; None: anyone
    kind: str = ""
    full_time: bool = True


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    unit: str
    tags: frozenset = frozenset()
    needs: dict = field(default_factory=dict)          # need code → weight
    busy: tuple = ()                                   # ((start, end), …) when they cannot be away
    kind_bonus: dict = field(default_factory=dict)     # class kind → extra weight


@dataclass(frozen=True, slots=True)
class UnitCap:
    unit: str
    staff: int
    max_away: int                                      # cadres of the unit away in full-time classes on one day
    already_away: dict = field(default_factory=dict)   # day → already away that day


@dataclass(frozen=True, slots=True)
class Case:
    classes: list
    candidates: list
    unit_caps: dict = field(default_factory=dict)
    per_person_max: int = 1


@dataclass
class Solution:
    placements: dict
    objective: int
    bound: int
    status: str
    seconds: float
    reasons: dict = field(default_factory=dict)
    variables: int = 0
    lp_bound: int | None = None     # the LP relaxation's value (GLOP), given to CP-SAT as a cut


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= b_end and b_start <= a_end


def eligible(c: ClassOffer, p: Candidate) -> bool:
    if c.audience is not None and not (c.audience & p.tags):
        return False
    if c.unit_quotas and p.unit in c.unit_quotas and c.unit_quotas[p.unit] <= 0:
        return False
    return not any(_overlap(c.start, c.end, s, e) for s, e in p.busy)


def value(c: ClassOffer, p: Candidate) -> int:
    return sum(p.needs.values()) + p.kind_bonus.get(c.kind, 0)


def _day_cliques(classes: list[ClassOffer]) -> list[list[int]]:
    """Maximal sets of classes sharing a day (the start day of one of them): "at most one" over each."""
    out, seen = [], set()
    for c in classes:
        group = tuple(sorted(i for i, o in enumerate(classes) if o.start <= c.start <= o.end))
        if len(group) > 1 and group not in seen:
            seen.add(group)
            out.append(list(group))
    return [g for g in out if not any(set(g) < set(h) for h in out)]


def objective_of(case: Case, placements: dict) -> int:
    by_code = {c.code: c for c in case.classes}
    people = {p.id: p for p in case.candidates}
    return sum(value(by_code[code], people[pid]) for code, ids in placements.items() for pid in ids)


def greedy(case: Case) -> dict:
    """Candidates by value, each into the best class still feasible for them: a baseline and the solver's hint."""
    classes = case.classes
    taken = defaultdict(int)
    unit_taken = defaultdict(int)
    away = {u: defaultdict(int, cap.already_away) for u, cap in case.unit_caps.items()}
    placements = {c.code: [] for c in classes}
    order = sorted(case.candidates, key=lambda p: (-sum(p.needs.values()) - max(p.kind_bonus.values(), default=0),
                                                   p.id))
    for p in order:
        mine: list[ClassOffer] = []
        options = sorted((c for c in classes if eligible(c, p)), key=lambda c: (-value(c, p), c.start, c.code))
        for c in options:
            if len(mine) >= case.per_person_max:
                break
            if taken[c.code] >= c.quota:
                continue
            if c.unit_quotas and p.unit in c.unit_quotas and unit_taken[c.code, p.unit] >= c.unit_quotas[p.unit]:
                continue
            if any(_overlap(c.start, c.end, m.start, m.end) for m in mine):
                continue
            cap = case.unit_caps.get(p.unit)
            if cap is not None and c.full_time and _days_over(away[p.unit], c, cap.max_away):
                continue
            mine.append(c)
            taken[c.code] += 1
            unit_taken[c.code, p.unit] += 1
            if cap is not None and c.full_time:
                for day in _days_of(c):
                    away[p.unit][day] += 1
            placements[c.code].append(p.id)
    return placements


def _days_of(c: ClassOffer):
    from datetime import timedelta

    day = c.start
    while day <= c.end:
        yield day
        day += timedelta(days=1)


def _days_over(away: dict, c: ClassOffer, max_away: int) -> bool:
    return any(away[day] + 1 > max_away for day in _days_of(c))


def _groups(case: Case, people: dict) -> dict[tuple, list[int]]:
    """Candidates nobody could tell apart in the model: the same classes open to them, the same worth in each and,
    where their unit could bind (its places in a class, or more of its candidates than it may have away), the same
    unit. With one class a person, placing "k of this group" is the same as placing any k of them."""
    needy: dict[str, int] = defaultdict(int)
    for p in people.values():
        needy[p.unit] += 1

    def binds(unit: str) -> bool:
        cap = case.unit_caps.get(unit)
        room = cap.max_away - max(cap.already_away.values(), default=0) if cap is not None else needy[unit]
        return needy[unit] > room

    capped = {u: binds(u) for u in needy}
    groups: dict[tuple, list[int]] = defaultdict(list)
    for p in people.values():
        open_to = tuple(ci for ci, c in enumerate(case.classes) if c.quota > 0 and eligible(c, p) and value(c, p) > 0)
        if open_to:
            worth = tuple(value(case.classes[ci], p) for ci in open_to)
            # the unit, in each class, only where it can bind there
            units = tuple(p.unit if capped[p.unit] or p.unit in case.classes[ci].unit_quotas else None
                          for ci in open_to)
            groups[(units, open_to, worth)].append(p.id)
    return groups


def solve(case: Case, *, time_limit: float = 25.0, workers: int = 2, gap: float = 0.005,
          progress: Callable[[float, str], None] | None = None) -> Solution:
    """The best proposal CP-SAT finds within ``time_limit`` seconds (and within ``gap`` of its bound)."""
    if case.per_person_max == 1:
        return _solve_grouped(case, time_limit=time_limit, workers=workers, gap=gap, progress=progress)
    return _solve_pairs(case, time_limit=time_limit, workers=workers, gap=gap, progress=progress)


def _unit_rows(case: Case) -> dict[frozenset, list[date]]:
    """The days with the same full-time classes running, by that set of classes."""
    days_by_set: dict[frozenset, list[date]] = defaultdict(list)
    classes = case.classes
    for day in sorted({d for c in classes if c.full_time for d in _days_of(c)}):
        running = frozenset(i for i, o in enumerate(classes) if o.full_time and o.start <= day <= o.end)
        days_by_set[running].append(day)
    return days_by_set


def _finish(case, solver, status, started, picks, people, variables) -> Solution:
    from ortools.sat.python import cp_model

    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible"}
    placements = {c.code: sorted(ids) for c, ids in zip(case.classes, picks)}
    reasons: dict[int, list[str]] = {}
    for c, ids in zip(case.classes, picks):
        for pid in ids:
            p = people[pid]
            why = [NEED_LABELS.get(n, n) for n in sorted(p.needs, key=lambda n: (-p.needs[n], n))]
            if p.kind_bonus.get(c.kind):
                why.append(KIND_MATCH)
            reasons[pid] = why
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return Solution(placements=placements, objective=objective_of(case, placements) if found else 0,
                    bound=int(round(solver.best_objective_bound)) if found else 0, status=names.get(status, "unknown"),
                    seconds=time.perf_counter() - started, reasons=reasons, variables=variables)


def _solver(time_limit, started, workers, gap):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit - (time.perf_counter() - started), 1.0)
    solver.parameters.num_workers = workers
    solver.parameters.relative_gap_limit = gap
    return solver


def _lp_rounded(upper: dict[int, int], weight: dict[int, int], rows: list) -> tuple[dict[int, int], int] | None:
    """The LP relaxation (GLOP): its value (an upper bound of every integer answer) and its solution rounded
    down, then raised again wherever every row still has room (every row packs, so rounding down stays feasible)."""
    from ortools.linear_solver import pywraplp

    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    var = {i: lp.NumVar(0, top, f"v{i}") for i, top in upper.items()}
    for members, rhs in rows:
        lp.Add(sum(var[i] for i in members) <= rhs)
    lp.Maximize(sum(weight.get(i, 0) * v for i, v in var.items()))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    bound = int(lp.Objective().Value() + 1e-6)
    chosen = {i: int(v.solution_value() + 1e-6) for i, v in var.items()}
    # greedy repair: the rows' slack, then one more wherever all its rows allow, best weight first
    rows_of: dict[int, list[int]] = defaultdict(list)
    slack = []
    for r, (members, rhs) in enumerate(rows):
        slack.append(rhs - sum(chosen[i] for i in members))
        for i in members:
            rows_of[i].append(r)
    for i in sorted(var, key=lambda i: -weight.get(i, 0)):
        while chosen[i] < upper[i] and all(slack[r] > 0 for r in rows_of[i]):
            chosen[i] += 1
            for r in rows_of[i]:
                slack[r] -= 1
    return chosen, bound


def _solve_grouped(case: Case, *, time_limit, workers, gap, progress) -> Solution:
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    classes = case.classes
    people = {p.id: p for p in case.candidates if p.needs or p.kind_bonus}
    groups = _groups(case, people)
    model = cp_model.CpModel()
    y: dict[tuple[int, int], cp_model.IntVar] = {}   # (group index, class index) → how many of the group
    upper: dict[int, int] = {}                       # each variable's upper bound, by its index
    keys = list(groups)
    by_class: dict[int, list] = defaultdict(list)
    rows: list[tuple[list[int], int]] = []           # every constraint, for the LP relaxation too

    def limit(vs, rhs):
        model.add(sum(vs) <= rhs)
        rows.append(([v.index for v in vs], rhs))
    for gi, key in enumerate(keys):
        units, open_to, worth = key
        size = len(groups[key])
        mine = []
        for unit, ci, w in zip(units, open_to, worth):
            c = classes[ci]
            top = min(size, c.quota, c.unit_quotas.get(unit, size) if unit else size)
            if top <= 0:
                continue
            v = model.new_int_var(0, top, f"y{gi}_{ci}")
            y[gi, ci] = v
            upper[v.index] = top
            by_class[ci].append((unit, v, w))
            mine.append(v)
        if len(mine) > 1:
            limit(mine, size)
    if progress:
        progress(0.1, f"已建立模型：{len(people)} 名候选人归为 {len(keys)} 组，{len(y)} 个变量")
    for ci, entries in by_class.items():
        c = classes[ci]
        if sum(upper[v.index] for _, v, _ in entries) > c.quota:
            limit([v for _, v, _ in entries], c.quota)
        if c.unit_quotas:
            per_unit = defaultdict(list)
            for unit, v, _ in entries:
                if unit in c.unit_quotas:
                    per_unit[unit].append(v)
            for unit, vs in per_unit.items():
                if sum(upper[v.index] for v in vs) > c.unit_quotas[unit]:
                    limit(vs, c.unit_quotas[unit])
    for running, days in _unit_rows(case).items():
        per_unit = defaultdict(list)
        for ci in running:
            for unit, v, _ in by_class.get(ci, ()):
                if unit is not None:
                    per_unit[unit].append(v)
        for unit, vs in per_unit.items():
            cap = case.unit_caps.get(unit)
            if cap is None:
                continue
            room = max(cap.max_away - max(cap.already_away.get(d, 0) for d in days), 0)
            if sum(upper[v.index] for v in vs) > room:
                limit(vs, room)
    weight = {v.index: w for entries in by_class.values() for _, v, w in entries}
    model.maximize(sum(w * v for entries in by_class.values() for _, v, w in entries))
    # the greedy answer as the hint, counted per group
    hint = greedy(case)
    group_of = {pid: gi for gi, key in enumerate(keys) for pid in groups[key]}
    counts: dict[tuple[int, int], int] = defaultdict(int)
    index = {c.code: ci for ci, c in enumerate(classes)}
    for code, ids in hint.items():
        for pid in ids:
            if pid in group_of:
                counts[group_of[pid], index[code]] += 1
    start_from = {v.index: counts.get(key, 0) for key, v in y.items()}
    # the LP relaxation rounded down is feasible too (every row is a packing row): start from the better one
    relaxed = _lp_rounded(upper, weight, rows)
    if relaxed is not None:
        rounded, lp_bound = relaxed
        if sum(weight[i] * n for i, n in rounded.items()) > sum(weight[i] * n for i, n in start_from.items()):
            start_from = rounded
        # the LP's value bounds every integer answer: as a cut it removes none of them, and it gives CP-SAT at once
        # the bound its own LP reaches only slowly at this size
        model.add(sum(w * v for entries in by_class.values() for _, v, w in entries) <= lp_bound)
    for v in y.values():
        model.add_hint(v, start_from.get(v.index, 0))
    solver = _solver(time_limit, started, workers, gap)
    solver.parameters.subsolvers.extend(["max_lp", "default_lp"])
    if progress:
        progress(0.2, "正在求解……")
    status = solver.solve(model)
    picks: list[list[int]] = [[] for _ in classes]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for gi, key in enumerate(keys):
            members = iter(groups[key])
            for ci in key[1]:
                v = y.get((gi, ci))
                for _ in range(solver.value(v) if v is not None else 0):
                    picks[ci].append(next(members))
    solution = _finish(case, solver, status, started, picks, people, len(y))
    solution.lp_bound = relaxed[1] if relaxed is not None else None
    return solution


def _solve_pairs(case: Case, *, time_limit, workers, gap, progress) -> Solution:
    """One boolean per eligible (class, person): for cases where a person may take more than one class."""
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    classes = case.classes
    people = {p.id: p for p in case.candidates if p.needs or p.kind_bonus}
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    by_class: dict[int, list] = defaultdict(list)
    by_person: dict[int, list] = defaultdict(list)
    for ci, c in enumerate(classes):
        if c.quota <= 0:
            continue
        for p in people.values():
            if eligible(c, p) and value(c, p) > 0:
                v = model.new_bool_var(f"x{ci}_{p.id}")
                x[ci, p.id] = v
                by_class[ci].append((p, v))
                by_person[p.id].append((ci, v))
    for ci, pairs in by_class.items():
        c = classes[ci]
        model.add(sum(v for _, v in pairs) <= c.quota)
        if c.unit_quotas:
            per_unit = defaultdict(list)
            for p, v in pairs:
                if p.unit in c.unit_quotas:
                    per_unit[p.unit].append(v)
            for unit, vs in per_unit.items():
                model.add(sum(vs) <= c.unit_quotas[unit])
    cliques = _day_cliques(classes)
    for pid, pairs in by_person.items():
        if len(pairs) > case.per_person_max:
            model.add(sum(v for _, v in pairs) <= case.per_person_max)
        mine = dict(pairs)
        for group in cliques:
            vs = [mine[ci] for ci in group if ci in mine]
            if len(vs) > 1:
                model.add_at_most_one(vs)
    for running, days in _unit_rows(case).items():
        for unit, cap in case.unit_caps.items():
            vs = [v for ci in running for p, v in by_class.get(ci, ()) if p.unit == unit]
            room = max(cap.max_away - max(cap.already_away.get(d, 0) for d in days), 0)
            if len(vs) > room:
                model.add(sum(vs) <= room)
    model.maximize(sum(value(classes[ci], people[pid]) * v for (ci, pid), v in x.items()))
    hint = greedy(case)
    index = {c.code: i for i, c in enumerate(classes)}
    hinted = {(index[code], pid) for code, ids in hint.items() for pid in ids}
    for key, v in x.items():
        model.add_hint(v, 1 if key in hinted else 0)
    solver = _solver(time_limit, started, workers, gap)
    status = solver.solve(model)
    picks: list[list[int]] = [[] for _ in classes]
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        for (ci, pid), v in x.items():
            if solver.value(v):
                picks[ci].append(pid)
    return _finish(case, solver, status, started, picks, people, len(x))
