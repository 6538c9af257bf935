"""The compliance engine: pure computation from plain data to verdicts (rules.md, "Verdicts").

No ORM, no HTTP, no user: ``fetch.py`` gathers the numbers in set-based queries, the indicator objects of
``rules.py`` turn numbers into outcomes, and this module wraps them into ``Verdict``s. Every verdict
carries what was required, what was found, the window, the gap and the evidence, so a user can see why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ganxun.plans.rules import (AT_RISK, MET, NOT_APPLICABLE, ON_TRACK, UNMET, Outcome, Share, Span, Tally,
                                add_months, add_years)

if TYPE_CHECKING:
    from ganxun.plans.spec import Indicator, Plan

VERDICT_LABELS = {MET: "达标", UNMET: "未达标", AT_RISK: "进度滞后", ON_TRACK: "进度正常", NOT_APPLICABLE: "不适用"}
ZERO = Decimal("0")

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


def span_for(plan: Plan, indicator: Indicator, as_of: date) -> Span | None:
    """The window of ``indicator`` at ``as_of``; None when it has not begun."""
    span = indicator.window.span(plan.start, plan.end, as_of)
    return span if as_of >= span.start else None


@dataclass(kw_only=True)
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

    @classmethod
    def of(cls, indicator: Indicator, span: Span, outcome: Outcome, *, subject_type: str, subject: str,
           subject_name: str = "") -> Verdict:
        return cls(subject_type=subject_type, subject=subject, indicator=indicator.code, verdict=outcome.verdict,
                   required=outcome.required, actual=outcome.actual, window=span, gap=outcome.gap,
                   evidence=list(outcome.evidence), advisory=indicator.advisory, progress=outcome.progress,
                   name=indicator.name, source=indicator.source, subject_name=subject_name)

    @classmethod
    def not_applicable(cls, indicator: Indicator, span: Span, *, subject_type: str, subject: str,
                       subject_name: str = "") -> Verdict:
        return cls(subject_type=subject_type, subject=subject, indicator=indicator.code, verdict=NOT_APPLICABLE,
                   required={}, actual={}, window=span, gap={}, name=indicator.name, source=indicator.source,
                   subject_name=subject_name)

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
