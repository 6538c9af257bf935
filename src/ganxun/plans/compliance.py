"""Compliance for what a user may see: cadres, orgs (units and regions) and the report figures.

These are the reads every surface shares (pages, API, CLI, reports). The data scope comes from the
selectors; the command line passes ``UNSCOPED_OPERATOR``, who sees everything (``None`` sees nothing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import access_cadre, cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.orgs.models import Org
from ganxun.orgs.selectors import access_org, orgs_visible_to, root_org_of, scope_of
from ganxun.plans.cadreset import CadreSet, cadre_set, judged
from ganxun.plans.engine import MET, NOT_APPLICABLE, Share, Span, Tally, Verdict, span_for
from ganxun.plans.fetch import window_tallies
from ganxun.plans.rules import Who
from ganxun.plans.spec import Counts, Indicator, Plan

__all__ = ["cadre_verdicts", "org_verdicts", "org_figures", "org_report", "Figure", "compliance_scope",
           "CadreResults", "Members", "Numbers", "figures_of", "year_judged", "judged"]


def compliance_scope(user, *, org_code: str | None = None, person_code: str | None = None,
                     org=None) -> QuerySet[Cadre]:
    """The cadres to evaluate: the user's scope, narrowed to an org subtree (``org_code``, or ``org`` already
    found in the scope) or one person."""
    cadres = cadres_visible_to(user)
    if org_code or org is not None:
        org = org if org is not None else access_org(user, org_code)
        cadres = cadres.filter(org__path__startswith=org.path)
    if person_code:
        cadre = access_cadre(user, person_code)
        cadres = cadres.filter(pk=cadre.pk)
    return cadres


def cadre_verdicts(plan: Plan, as_of: date, cadres: QuerySet[Cadre], *, with_evidence: bool = True,
                   codes: list[str] | None = None, include_not_applicable: bool = False,
                   with_figures: bool = True) -> list[Verdict]:
    """Every applicable cadre indicator of ``plan`` for every cadre in ``cadres``: from the verdict store when it
    holds this plan version at this date (``plans.store``; cadres a write has marked since are evaluated live),
    else evaluated (``evaluate_cadre_verdicts``). The same verdicts either way; the store is only faster.

    ``with_figures=False``: the caller only counts verdicts (a dashboard, a rate), so the store may leave a stored
    verdict's required, actual and gap out (empty) rather than read them."""
    from ganxun.plans.store import stored_cadre_verdicts

    stored = stored_cadre_verdicts(plan, as_of, cadres, codes=codes, include_not_applicable=include_not_applicable,
                                   with_evidence=with_evidence, with_figures=with_figures)
    if stored is not None:
        return stored
    return evaluate_cadre_verdicts(plan, as_of, cadres, with_evidence=with_evidence, codes=codes,
                                   include_not_applicable=include_not_applicable)


def evaluate_cadre_verdicts(plan: Plan, as_of: date, cadres: QuerySet[Cadre] | CadreSet, *,
                            with_evidence: bool = True, codes: list[str] | None = None,
                            include_not_applicable: bool = False) -> list[Verdict]:
    """Every applicable cadre indicator of ``plan`` for every cadre in ``cadres``, evaluated from the ledger; one
    query per indicator (none for cadres already read into memory: ``cadreset.InMemory``).

    A cadre hired after the window's cut-off (``judged``) is not applicable, like one the indicator does
    not cover: left out, or ``not_applicable`` with ``include_not_applicable``.
    """
    cadres = cadre_set(cadres)
    people = cadres.people()
    names = {pk: (p.code, p.name) for pk, p in people.items()}
    results: list[Verdict] = []
    for ind in plan.of_subject("cadre"):
        if codes and ind.code not in codes:
            continue
        span = span_for(plan, ind, as_of)
        applicable = cadres.judged(plan, ind.who, span)
        ids = applicable.ids() if span else set()
        if ids:
            dated = ind.measure.needs_dates
            tallies = applicable.tallies(ind.counts, span, need_dates=dated, need_evidence=with_evidence)
            for pk in sorted(ids, key=lambda i: names[i][0]):
                tally = tallies.get(pk) or Tally()
                hired_on = people[pk].hired_on
                if dated and hired_on and hired_on > span.start:
                    # a rule on record dates (a gap rule) measures a cadre hired inside the window from that day
                    tally = replace(tally, since=hired_on)
                results.append(ind.evaluate(span, tally, subject=names[pk][0], subject_name=names[pk][1]))
        if include_not_applicable:
            empty = span or Span(plan.start, plan.end, as_of)
            for pk in sorted(set(names) - ids, key=lambda i: names[i][0]):
                results.append(Verdict.not_applicable(ind, empty, subject_type="cadre", subject=names[pk][0],
                                                      subject_name=names[pk][1]))
    results.sort(key=lambda v: (v.subject, _order(plan, v.indicator)))
    return results


