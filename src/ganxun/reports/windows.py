"""How a figure's window reads: every number on the dashboard (and on a cadre's home page) says which period
it counts, so that a five-year rate beside a one-year list does not look like a contradiction."""

from __future__ import annotations

from datetime import date


def window_label(start: date, end: date, *, as_of: date, plan=None, kind: str = "", upto: str = "评估日") -> str:
    """``2018–2022 规划期``, ``2026 年度``, ``截至评估日 5 年内`` or, for anything else, the two dates.

    ``kind``: the indicator's window kind when known (a rolling five years that happens to end on the plan's
    last day is still 截至评估日 5 年内); otherwise read from the dates. ``plan``: the plan whose period a window
    may be; ``upto``: what a rolling window ends at (评估日 on the dashboard, 今日 on a cadre's home page).
    """
    years = round(((end - start).days + 1) / 365.25)
    if kind == "rolling_years" or (not kind and end == as_of and years >= 1
                                   and not (plan is not None and (start, end) == (plan.start, plan.end))
                                   and not _calendar_year(start, end)):
        return f"截至{upto} {years} 年内"
    if plan is not None and (start, end) == (plan.start, plan.end):
        return f"{start.year}–{end.year} 规划期"
    if _calendar_year(start, end):
        return f"{start.year} 年度"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


def _calendar_year(start: date, end: date) -> bool:
    return start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)


def window_dates(start: date, end: date, *, as_of: date) -> str:
    """The window's dates, and how far it is counted when it is still open at ``as_of``."""
    text = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    if start <= as_of < end:
        text += f"，统计至 {as_of:%Y-%m-%d}"
    return text


def distinct_labels(windows, *, as_of: date, plan=None) -> list[str]:
    """The labels of several windows, each once, in the order first met (``windows``: ``(span, kind)`` pairs,
    a span having ``start`` and ``end``)."""
    seen: list[str] = []
    for span, kind in windows:
        label = window_label(span.start, span.end, as_of=as_of, plan=plan, kind=kind)
        if label not in seen:
            seen.append(label)
    return seen
