"""What a report adds up, one cadre at a time: the facts the verdict store keeps per cadre and sums per unit.

The compliance dashboard counts, for an org and each of its children, the cadres, each cadre indicator's verdicts,
the people on the 补训, 进度滞后 and 未达标 lists, the members of each unit indicator's population and how many of
them count towards it, and the figures every report quotes (the year's judged cadres, those trained, full-time and
online hours, the leaders' rotation). Every one of those is a sum over cadres of a number that depends on that cadre
alone, so the store keeps it per cadre (``StoredFact``) and per org (``StoredOrgFact``, the sum over the cadres
sitting directly in it): a subtree's count is the sum of its orgs' rows, whatever its size.

A fact's key says what it counts:

- ``cadres``: 1 for every cadre in scope;
- ``v|<indicator>|<verdict>``: 1 per verdict of a cadre indicator;
- ``n|at_risk``, ``n|unmet``: the cadre's 进度滞后 verdicts, and its 未达标 verdicts of indicators that count;
- ``p|at_risk``, ``p|unmet``, ``p|makeup``: 1 if the cadre is on that list;
- ``o|<unit indicator>|w`` and ``o|<unit indicator>|p``: 1 if in the indicator's population, and 1 if it counts
  towards the share (``Measure.members``);
- ``f|in_year``, ``f|trained``, ``f|ft_hours``, ``f|online_hours``, ``f|rot_w``, ``f|rot_d``: the figures' parts
  (``compliance.org_figures``).

Only facts that are not zero are kept.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ganxun.cadres.models import Cadre
from ganxun.plans.cadreset import CadreSet, cadre_set
from ganxun.plans.compliance import CadreResults, Members, Numbers
from ganxun.plans.engine import AT_RISK, MET, UNMET, Span, Verdict, span_for
from ganxun.plans.rules import Who
from ganxun.plans.spec import Counts, Plan

ONE = Decimal(1)

# the figures' parts, by the name ``compliance.Numbers`` gives them
FIGURE_KEYS = {"judged": "f|in_year", "trained": "f|trained", "full_time_hours": "f|ft_hours",
               "online_hours": "f|online_hours", "rotation_whole": "f|rot_w", "rotation_done": "f|rot_d"}


def verdict_key(indicator: str, verdict: str) -> str:
    return f"v|{indicator}|{verdict}"


def member_keys(indicator: str) -> tuple[str, str]:
    """The keys of a unit indicator's population and of the part of it that counts."""
    return f"o|{indicator}|w", f"o|{indicator}|p"


def cadre_facts(plan: Plan, as_of: date, cadres: QuerySet[Cadre] | CadreSet,
                verdicts: list[Verdict]) -> dict[int, tuple[int, dict[str, Decimal]]]:
    """Every cadre of ``cadres`` (by id): the org it sits in and its facts, from its cadre ``verdicts`` (all of
    them, applicable ones only, as ``cadre_verdicts`` gives them) and a few set-based reads (none for cadres read
    into memory: ``cadreset.InMemory``)."""
    cadres = cadre_set(cadres)
    where = {pk: (p.code, p.org_id) for pk, p in cadres.people().items()}
    pk_of = {code: pk for pk, (code, _) in where.items()}
    facts: dict[int, dict[str, Decimal]] = {pk: defaultdict(Decimal) for pk in where}
    for pk in where:
        facts[pk]["cadres"] = ONE

    inds = {i.code: i for i in plan.of_subject("cadre")}
    makeup = {code for code, i in inds.items() if i.makeup_list}
    for v in verdicts:
        f = facts[pk_of[v.subject]]
        f[verdict_key(v.indicator, v.verdict)] += ONE
        if v.verdict == AT_RISK:
            f["n|at_risk"] += ONE
            f["p|at_risk"] = ONE
        elif v.verdict == UNMET:
            if v.indicator in makeup:
                f["p|makeup"] = ONE
            if not inds[v.indicator].advisory:
                f["n|unmet"] += ONE
                f["p|unmet"] = ONE

    members = Members(plan, as_of, cadres, CadreResults.of(plan, as_of, verdicts))
    for ind in plan.of_subject("org"):
        span = span_for(plan, ind, as_of)
        if span is None:
            continue
        whole, part = member_keys(ind.code)
        for pk, (_, counts) in ind.measure.members(ind, span, members).items():
            facts[pk][whole] += ONE
            facts[pk][part] += counts

    year = Span(date(as_of.year, 1, 1), date(as_of.year, 12, 31), as_of)
    in_year = cadres.judged(plan, Who(), year)
    for pk in in_year.ids():
        facts[pk]["f|in_year"] = ONE
    for pk, t in in_year.tallies(Counts(exclude_sources=("self_study",)), year).items():
        if t.count > 0:
            facts[pk]["f|trained"] = ONE
    for key, source in (("f|ft_hours", "full_time"), ("f|online_hours", "online")):
        for pk, t in in_year.tallies(Counts(sources=(source,)), year).items():
            facts[pk][key] += t.hours
    if plan.rotation_indicator and plan.hours_indicators:
        period = Span(plan.start, plan.end, as_of)
        leaders = cadres.judged(plan, plan.indicator(plan.hours_indicators[0]).who, period)
        for pk in leaders.ids():
            facts[pk]["f|rot_w"] = ONE
        if as_of >= plan.start:
            rot = plan.indicator(plan.rotation_indicator)
            for pk, t in leaders.tallies(rot.counts, period).items():
                if t.count > 0:
                    facts[pk]["f|rot_d"] = ONE
    return {pk: (where[pk][1], {k: v for k, v in f.items() if v}) for pk, f in facts.items()}


def add_facts(into: dict[str, Decimal], facts: dict[str, Decimal], sign: int = 1) -> None:
    for key, value in facts.items():
        into[key] = into.get(key, Decimal(0)) + sign * value


def numbers_of(plan: Plan, facts: dict[str, Decimal]) -> Numbers:
    """The report figures' parts (``compliance.Numbers``) from a subtree's summed facts."""
    def n(key: str) -> int:
        return int(facts.get(key, 0))

    hours = [k for k in facts if k.startswith("v|") and k.split("|")[1] in plan.hours_indicators]
    return Numbers(judged=n(FIGURE_KEYS["judged"]), trained=n(FIGURE_KEYS["trained"]),
                   full_time_hours=facts.get(FIGURE_KEYS["full_time_hours"], Decimal(0)),
                   online_hours=facts.get(FIGURE_KEYS["online_hours"], Decimal(0)),
                   hours_met=sum(n(k) for k in hours if k.endswith(f"|{MET}")), hours_all=sum(n(k) for k in hours),
                   rotation_done=n(FIGURE_KEYS["rotation_done"]), rotation_whole=n(FIGURE_KEYS["rotation_whole"]))