def sort_cadre_verdicts(plan: Plan, results: list[Verdict]) -> list[Verdict]:
    """In the order ``evaluate_cadre_verdicts`` gives: by person code, then the plan's order of indicators."""
    results.sort(key=lambda v: (v.subject, _order(plan, v.indicator)))
    return results


def _order(plan: Plan, code: str) -> int:
    return next(i for i, ind in enumerate(plan.indicators) if ind.code == code)


@dataclass(frozen=True)
class CadreResults:
    """Cadre verdicts already evaluated for one plan, one date and one set of cadres, by indicator.

    A caller that has run ``cadre_verdicts`` (the dashboard) hands this to ``org_verdicts`` and
    ``org_figures`` so they do not evaluate the cadre indicators they rest on (达标比例, 学时达标率) again.
    The caller vouches that the verdicts are for the cadres those functions read: the same user and org
    subtree. Indicators not in ``codes`` are evaluated as usual.
    """

    plan_id: str
    as_of: date
    codes: frozenset[str]
    by_code: dict[str, list[Verdict]]

    @classmethod
    def of(cls, plan: Plan, as_of: date, verdicts: list[Verdict], codes: list[str] | None = None) -> CadreResults:
        """Wrap the result of ``cadre_verdicts(plan, as_of, cadres, codes=codes)`` (evidence or not)."""
        evaluated = frozenset(codes if codes else (i.code for i in plan.of_subject("cadre")))
        by_code: dict[str, list[Verdict]] = {code: [] for code in evaluated}
        for v in verdicts:
            if v.verdict != NOT_APPLICABLE and v.indicator in by_code:
                by_code[v.indicator].append(v)
        return cls(plan.id, as_of, evaluated, by_code)

    def get(self, plan: Plan, as_of: date, code: str) -> list[Verdict] | None:
        """The verdicts of ``code``, or None when it was not evaluated."""
        if (plan.id, as_of) != (self.plan_id, self.as_of):
            raise ValueError(f"cadre results for {self.plan_id} at {self.as_of}, not {plan.id} at {as_of}")
        return self.by_code.get(code)


def _verdicts_of(plan: Plan, code: str, as_of: date, cadres: QuerySet[Cadre] | CadreSet,
                 known: CadreResults | None) -> list[Verdict]:
    """The applicable verdicts of one cadre indicator: from ``known`` when it has them, else evaluated."""
    found = known.get(plan, as_of, code) if known is not None else None
    if found is None:
        found = cadre_verdicts(plan, as_of, cadre_set(cadres).queryset, with_evidence=False, codes=[code],
                               with_figures=False)
    return found


# ---- orgs -------------------------------------------------------------------------------------


def org_nodes(user, org_code: str | None) -> tuple[Org, list[Org]]:
    """The root org to report on and every visible org under it (root included)."""
    root = access_org(user, org_code) if org_code else root_org_of(user)
    if root is None:
        raise NotFound("您的角色没有可统计的单位范围" if not scope_of(user).everything else "还没有任何组织机构")
    nodes = list(orgs_visible_to(user).filter(path__startswith=root.path))
    return root, nodes


