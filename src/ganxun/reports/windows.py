"""How a figure's window reads: every number on the dashboard (and on a cadre's home page) says which period
it counts, so that a five-year rate beside a one-year list does not look like a contradiction."""

from __future__ import annotations

from datetime import date


def window_label(start: date, end: date, *, as_of: date, plan=None, upto: str = "评估日") -> str:
    """``2018–2022 规划期``, ``2026 年度``, ``截至评估日 5 年内`` or, for anything else, the two dates.

    ``plan``: the plan whose period a window may be; ``upto``: what a rolling window ends at (评估日 on
    the dashboard, 今日 on a cadre's home page).
    """
    if plan is not None and (start, end) == (plan.start, plan.end):
        return f"{start.year}–{end.year} 规划期"
    if start.year == end.year and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year} 年度"
    if end == as_of:
        years = round(((end - start).days + 1) / 365.25)
        if years >= 1:
            return f"截至{upto} {years} 年内"
    return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"


def window_dates(start: date, end: date, *, as_of: date) -> str:
    """The window's dates, and how far it is counted when it is still open at ``as_of``."""
    text = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    if start <= as_of < end:
        text += f"，统计至 {as_of:%Y-%m-%d}"
    return text


def distinct_labels(spans, *, as_of: date, plan=None) -> list[str]:
    """The labels of several windows, each once, in the order first met (``spans``: objects with start/end)."""
    seen: list[str] = []
    for span in spans:
        label = window_label(span.start, span.end, as_of=as_of, plan=plan)
        if label not in seen:
            seen.append(label)
    return seen
