"""The call-up faults the plans forbid, found among enrolments and nominations:

- ``multi_organiser`` 多头调训 — one cadre in full-time classes of different organisers on overlapping days;
- ``repeat`` 重复调训 — one cadre in two runs of one programme (or two 主体班 of one content) within
  ``CALLUP_REPEAT_DAYS``;
- ``long_untrained`` 长期不训 — a cadre with no full-time training counted by the rules engine for
  ``CALLUP_LONG_UNTRAINED_YEARS`` years and none coming in the window;
- ``unit_absence`` — a unit with more than ``CALLUP_UNIT_SHARE`` (default 20%, seed 003: "年度部门干部参加培训
  人数控制在总人数的20%左右") of its cadres away in full-time classes on one day, or more than
  ``CALLUP_UNIT_DAY_CAP`` of them. A unit may always spare one person (a unit of three is not at fault for
  sending one).

``find_conflicts`` answers the report and ``ganxun conflicts``; ``warnings_for`` answers the nomination form,
before the nomination is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from ganxun.callups.models import ACTIVE_STATUSES, Nomination
from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import cadres_visible_to
from ganxun.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from ganxun.orgs.selectors import access_org

KINDS = {"multi_organiser": "多头调训", "repeat": "重复调训", "long_untrained": "长期不训", "unit_absence": "单位在训人数超限"}


def repeat_days() -> int:
    return int(getattr(settings, "CALLUP_REPEAT_DAYS", 365))


def long_untrained_years() -> int:
    return int(getattr(settings, "CALLUP_LONG_UNTRAINED_YEARS", 5))


def unit_share() -> Decimal:
    return Decimal(str(getattr(settings, "CALLUP_UNIT_SHARE", "0.2")))


def unit_day_cap() -> int | None:
    cap = getattr(settings, "CALLUP_UNIT_DAY_CAP", None)
    return int(cap) if cap else None


def unit_allowance(staff: int) -> int:
    """How many of a unit's ``staff`` may be away on one day: the share (at least one person), within the cap."""
    allowed = max(1, int((unit_share() * staff).to_integral_value(ROUND_HALF_UP)))
    cap = unit_day_cap()
    return min(allowed, cap) if cap else allowed


@dataclass(frozen=True)
class Seat:
    """One cadre's place in one class: an enrolment, or a nomination not yet enrolled."""

    cadre_id: int
    unit_id: int
    class_id: int
    via: str  # "enrolment" | "nomination"


@dataclass
class Conflict:
    kind: str
    subject: str            # 人员编码 or 单位编码
    subject_name: str
    classes: list[str]
    detail: str
    start: date | None = None
    end: date | None = None
    share: Decimal | None = None
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    def as_json(self) -> dict:
        out = {"kind": self.kind, "subject": self.subject, "subject_name": self.subject_name, "classes": self.classes,
               "detail": self.detail}
        if self.start:
            out["from"], out["to"] = self.start.isoformat(), self.end.isoformat()
        if self.share is not None:
            out["share"] = float(self.share)
        out.update(self.extra)
        return out


def _overlap(a: TrainingClass, b: TrainingClass) -> bool:
    return a.start_date <= b.end_date and b.start_date <= a.end_date


def _seats(cadres: QuerySet[Cadre], classes: QuerySet[TrainingClass]) -> list[Seat]:
    """The places held in ``classes`` by ``cadres``: enrolled or waiting, completed, or nominated and not refused."""
    seats = {}
    enrolled = (Enrolment.objects.filter(cadre__in=cadres.order_by().values("pk"), training_class__in=classes)
                .filter(Q(status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)) | Q(completed=True))
                .values_list("cadre_id", "cadre__org_id", "training_class_id"))
    for cadre_id, unit_id, class_id in enrolled:
        seats[cadre_id, class_id] = Seat(cadre_id, unit_id, class_id, "enrolment")
    nominated = (Nomination.objects.filter(cadre__in=cadres.order_by().values("pk"), status__in=ACTIVE_STATUSES,
                                           callup__training_class__in=classes)
                 .values_list("cadre_id", "cadre__org_id", "callup__training_class_id"))
    for cadre_id, unit_id, class_id in nominated:
        seats.setdefault((cadre_id, class_id), Seat(cadre_id, unit_id, class_id, "nomination"))
    return list(seats.values())


def _in_window(frm: date, to: date) -> Q:
    return Q(start_date__lte=to, end_date__gte=frm)


def population(user, org_code: str | None = None) -> QuerySet[Cadre]:
    cadres = cadres_visible_to(user)
    if org_code:
        org = access_org(user, org_code)
        cadres = cadres.filter(org__path__startswith=org.path)
    return cadres