def _rollup(nodes: list[Org], per_cadre: dict[int, tuple[str, int]]) -> dict[str, list[int]]:
    """Sum (part, whole) per org path over its whole subtree. ``per_cadre``: id -> (org path, part 0/1)."""
    known = {n.path for n in nodes}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for path, part in per_cadre.values():
        for i in range(4, len(path) + 1, 4):
            prefix = path[:i]
            if prefix in known:
                s = sums[prefix]
                s[0] += part
                s[1] += 1
    return sums


def _trained(plan: Plan, ind: Indicator, span: Span, cadres: CadreSet) -> dict[int, tuple[str, int]]:
    population = cadres.judged(plan, ind.population, span)
    tallies = population.tallies(ind.counts, span)
    return {pk: (p.path, 1 if tallies.get(pk, Tally()).count > 0 else 0) for pk, p in population.people().items()}


def _met(plan: Plan, code: str, as_of: date, cadres: CadreSet,
         known: CadreResults | None = None) -> dict[int, tuple[str, int]]:
    ind = plan.indicator(code)
    verdicts = {v.subject: v.verdict for v in _verdicts_of(plan, code, as_of, cadres, known)}
    people = cadres.judged(plan, ind.who, span_for(plan, ind, as_of)).people()
    return {pk: (p.path, 1 if verdicts.get(p.code) == MET else 0) for pk, p in people.items()}


@dataclass(frozen=True)
class Members:
    """What an org indicator's measure asks for its members (``Measure.members``): per cadre of the
    population, ``(org path, 1 or 0)`` — trained in the window, or meeting a cadre indicator."""

    plan: Plan
    as_of: date
    cadres: CadreSet
    known: CadreResults | None

    def trained(self, ind: Indicator, span: Span) -> dict[int, tuple[str, int]]:
        return _trained(self.plan, ind, span, self.cadres)

    def met(self, code: str) -> dict[int, tuple[str, int]]:
        return _met(self.plan, code, self.as_of, self.cadres, self.known)


def org_verdicts(user, plan: Plan, as_of: date, *, org_code: str | None = None, subtree: bool = True,
                 include_not_applicable: bool = False, known: CadreResults | None = None) -> list[Verdict]:
    """Unit and region indicators for the root org (and, with ``subtree``, every org under it).

    ``known``: the cadre verdicts already evaluated for the same cadres (see ``CadreResults``).
    """
    root, nodes = org_nodes(user, org_code)
    cadres = compliance_scope(user).filter(org__path__startswith=root.path)
    targets = nodes if subtree else [root]
    members = Members(plan, as_of, cadre_set(cadres), known)
    results: list[Verdict] = []
    for ind in plan.of_subject("org"):
        span = span_for(plan, ind, as_of)
        if span is None:
            continue
        per_cadre = ind.measure.members(ind, span, members)
        sums = _rollup(nodes, per_cadre)
        for org in targets:
            part, whole = sums.get(org.path, (0, 0))
            verdict = ind.evaluate(span, Share(part, whole), subject=org.code, subject_name=org.name)
            if verdict.verdict != NOT_APPLICABLE or include_not_applicable:
                results.append(verdict)
    return sort_org_verdicts(plan, nodes, results)


def sort_org_verdicts(plan: Plan, nodes: list[Org], results: list[Verdict]) -> list[Verdict]:
    """Org verdicts in tree order (a parent before its children), each org's in the plan's order."""
    order = {n.path: i for i, n in enumerate(sorted(nodes, key=lambda n: n.path))}
    by_code = {n.code: n.path for n in nodes}
    results.sort(key=lambda v: (order.get(by_code.get(v.subject, ""), 0), _order(plan, v.indicator)))
    return results


@dataclass
class Figure:
    code: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    note: str = ""
    numerator: float | None = None
    denominator: int | None = None
    per: str = "人"  # what the denominator counts: 人 (cadres), 人次 (call-ups)
    # The period the figure counts, first and last day (both included): the calendar year of ``as_of``, the
    # plan period, or for 学时达标率 the earliest to the latest window of its hours indicators.
    window: tuple[date, date] | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "value": self.value, "unit": self.unit, "target": self.target,
                "note": self.note, "numerator": self.numerator, "denominator": self.denominator, "per": self.per,
                "window": [d.isoformat() for d in self.window] if self.window else None}


