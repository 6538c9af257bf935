"""智能调训: a proposed list of named trainees for a set of open call-ups, the people who most need them.

``build_case`` reads the call-ups, their classes and quotas, and the cadres under the quota units into the
solver's plain case (``callups.solver``): each cadre's needs from the rules engine and the ledger
(五年轮训 unmet, hours at risk this year, 初任 or 任职培训 due, long untrained, a young talent due, a make-up
owed), the days they are already away, and each unit's share that may be away at once. The solver keeps every
hard rule (audience, no overlaps, unit caps, quotas, leave) and maximises the needs met; the officer edits the
proposal and confirms it (``services.suggestion_confirm``), which names the chosen cadres in the call-ups.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ganxun.callups.conflicts import _in_window, _seats, unit_allowance
from ganxun.callups.models import ACTIVE_STATUSES, CallUp, CallUpMode, CallUpStatus, Makeup
from ganxun.cadres.models import Cadre
from ganxun.classes.models import Enrolment, TrainingClass

# how much each need weighs: 补训 owed and 五年轮训 first, then what is due now
WEIGHTS = {"makeup_owed": 45, "makeup_5y": 40, "initial_due": 35, "promotion_due": 35, "hours_at_risk": 20,
           "long_untrained": 25, "young_due": 15}
# the class kinds that meet a need best (a bonus when the cadre is put in a class of that kind)
KIND_BONUS = {"initial_due": ("initial", 30), "promotion_due": ("promotion", 30)}
EXTRA_LABELS = {"makeup_owed": "请假后待补训"}

# a class's 培训对象 (free text) read into the tags a candidate must have one of
AUDIENCE_WORDS = (("县处级", "tier:county"), ("处级", "tier:county"), ("厅级", "tier:prefecture"),
                  ("乡科级", "tier:section"), ("科级", "tier:section"), ("年轻干部", "young"), ("中青年", "young"),
                  ("班子成员", "team"), ("支部书记", "branch_secretary"), ("公务员", "civil_servant"))


def audience_tags(text: str) -> frozenset[str] | None:
    tags = {tag for word, tag in AUDIENCE_WORDS if word in (text or "")}
    return frozenset(tags) or None


def cadre_tags(cadre: Cadre) -> frozenset[str]:
    tags = {f"tier:{cadre.tier}"}
    if cadre.is_young_talent:
        tags.add("young")
    if cadre.is_team_member:
        tags.add("team")
    if cadre.is_branch_secretary:
        tags.add("branch_secretary")
    if cadre.category == "civil_servant":
        tags.add("civil_servant")
    return frozenset(tags)


def open_callups(user, today: date):
    """The call-ups the user issued that still take nominations by quota."""
    from ganxun.callups.selectors import issued_by_scope

    return (issued_by_scope(user).filter(status=CallUpStatus.ISSUED, mode=CallUpMode.QUOTA, deadline__gte=today)
            .order_by("training_class__start_date", "code"))


def needs_of(cadres: list[Cadre], as_of: date) -> dict[int, dict[str, int]]:
    """Each cadre's needs (code → weight), from the current plan's verdicts and the ledger."""
    from ganxun.plans.catalog import current_plan
    from ganxun.plans.compliance import cadre_verdicts
    from ganxun.plans.fetch import window_tallies
    from ganxun.plans.rules import Span
    from ganxun.plans.spec import Counts

    needs: dict[int, dict[str, int]] = defaultdict(dict)
    if not cadres:
        return needs
    ids = [c.pk for c in cadres]
    by_code = {c.person_code: c.pk for c in cadres}
    qs = Cadre.objects.filter(pk__in=ids)
    plan = current_plan(as_of, cadres[0].org)
    if plan is not None:
        rotation = plan.rotation_indicator
        hours = set(plan.hours_indicators)
        for v in cadre_verdicts(plan, as_of, qs, with_evidence=False):
            if v.verdict not in ("unmet", "at_risk") or v.subject not in by_code:
                continue
            if v.indicator == rotation:
                needs[by_code[v.subject]]["makeup_5y"] = WEIGHTS["makeup_5y"]
            elif v.indicator in hours:
                needs[by_code[v.subject]]["hours_at_risk"] = WEIGHTS["hours_at_risk"]
    start = date(as_of.year - 5, as_of.month, min(as_of.day, 28))
    trained = window_tallies(qs, Counts(sources=("full_time",)), Span(start, as_of, as_of))
    for c in cadres:
        if not (trained.get(c.pk) and trained[c.pk].count) and (c.hired_on is None or c.hired_on <= start):
            needs[c.pk]["long_untrained"] = WEIGHTS["long_untrained"]
        if c.hired_on and as_of - c.hired_on <= timedelta(days=365):
            needs[c.pk]["initial_due"] = WEIGHTS["initial_due"]
        if c.is_leader and c.rank_since and as_of - c.rank_since <= timedelta(days=365):
            needs[c.pk]["promotion_due"] = WEIGHTS["promotion_due"]
        young_start = date(as_of.year - 4, as_of.month, min(as_of.day, 28))
        if c.is_young_talent and not Enrolment.objects.filter(
                cadre=c, completed=True, training_class__start_date__gte=young_start).exists():
            needs[c.pk]["young_due"] = WEIGHTS["young_due"]
    from ganxun.callups.selectors import makeups_with_state

    owed = makeups_with_state(Makeup.objects.filter(cadre_id__in=ids)).filter(met=False, scheduled=False)
    for cadre_id in owed.values_list("cadre_id", flat=True):
        needs[cadre_id]["makeup_owed"] = WEIGHTS["makeup_owed"]
    return needs


def build_case(user, callups: list[CallUp], as_of: date):
    """The solver's case for these call-ups, and what it needs to show and confirm the answer."""
    from ganxun.callups import solver
    from ganxun.callups.models import CallUpQuota, Nomination
    from ganxun.cadres.selectors import cadres_visible_to
    from django.db.models import Q

    from ganxun.orgs.models import Org

    solver.NEED_LABELS.update(EXTRA_LABELS)
    classes = {c.training_class_id: c.training_class for c in callups}
    quotas = list(CallUpQuota.objects.filter(callup__in=callups).select_related("unit", "callup"))
    held = defaultdict(int)
    for quota_id in Nomination.objects.filter(quota__in=quotas, status__in=ACTIVE_STATUSES).values_list(
            "quota_id", flat=True):
        held[quota_id] += 1
    units = list({q.unit.pk: q.unit for q in quotas}.values())
    offers = []
    for callup in callups:
        tc = callup.training_class
        mine = [q for q in quotas if q.callup_id == callup.pk]
        room = {q.unit.code: max(q.places - held[q.pk], 0) for q in mine}
        offers.append(solver.ClassOffer(code=callup.code, start=tc.start_date, end=tc.end_date,
                                        quota=sum(room.values()), unit_quotas=room,
                                        audience=audience_tags(tc.audience), kind=tc.kind, full_time=tc.full_time))
    under = None
    for unit in units:
        q = cadres_visible_to(user).filter(org__path__startswith=unit.path)
        under = q if under is None else under | q
    cadres = list(under.select_related("org").distinct()) if under is not None else []
    already = set(Nomination.objects.filter(callup__in=callups, status__in=ACTIVE_STATUSES)
                  .values_list("cadre_id", flat=True))
    cadres = [c for c in cadres if c.pk not in already]
    needs = needs_of(cadres, as_of)
    lo = min(tc.start_date for tc in classes.values())
    hi = max(tc.end_date for tc in classes.values())
    window = TrainingClass.objects.filter(_in_window(lo, hi))
    spans = {c.pk: (c.start_date, c.end_date) for c in window}
    full_time = {c.pk for c in window if c.full_time}
    under_units = Q()
    for unit in units:
        under_units |= Q(org__path__startswith=unit.path)
    everyone = Cadre.objects.filter(under_units)

    def quota_unit_of(path: str):
        best = None
        for u in units:
            if path.startswith(u.path) and (best is None or len(u.path) > len(best.path)):
                best = u
        return best

    paths = dict(Org.objects.filter(pk__in=everyone.values("org_id")).values_list("pk", "path"))
    staff: dict[str, int] = defaultdict(int)
    for org_id in everyone.values_list("org_id", flat=True):
        staff[quota_unit_of(paths[org_id]).code] += 1
    busy: dict[int, list] = defaultdict(list)
    away: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for s in _seats(everyone, window):
        start, end = spans[s.class_id]
        busy[s.cadre_id].append((start, end))
        if s.class_id not in full_time:
            continue
        unit = quota_unit_of(paths[s.unit_id]).code
        day = max(start, lo)
        while day <= min(end, hi):
            away[unit][day] += 1
            day += timedelta(days=1)
    unit_of = {c.pk: quota_unit_of(c.org.path).code for c in cadres}
    candidates = []
    for c in cadres:
        mine = needs.get(c.pk) or {}
        bonus = {}
        for need, (kind, points) in KIND_BONUS.items():
            if need in mine:
                bonus[kind] = points
        if not mine and not bonus:
            continue
        candidates.append(solver.Candidate(id=c.pk, unit=unit_of[c.pk], tags=cadre_tags(c), needs=dict(mine),
                                           busy=tuple(busy.get(c.pk, ())), kind_bonus=bonus))
    caps = {unit.code: solver.UnitCap(unit=unit.code, staff=staff.get(unit.code, 0),
                                      max_away=unit_allowance(staff.get(unit.code, 0) or 1),
                                      already_away=dict(away.get(unit.code, {}))) for unit in units}
    people = {c.pk: c for c in cadres}
    return solver.Case(classes=offers, candidates=candidates, unit_caps=caps), people
