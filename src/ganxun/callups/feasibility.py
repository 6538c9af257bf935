"""An independent check of a call-up proposal against the hard rules, written from the rules themselves (not
from the solver's model): each broken rule named once, in Chinese. The benchmark and the tests count on it."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def violations(case, placements: dict) -> list[str]:
    classes = {c.code: c for c in case.classes}
    people = {p.id: p for p in case.candidates}
    found = []
    held = defaultdict(list)
    for code, ids in placements.items():
        c = classes.get(code)
        if c is None:
            found.append(f"班次 {code} 不在本次安排中")
            continue
        if len(ids) != len(set(ids)):
            found.append(f"{code}：同一人被安排两次")
        if len(ids) > c.quota:
            found.append(f"{code}：安排 {len(ids)} 人，超过名额 {c.quota}")
        per_unit = defaultdict(int)
        for pid in ids:
            p = people.get(pid)
            if p is None:
                found.append(f"{code}：{pid} 不是候选人")
                continue
            per_unit[p.unit] += 1
            if c.audience is not None and not (set(c.audience) & set(p.tags)):
                found.append(f"{code}：{pid} 不属于培训对象")
            for s, e in p.busy:
                if s <= c.end and c.start <= e:
                    found.append(f"{code}：{pid} 在 {s}~{e} 已有安排（请假或其他班次）")
            held[pid].append(c)
        for unit, n in per_unit.items():
            if unit in c.unit_quotas and n > c.unit_quotas[unit]:
                found.append(f"{code}：{unit} 安排 {n} 人，超过该单位名额 {c.unit_quotas[unit]}")
    for pid, mine in held.items():
        if len(mine) > case.per_person_max:
            found.append(f"{pid}：安排了 {len(mine)} 个班次，超过 {case.per_person_max} 个")
        for i, a in enumerate(mine):
            for b in mine[i + 1:]:
                if a.start <= b.end and b.start <= a.end:
                    found.append(f"{pid}：{a.code} 与 {b.code} 时间重叠")
    for unit, cap in case.unit_caps.items():
        away = defaultdict(int, cap.already_away)
        for pid, mine in held.items():
            if people[pid].unit != unit:
                continue
            for c in mine:
                if c.full_time:
                    for day in _days(c.start, c.end):
                        away[day] += 1
        new_days = {d for pid, mine in held.items() if people[pid].unit == unit
                    for c in mine if c.full_time for d in _days(c.start, c.end)}
        over = sorted(d for d in new_days if away[d] > cap.max_away)
        if over:
            found.append(f"{unit}：{over[0]} 同时脱产 {away[over[0]]} 人，超过 {cap.max_away} 人（共 {len(over)} 天）")
    return found