@dataclass(frozen=True)
class Numbers:
    """The parts of the report figures, for one subtree: counted from the ledger (``org_figures``) or added up from
    the verdict store's per-cadre facts (``plans.facts``)."""

    judged: int                 # cadres judged in the year of as_of
    trained: int                # of them, with a completed training that is not self-study
    full_time_hours: Decimal
    online_hours: Decimal
    hours_met: int              # verdicts of the hours indicators: met …
    hours_all: int              # … of all
    rotation_done: int          # leaders judged in the plan period with a rotation record
    rotation_whole: int


def org_figures(user, plan: Plan, as_of: date, *, org_code: str | None = None,
                known: CadreResults | None = None) -> list[Figure]:
    """The figures every report quotes, for one org's subtree in the calendar year of ``as_of``.

    The yearly figures count the cadres judged in that year, the rotation the leaders judged in the
    plan period (入职前的年度, see ``judged``). Each figure carries that window (``Figure.window``), so a
    page can say which period every number counts. ``known``: the cadre verdicts already evaluated for the
    same cadres (see ``CadreResults``).
    """
    root, _ = org_nodes(user, org_code)
    cadres = compliance_scope(user).filter(org__path__startswith=root.path)
    year = _year(as_of)
    in_year = judged(plan, cadres, Who(), year)
    any_training = window_tallies(in_year, Counts(exclude_sources=("self_study",)), year)
    full_time = window_tallies(in_year, Counts(sources=("full_time",)), year)
    online = window_tallies(in_year, Counts(sources=("online",)), year)
    hours_met = hours_all = 0
    for code in plan.hours_indicators:
        verdicts = _verdicts_of(plan, code, as_of, cadres, known)
        hours_all += len(verdicts)
        hours_met += sum(1 for v in verdicts if v.verdict == MET)
    done = whole = 0
    if plan.rotation_indicator and plan.hours_indicators:
        rot = plan.indicator(plan.rotation_indicator)
        period = Span(plan.start, plan.end, as_of)
        leaders = judged(plan, cadres, plan.indicator(plan.hours_indicators[0]).who, period)
        tallies = window_tallies(leaders, rot.counts, period) if as_of >= plan.start else {}
        done, whole = sum(1 for t in tallies.values() if t.count > 0), leaders.count()
    numbers = Numbers(judged=in_year.count(), trained=sum(1 for t in any_training.values() if t.count > 0),
                      full_time_hours=sum((t.hours for t in full_time.values()), Decimal("0")),
                      online_hours=sum((t.hours for t in online.values()), Decimal("0")),
                      hours_met=hours_met, hours_all=hours_all, rotation_done=done, rotation_whole=whole)
    return figures_of(plan, as_of, numbers, in_year)


def _year(as_of: date) -> Span:
    return Span(date(as_of.year, 1, 1), date(as_of.year, 12, 31), as_of)


def year_judged(plan: Plan, cadres: QuerySet[Cadre], as_of: date) -> QuerySet[Cadre]:
    """The cadres of ``cadres`` the yearly figures count (judged in the calendar year of ``as_of``)."""
    return judged(plan, cadres, Who(), _year(as_of))