def find_conflicts(user, frm: date, to: date, *, org_code: str | None = None,
                   kinds: set[str] | None = None) -> list[Conflict]:
    """Every conflict among the cadres ``user`` may see (under ``org_code``) whose classes touch ``frm``–``to``."""
    kinds = kinds or set(KINDS)
    cadres = population(user, org_code)
    found: list[Conflict] = []
    window_classes = TrainingClass.objects.filter(_in_window(frm, to))
    seats = _seats(cadres, window_classes)
    wide = TrainingClass.objects.filter(_in_window(frm - timedelta(days=repeat_days()), to + timedelta(days=repeat_days())))
    people = {c.pk: c for c in Cadre.objects.filter(pk__in={s.cadre_id for s in seats}).select_related("org")}
    if "multi_organiser" in kinds or "repeat" in kinds:
        around = _seats(Cadre.objects.filter(pk__in=list(people)), wide) if "repeat" in kinds else seats
        classes = {c.pk: c for c in TrainingClass.objects.filter(pk__in={s.class_id for s in around})
                   .select_related("organiser")}
        by_cadre: dict[int, list[TrainingClass]] = defaultdict(list)
        for s in around:
            by_cadre[s.cadre_id].append(classes[s.class_id])
        in_window = {s.class_id for s in seats}
        for cadre_id, held in by_cadre.items():
            held.sort(key=lambda c: (c.start_date, c.code))
            cadre = people[cadre_id]
            if "multi_organiser" in kinds:
                found += _multi_organiser(cadre, [c for c in held if c.full_time], in_window)
            if "repeat" in kinds:
                found += _repeats(cadre, held, in_window)
    if "unit_absence" in kinds:
        found += _unit_absence(cadres, seats, frm, to)
    if "long_untrained" in kinds:
        found += _long_untrained(cadres, to, busy={s.cadre_id for s in seats})
    order = list(KINDS)
    found.sort(key=lambda c: (order.index(c.kind), c.subject, c.classes))
    return found


def _multi_organiser(cadre: Cadre, held: list[TrainingClass], in_window: set[int]) -> list[Conflict]:
    out = []
    for i, a in enumerate(held):
        for b in held[i + 1:]:
            if b.start_date > a.end_date:
                break
            if a.organiser_id != b.organiser_id and _overlap(a, b) and (a.pk in in_window or b.pk in in_window):
                start, end = max(a.start_date, b.start_date), min(a.end_date, b.end_date)
                out.append(Conflict(
                    "multi_organiser", cadre.person_code, cadre.name, [a.code, b.code],
                    f"{cadre.name}（{cadre.org.name}）同时被{a.organiser.name}调入「{a.name}」、被{b.organiser.name}调入"
                    f"「{b.name}」，{start:%Y-%m-%d} 至 {end:%Y-%m-%d} 时间重叠", start, end))
    return out


_EDITION = re.compile(r"(\d{4}年(度)?|第[0-9一二三四五六七八九十]+期|[（(][^）)]*[）)]|[春秋]季(学期)?|上半年|下半年)")


def topic_of(name: str) -> str:
    """A class's programme without its year, edition and bracketed notes: "2026年第3期县处级领导干部进修班（春季）"
    and "2025年第1期县处级领导干部进修班" are one programme."""
    return _EDITION.sub("", name).strip(" ·-—")


def same_training(a: TrainingClass, b: TrainingClass) -> bool:
    """Two runs of one programme, or two 主体班 of the same content: training the cadre has already had."""
    if topic_of(a.name) == topic_of(b.name):
        return True
    return a.kind == b.kind == "core" and a.content_category == b.content_category


def _repeats(cadre: Cadre, held: list[TrainingClass], in_window: set[int]) -> list[Conflict]:
    out = []
    days = repeat_days()
    for i, a in enumerate(held):
        for b in held[i + 1:]:
            gap = (b.start_date - a.start_date).days
            if gap > days:
                break
            if a.pk != b.pk and same_training(a, b) and (a.pk in in_window or b.pk in in_window):
                out.append(Conflict(
                    "repeat", cadre.person_code, cadre.name, [a.code, b.code],
                    f"{cadre.name}（{cadre.org.name}）在 {gap} 天内两次参加同类培训：「{a.name}」（{a.start_date:%Y-%m-%d}）、"
                    f"「{b.name}」（{b.start_date:%Y-%m-%d}），"
                    + (f"同为「{topic_of(a.name)}」" if topic_of(a.name) == topic_of(b.name) else
                       f"均为{a.get_kind_display()}" + (f"·{a.get_content_category_display()}" if a.content_category
                                                       else "")),
                    a.start_date, b.end_date, extra={"days_between": gap}))
    return out


