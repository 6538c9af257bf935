"""The compliance engine: pure computation from plain data to verdicts (rules.md, "Verdicts").

No ORM, no HTTP, no user: ``fetch.py`` gathers the numbers in set-based queries, this module turns
numbers into verdicts. Every verdict carries what was required, what was found, the window, the gap
and the evidence, so a user can see why.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ganxun.plans.spec import Indicator, Plan

MET, UNMET, AT_RISK, ON_TRACK, NOT_APPLICABLE = "met", "unmet", "at_risk", "on_track", "not_applicable"
VERDICT_LABELS = {MET: "达标", UNMET: "未达标", AT_RISK: "进度滞后", ON_TRACK: "进度正常", NOT_APPLICABLE: "不适用"}
ZERO = Decimal("0")


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Span:
    """An indicator's window for one evaluation date."""

    start: date
    end: date
    as_of: date

    @property
    def closed(self) -> bool:
        return self.as_of >= self.end

    @property
    def upto(self) -> date:
        """The last day that counts: records count on their end date, up to ``as_of``."""
        return min(self.end, self.as_of)

    @property
    def elapsed_share(self) -> float:
        return ((self.upto - self.start).days + 1) / ((self.end - self.start).days + 1)

    def as_list(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]


def last_hire_judged(span: Span, cutoff: str) -> date:
    """入职前的年度: the last 录用时间 (hired_on) at which a cadre is still judged in ``span``.

    A cadre hired later is 不适用 for the window (a cadre without a hiring date is always judged):
    ``mid_window`` — hired before the second half of the window begins: the window's months are
    counted and half of them added to its start (a calendar year: hired by 30 June; 5 years from
    2018-01-01: by 30 June 2020); ``window_start`` — hired by the window's first day (employed for all
    of it); ``window_end`` — hired by its last day. Never later than ``as_of``: nobody is judged
    before being hired. The requirement itself is not scaled.
    """
    if cutoff == "window_start":
        last = span.start
    elif cutoff == "window_end":
        last = span.end
    elif cutoff == "mid_window":
        after = span.end + timedelta(days=1)
        months = (after.year - span.start.year) * 12 + after.month - span.start.month
        last = add_months(span.start, months // 2) - timedelta(days=1)
    else:  # validated away in spec.py
        raise ValueError(cutoff)
    return min(last, span.as_of)


def span_for(plan: Plan, indicator: Indicator, as_of: date) -> Span | None:
    """The window of ``indicator`` at ``as_of``; None when it has not begun."""
    w = indicator.window
    if w.kind == "plan_period":
        span = Span(plan.start, plan.end, as_of)
    elif w.kind == "calendar_year":
        span = Span(date(as_of.year, 1, 1), date(as_of.year, 12, 31), as_of)
    elif w.kind == "rolling_years":
        span = Span(add_years(as_of, -w.years) + timedelta(days=1), as_of, as_of)
    else:  # validated away in spec.py
        raise ValueError(w.kind)
    return span if as_of >= span.start else None


@dataclass
class Tally:
    """What counted for one subject inside one window."""

    hours: Decimal = ZERO
    days: int = 0
    count: int = 0
    dates: tuple[date, ...] = ()
    evidence: tuple[str, ...] = ()
    since: date | None = None   # 录用时间 when inside the window: a gap rule's first stretch starts there


@dataclass
class Verdict:
    subject_type: str
    subject: str
    indicator: str
    verdict: str
    required: dict
    actual: dict
    window: Span
    gap: dict
    evidence: list[str] = field(default_factory=list)
    advisory: bool = False
    progress: float = 0.0
    name: str = ""
    source: str = ""
    subject_name: str = ""

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def as_dict(self) -> dict:
        """The JSON shape of interfaces.md ("Compliance output")."""
        data = {
            "subject_type": self.subject_type, "subject": self.subject, "indicator": self.indicator,
            "verdict": self.verdict, "required": _plain(self.required), "actual": _plain(self.actual),
            "window": self.window.as_list(), "gap": _plain(self.gap), "evidence": list(self.evidence),
        }
        if self.advisory:
            data["advisory"] = True
        return data


def _plain(values: dict) -> dict:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def _pace(progress: float, span: Span, reached: bool) -> str:
    if reached:
        return MET
    if span.closed:
        return UNMET
    return AT_RISK if progress < span.elapsed_share else ON_TRACK


def evaluate_total(ind: Indicator, span: Span, tally: Tally) -> tuple[str, dict, dict, dict, float]:
    m = ind.measure
    required, actual, gap, ratios = {}, {}, {}, []
    if m.days:
        required["days"] = m.days
        actual["days"] = tally.days
        gap["days"] = max(0, m.days - tally.days)
        ratios.append(tally.days / m.days)
    if m.hours:
        required["hours"] = Decimal(str(m.hours))
        actual["hours"] = tally.hours
        gap["hours"] = max(ZERO, required["hours"] - tally.hours)
        ratios.append(float(tally.hours) / float(m.hours))
    progress = max(ratios) if (m.either or len(ratios) == 1) else min(ratios)
    reached = progress >= 1
    if reached:
        gap = {k: 0 if k == "days" else ZERO for k in gap}
    return _pace(progress, span, reached), required, actual, gap, progress


def evaluate_count(ind: Indicator, span: Span, tally: Tally):
    need = ind.measure.count
    progress = tally.count / need
    return (_pace(progress, span, tally.count >= need), {"count": need}, {"count": tally.count},
            {"count": max(0, need - tally.count)}, progress)


def evaluate_gap(ind: Indicator, span: Span, tally: Tally):
    """At least one record in every N years: the longest stretch without one, inside the window."""
    years = ind.measure.years
    records = sorted(d for d in tally.dates if span.start <= d <= span.upto)
    # Nobody can be behind before being hired: a cadre hired inside the window is measured from then.
    begin = max(span.start, tally.since) if tally.since else span.start
    points = [begin, *(d for d in records if d >= begin), span.upto]
    violated = any(b > add_years(a, years) for a, b in zip(points, points[1:]))
    longest = max((b - a).days for a, b in zip(points, points[1:]))
    actual = {"count": len(records), "years": round(longest / 365.25, 1)}
    gap = {"years": round(max(0.0, longest / 365.25 - years), 1)}
    required = {"years": years}
    if violated:
        return UNMET, required, actual, gap, 0.0
    if span.closed:
        return MET, required, actual, {"years": 0.0}, 1.0
    # Open window, nothing missed yet: behind pace when the next record is due within a year.
    due = add_years(points[-2], years)
    verdict = AT_RISK if (due - span.upto).days < 365 else ON_TRACK
    return verdict, required, actual, gap, 1.0 - (span.upto - points[-2]).days / (due - points[-2]).days


def evaluate_cadre(plan: Plan, ind: Indicator, span: Span, tally: Tally, *, subject: str,
                   subject_name: str = "") -> Verdict:
    kind = ind.measure.kind
    fn = {"total": evaluate_total, "count": evaluate_count, "gap": evaluate_gap}[kind]
    verdict, required, actual, gap, progress = fn(ind, span, tally)
    return Verdict(subject_type="cadre", subject=subject, indicator=ind.code, verdict=verdict, required=required,
                   actual=actual, window=span, gap=gap, evidence=list(tally.evidence), advisory=ind.advisory,
                   progress=progress, name=ind.name, source=ind.source, subject_name=subject_name)


def evaluate_share(ind: Indicator, span: Span, *, part: int, whole: int, subject: str, subject_type: str = "org",
                   subject_name: str = "") -> Verdict:
    """A share of a population (trained, or meeting a cadre indicator) against its target."""
    target = float(ind.measure.share)
    share = part / whole if whole else 0.0
    progress = share / target if target else 1.0
    if whole == 0:
        verdict = NOT_APPLICABLE
    elif ind.measure.kind == "share_met":
        # Each member's own verdict already carries the pace; the share is final for a closed window.
        verdict = MET if share >= target else (UNMET if span.closed else (AT_RISK if progress < span.elapsed_share
                                                                             else ON_TRACK))
    else:
        verdict = _pace(progress, span, share >= target)
    return Verdict(subject_type=subject_type, subject=subject, indicator=ind.code, verdict=verdict,
                   required={"share": target}, actual={"share": round(share, 4), "count": part, "of": whole},
                   window=span, gap={"share": round(max(0.0, target - share), 4)}, progress=progress,
                   name=ind.name, source=ind.source, subject_name=subject_name)