def figures_of(plan: Plan, as_of: date, n: Numbers, in_year: QuerySet[Cadre]) -> list[Figure]:
    """The report figures from their parts; ``in_year``: the cadres judged in the year, for the figures another
    module counts (调训率, 参训率)."""
    year, total = _year(as_of), n.judged

    def rate(part, whole):
        return round(part / whole, 4) if whole else None

    hours_spans = [s for code in plan.hours_indicators if (s := span_for(plan, plan.indicator(code), as_of))]
    in_the_year = (year.start, year.end)
    hours_window = (min(s.start for s in hours_spans), max(s.end for s in hours_spans)) if hours_spans else None
    figures = [
        _from_source("call_up_rate", "调训率", in_year, total, year, in_the_year),
        _from_source("participation_rate", "参训率", in_year, total, year, in_the_year),
        Figure("training_coverage", "培训覆盖率", rate(n.trained, total), "share", numerator=n.trained,
               denominator=total, note=f"{as_of.year} 年内有结业培训记录（不含在职自学）的干部占比",
               window=in_the_year),
        Figure("avg_full_time_hours", "人均脱产培训学时",
               round(float(n.full_time_hours) / total, 1) if total else None, "hours",
               numerator=float(n.full_time_hours), denominator=total, window=in_the_year),
        Figure("avg_online_hours", "人均网络培训学时", round(float(n.online_hours) / total, 1) if total else None,
               "hours", numerator=float(n.online_hours), denominator=total, window=in_the_year),
        Figure("hours_compliance_rate", "学时达标率", rate(n.hours_met, n.hours_all), "share", numerator=n.hours_met,
               denominator=n.hours_all, note="学时指标（" + "、".join(plan.hours_indicators) + "）达标的干部占比",
               window=hours_window),
    ]
    if plan.rotation_indicator and plan.hours_indicators:
        period = Span(plan.start, plan.end, as_of)
        figures.append(Figure("rotation_progress", "五年轮训完成率", rate(n.rotation_done, n.rotation_whole), "share",
                              target="100%", numerator=n.rotation_done, denominator=n.rotation_whole,
                              note="规划期内接受过系统理论教育和严格党性教育的县处级以上领导干部占比",
                              window=(period.start, period.end)))
    return figures


def _from_source(code: str, name: str, cadres, total: int, year: Span, window) -> Figure:
    """A figure a module above the plans counts (``plans.subjects.register_figure``); without it, empty."""
    from ganxun.plans.subjects import figure_source

    source = figure_source(code)
    if source is None:
        return Figure(code, name, None, "share", note="调训模块上线后按调训名单计算", window=window)
    part, whole = source.measure(cadres, total, year.start, year.end)
    return Figure(code, source.name, round(part / whole, 4) if whole else None, "share", numerator=part,
                  denominator=whole, per=source.per, note=source.note.format(year=year.start.year), window=window)


def org_report(user, plan: Plan, as_of: date, *, org_code: str | None = None, subtree: bool = True,
               include_not_applicable: bool = False,
               known: CadreResults | None = None) -> tuple[list[Verdict], list[Figure]]:
    """An org's indicators and figures together (the API, the CLI): from the verdict store's unit counts when it
    has a current snapshot of this plan version at this date; otherwise evaluated, each cadre indicator they rest on
    (达标比例, 学时达标率) once: from ``known`` when the caller has the cadre verdicts already."""
    from ganxun.plans.store import stored_org_report

    stored = stored_org_report(user, plan, as_of, org_code=org_code, subtree=subtree,
                               include_not_applicable=include_not_applicable)
    if stored is not None:
        return stored
    return evaluate_org_report(user, plan, as_of, org_code=org_code, subtree=subtree,
                               include_not_applicable=include_not_applicable, known=known)


def evaluate_org_report(user, plan: Plan, as_of: date, *, org_code: str | None = None, subtree: bool = True,
                        include_not_applicable: bool = False,
                        known: CadreResults | None = None) -> tuple[list[Verdict], list[Figure]]:
    """``org_report`` evaluated from the ledger and the registry, never read from the store."""
    if known is None:
        root, _ = org_nodes(user, org_code)
        cadres = compliance_scope(user).filter(org__path__startswith=root.path)
        codes = sorted(set(plan.hours_indicators)
                       | {i.of_indicator for i in plan.of_subject("org") if i.measure.rests_on_indicator})
        known = CadreResults.of(plan, as_of, cadre_verdicts(plan, as_of, cadres, with_evidence=False, codes=codes,
                                                            with_figures=False), codes)
    verdicts = org_verdicts(user, plan, as_of, org_code=org_code, subtree=subtree,
                            include_not_applicable=include_not_applicable, known=known)
    return verdicts, org_figures(user, plan, as_of, org_code=org_code, known=known)