def _unit_absence(cadres: QuerySet[Cadre], seats: list[Seat], frm: date, to: date) -> list[Conflict]:
    full_time = {c.pk: c for c in TrainingClass.objects.filter(pk__in={s.class_id for s in seats}, full_time=True)}
    by_unit: dict[int, list[Seat]] = defaultdict(list)
    for s in seats:
        if s.class_id in full_time:
            by_unit[s.unit_id].append(s)
    if not by_unit:
        return []
    staff = dict(cadres.filter(org_id__in=list(by_unit)).values("org_id").annotate(n=Count("id"))
                 .values_list("org_id", "n").order_by())
    from ganxun.orgs.models import Org

    units = {o.pk: o for o in Org.objects.filter(pk__in=list(by_unit))}
    out = []
    for unit_id, unit_seats in by_unit.items():
        n_staff = staff.get(unit_id, 0)
        if not n_staff:
            continue
        allowed = unit_allowance(n_staff)
        worst = _worst_day(unit_seats, full_time, frm, to, allowed)
        if worst is None or worst[1] <= allowed:
            continue
        day, away, classes, over_days = worst
        share = (Decimal(away) / n_staff).quantize(Decimal("0.001"))
        unit = units[unit_id]
        out.append(Conflict(
            "unit_absence", unit.code, unit.name, sorted(classes),
            f"{unit.name}共 {n_staff} 名干部，{day:%Y-%m-%d} 有 {away} 人同时脱产参训（{share:.0%}），"
            f"超过可同时参训的 {allowed} 人；超限 {over_days} 天",
            day, day, share, extra={"away": away, "staff": n_staff, "allowed": allowed, "days_over": over_days}))
    return out


def _worst_day(seats: list[Seat], classes: dict[int, TrainingClass], frm: date, to: date, allowed: int):
    """The day in ``frm``–``to`` with the most of these seats away: the day, how many, which classes; and on how
    many days the count went over ``allowed``."""
    spans: dict[int, list[list[date]]] = defaultdict(list)
    for s in seats:
        c = classes[s.class_id]
        spans[s.cadre_id].append([max(c.start_date, frm), min(c.end_date, to)])
    events: dict[date, int] = defaultdict(int)
    for own in spans.values():   # one person in two overlapping classes is one person away
        own.sort()
        merged = [own[0]]
        for lo, hi in own[1:]:
            if lo <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        for lo, hi in merged:
            events[lo] += 1
            events[hi + timedelta(days=1)] -= 1
    days = sorted(events)
    best, away, over = None, 0, 0
    for i, day in enumerate(days):
        away += events[day]
        if away > allowed and i + 1 < len(days):
            over += (days[i + 1] - day).days
        if away and (best is None or away > best[1]):
            best = (day, away)
    if best is None:
        return None
    day, top = best
    on_day = {classes[s.class_id].code for s in seats
              if classes[s.class_id].start_date <= day <= classes[s.class_id].end_date}
    return day, top, on_day, over


def _long_untrained(cadres: QuerySet[Cadre], to: date, *, busy: set[int]) -> list[Conflict]:
    from ganxun.plans.fetch import window_tallies
    from ganxun.plans.rules import Span
    from ganxun.plans.spec import Counts

    years = long_untrained_years()
    start = date(to.year - years, to.month, min(to.day, 28))
    judged = cadres.filter(Q(hired_on__isnull=True) | Q(hired_on__lte=start)).exclude(pk__in=list(busy))
    tallies = window_tallies(judged, Counts(sources=("full_time",)), Span(start, to, to), need_dates=True)
    out = []
    for cadre in judged.select_related("org"):
        t = tallies.get(cadre.pk)
        if t is not None and t.count:
            continue
        out.append(Conflict(
            "long_untrained", cadre.person_code, cadre.name, [],
            f"{cadre.name}（{cadre.org.name}，{cadre.get_rank_display()}）{start:%Y-%m-%d} 以来 {years} 年没有脱产培训记录，"
            f"也未被调训", start, to, extra={"years": years}))
    return out


def warnings_for(cadre: Cadre, tc: TrainingClass) -> list[dict]:
    """What putting ``cadre`` into ``tc`` would break, before it is written: the conflicts of the report that
    this one more place would cause (多头调训, 重复调训, the unit's share away), as ``{"kind", "detail"}``."""
    days = repeat_days()
    wide = TrainingClass.objects.filter(_in_window(tc.start_date - timedelta(days=days),
                                                   tc.end_date + timedelta(days=days))).exclude(pk=tc.pk)
    own = Cadre.objects.filter(pk=cadre.pk)
    held_ids = {s.class_id for s in _seats(own, wide)}
    held = sorted([*TrainingClass.objects.filter(pk__in=held_ids).select_related("organiser"), tc],
                  key=lambda c: (c.start_date, c.code))
    found = []
    if tc.full_time:
        found += _multi_organiser(cadre, [c for c in held if c.full_time], {tc.pk})
    found += _repeats(cadre, held, {tc.pk})
    if tc.full_time:
        unit_cadres = Cadre.objects.filter(org_id=cadre.org_id)
        overlapping = TrainingClass.objects.filter(_in_window(tc.start_date, tc.end_date), full_time=True)
        seats = [s for s in _seats(unit_cadres, overlapping) if s.cadre_id != cadre.pk]
        seats.append(Seat(cadre.pk, cadre.org_id, tc.pk, "nomination"))
        found += _unit_absence(unit_cadres, seats, tc.start_date, tc.end_date)
    return [{"kind": c.kind, "label": c.label, "detail": c.detail, "classes": c.classes} for c in found]
