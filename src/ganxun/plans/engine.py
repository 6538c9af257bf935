"""The compliance engine: pure computation from plain data to verdicts (rules.md, "Verdicts").

No ORM, no HTTP, no user: ``fetch.py`` gathers the numbers in set-based queries, the indicator objects of
``rules.py`` turn numbers into ``Verdict``s; this module places windows and applies the plan's hiring rule. Every verdict
carries what was required, what was found, the window, the gap and the evidence, so a user can see why.
"""

from __future__ import annotations

from datetime import date, timedelta

from ganxun.plans.rules import (AT_RISK, MET, NOT_APPLICABLE, ON_TRACK, UNMET, VERDICT_LABELS, Share, Span, Tally,
                                Verdict, add_months, add_years)

__all__ = ["MET", "UNMET", "AT_RISK", "ON_TRACK", "NOT_APPLICABLE", "VERDICT_LABELS", "Span", "Tally", "Share",
           "Verdict", "add_years", "add_months", "span_for", "last_hire_judged"]


def last_hire_judged(span: Span, cutoff: str) -> date:
    """入职前的年度: the last 录用时间 (hired_on) at which a cadre is still judged in ``span``.

    A cadre hired later is 不适用 for the window (a cadre without a hiring date is always judged):
    ``mid_window`` — hired before the second half of the window begins: the window's months are
    counted and half of them added to its start (a calendar year: hired by 30 June; 5 years from
    2018-01-01: by 30 June 2020); ``window_start`` — hired by the window's first day (employed for all
    of it); ``window_end`` — hired by its last day. Never later than ``as_of``: nobody is judged
    before being hired. The requirement itself is not scaled.
    """
    cutoffs = {
        "window_start": lambda: span.start,
        "window_end": lambda: span.end,
        "mid_window": lambda: add_months(span.start, _months(span) // 2) - timedelta(days=1),
    }
    return min(cutoffs[cutoff](), span.as_of)  # the plan file's value is checked when it is read


def _months(span: Span) -> int:
    after = span.end + timedelta(days=1)
    return (after.year - span.start.year) * 12 + after.month - span.start.month


def span_for(plan, indicator, as_of: date) -> Span | None:
    """The window of ``indicator`` at ``as_of``; None when it has not begun."""
    span = indicator.window.span(plan.start, plan.end, as_of)
    return span if as_of >= span.start else None
