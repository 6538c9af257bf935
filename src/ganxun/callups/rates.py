"""调训率 and 参训率 from the call-ups: who was called into a class starting in a period, and who then took part.

Registered with the plans' figures (``plans.subjects.register_figure``) so that the dashboard, the org
compliance API and the reports quote 调训率 from real call-up data; the rates page breaks both down by unit.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from ganxun.callups.models import Nomination, NominationStatus
from ganxun.plans.subjects import FigureSource, register_figure

# called up: named or nominated and not refused — approved, on leave, or still waiting for the audit
CALLED = (NominationStatus.NAMED, NominationStatus.NOMINATED, NominationStatus.APPROVED, NominationStatus.ON_LEAVE)


def _called(cadres: QuerySet, start: date, end: date) -> QuerySet[Nomination]:
    return Nomination.objects.filter(cadre__in=cadres.order_by().values("pk"), status__in=CALLED,
                                     callup__training_class__start_date__gte=start,
                                     callup__training_class__start_date__lte=end)


def called_count(cadres: QuerySet, start: date, end: date) -> int:
    return _called(cadres, start, end).values("cadre_id").distinct().count()


def _attended() -> Q:
    """A call-up taken up: the trainee was in the class (enrolled, withdrawn later from it, or completed)."""
    from ganxun.classes.models import EnrolmentStatus

    return (Q(status=NominationStatus.APPROVED, enrolment__status__in=(EnrolmentStatus.ENROLLED,
                                                                        EnrolmentStatus.WITHDRAWN))
            | Q(enrolment__completed=True))


# The figures ask for 调训率 and then, of the same cadres and period, 参训率: one aggregate answers both. 调训率 keeps
# its counts for this thread, and 参训率 takes them when it asks the same question right after (the cadres'
# queryset itself is held, so an ``is`` match is the same question), and else counts afresh.
_last = threading.local()


def _counts(cadres: QuerySet, start: date, end: date) -> dict:
    return _called(cadres, start, end).aggregate(
        called=Count("cadre_id", distinct=True), places=Count("id"), attended=Count("id", filter=_attended()))


def _call_up_rate(cadres: QuerySet, total: int, start: date, end: date) -> tuple[int, int]:
    counts = _counts(cadres, start, end)
    _last.counts = (cadres, (start, end), counts)
    return counts["called"], total


def _participation_rate(cadres: QuerySet, total: int, start: date, end: date) -> tuple[int, int]:
    kept, _last.counts = getattr(_last, "counts", None), None
    counts = kept[2] if kept is not None and kept[0] is cadres and kept[1] == (start, end) else _counts(cadres, start, end)
    return counts["attended"], counts["places"]


register_figure(FigureSource("call_up_rate", "调训率", "{year} 年被调训（点名或提名且未退回）参加脱产培训的干部占比",
                             _call_up_rate))
register_figure(FigureSource("participation_rate", "参训率", "{year} 年开班的调训中，学员实际到班参训的人次占比（请假计入分母）",
                             _participation_rate, per="人次"))


@dataclass
class Rate:
    label: str
    key: str
    staff: int
    called: int        # cadres called up
    places: int        # call-ups (one cadre may be called twice)
    attended: int      # of those, in the class (enrolled, withdrawn later, or completed)
    completed: int
    on_leave: int

    @property
    def call_up_rate(self) -> float | None:
        return self.called / self.staff if self.staff else None

    @property
    def participation_rate(self) -> float | None:
        return self.attended / self.places if self.places else None


def rates(cadres: QuerySet, start: date, end: date, *, by: str = "unit") -> list[Rate]:
    """Per unit (``by="unit"``) or per 干部类别 (``by="category"``) of ``cadres``: how many there are, how many
    were called up into classes starting in the period, and how those call-ups went."""
    from ganxun.cadres.models import CadreCategory
    from ganxun.orgs.models import Org

    field = "org_id" if by == "unit" else "category"
    staff = dict(cadres.order_by().values(field).annotate(n=Count("id")).values_list(field, "n"))
    rows = (_called(cadres, start, end).order_by().values(f"cadre__{field}").annotate(
        called=Count("cadre_id", distinct=True), places=Count("id"),
        attended=Count("id", filter=_attended()),
        completed=Count("id", filter=Q(enrolment__completed=True)),
        on_leave=Count("id", filter=Q(status=NominationStatus.ON_LEAVE))))
    found = {r[f"cadre__{field}"]: r for r in rows}
    if by == "unit":
        units = {o.pk: o for o in Org.objects.filter(pk__in=list(staff))}
        labels = {pk: (o.name, o.code, o.path) for pk, o in units.items()}
    else:
        order = {v: i for i, v in enumerate(CadreCategory.values)}
        labels = {v: (CadreCategory(v).label if v in order else v, v, f"{order.get(v, 99):02d}") for v in staff}
    out = []
    for key, n in staff.items():
        r = found.get(key, {})
        label, code, _ = labels[key]
        out.append(Rate(label, code, n, r.get("called", 0), r.get("places", 0), r.get("attended", 0),
                        r.get("completed", 0), r.get("on_leave", 0)))
    out.sort(key=lambda rate: next(v[2] for k, v in labels.items() if v[1] == rate.key))
    return out


def total_of(rows: list[Rate]) -> Rate:
    """The 合计 line of ``rows``: their counts summed, the rates computed from the sums."""
    fields = ("staff", "called", "places", "attended", "completed", "on_leave")
    return Rate("合计", "", *(sum(getattr(r, f) for r in rows) for f in fields))


def unit_rates(cadres: QuerySet, start: date, end: date) -> list[Rate]:
    return rates(cadres, start, end, by="unit")
