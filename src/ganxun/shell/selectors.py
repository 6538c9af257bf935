"""What the 工作台 (home page) shows each role: the cadre their own progress and what is due, a training
institution its record and its trainees' hours, administrators their scope's counters and the reviews
waiting for them.

Everything is read through the scoped selectors of the apps below, and nothing here evaluates more than
one person: an administrator's home is a handful of counts (a city is 10,000 cadres, a province a
million), never a compliance evaluation; the dashboard does that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Min, Q

from ganxun.cadres.selectors import cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.core.roles import can_write_registry
from ganxun.orgs.selectors import orgs_visible_to, scope_of
from ganxun.plans.engine import AT_RISK, MET, ON_TRACK, UNMET, VERDICT_LABELS, Verdict
from ganxun.plans.output import amount
from ganxun.plans.spec import Indicator, Plan
from ganxun.records.selectors import pending_self_study_visible_to
from ganxun.reports.windows import window_dates, window_label

# An open window closing within this many days puts an indicator not yet met on the cadre's to-do list.
DUE_SOON_DAYS = 92
PENDING_SHOWN = 5
VERDICT_STYLES = {MET: "success", ON_TRACK: "primary", AT_RISK: "warning", UNMET: "danger"}


# ---- administrators ------------------------------------------------------------------------------

def home_summary(user) -> dict:
    """The headline numbers of the user's scope, and the self-study claims waiting for their review.

    Each is one indexed count: the registry's aggregate, and the pending queue (a partial index of a few
    hundred waiting entries among millions).
    """
    cadres = cadres_visible_to(user).order_by().aggregate(
        total=Count("id"),
        leaders=Count("id", filter=Q(is_leader=True)),
        division=Count("id", filter=Q(tier__in=("ministerial", "bureau", "division"))),
        young=Count("id", filter=Q(is_young_talent=True)),
        female=Count("id", filter=Q(gender="female")),
    )
    summary = {"cadres": cadres, "can_review": can_write_registry(user)}
    if summary["can_review"]:
        waiting = pending_self_study_visible_to(user).order_by().aggregate(n=Count("id"), oldest=Min("recorded_at"))
        summary["pending"], summary["oldest_pending"] = waiting["n"], waiting["oldest"]
    else:
        summary["orgs"] = orgs_visible_to(user).count()
    return summary


# ---- a cadre's own login --------------------------------------------------------------------------

@dataclass
class Progress:
    """One indicator of the current plan for the cadre: where they stand and how long is left."""

    verdict: Verdict
    indicator: Indicator
    as_of: date
    plan: Plan

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict.verdict]

    @property
    def style(self) -> str:
        return VERDICT_STYLES.get(self.verdict.verdict, "secondary")

    @property
    def percent(self) -> int:
        return max(0, min(100, round(self.verdict.progress * 100)))

    @property
    def is_gap_rule(self) -> bool:
        return self.indicator.measure.kind == "gap"

    @property
    def required(self) -> str:
        return amount(self.verdict.required)

    @property
    def actual(self) -> str:
        if self.is_gap_rule:
            a = self.verdict.actual
            return f"{a.get('count', 0)} 次，最长间隔 {a.get('years', 0):g} 年"
        return amount(self.verdict.actual)

    @property
    def gap(self) -> str:
        """What is still missing, in words: 还差 5 天或 48.0 学时 (either suffices), 还差 1 次 …"""
        v, m = self.verdict, self.indicator.measure
        if v.verdict == MET:
            return ""
        if self.is_gap_rule:
            if v.verdict == UNMET:
                return f"最长间隔 {v.actual.get('years', 0):g} 年，超过要求的 {m.years} 年"
            return f"{m.years} 年内须再参加 1 次" if v.verdict == AT_RISK else ""
        parts = [amount({k: value}) for k, value in v.gap.items() if value]
        if not parts:
            return ""
        return "还差 " + ("或 " if m.either else "和 ").join(parts)

    @property
    def window(self) -> str:
        span = self.verdict.window
        return window_label(span.start, span.end, as_of=self.as_of, plan=self.plan, kind=self.indicator.window.kind,
                            upto="今日")

    @property
    def window_dates(self) -> str:
        span = self.verdict.window
        return window_dates(span.start, span.end, as_of=self.as_of)

    @property
    def rolling(self) -> bool:
        """A rolling window always ends today: it never closes, it moves."""
        return self.indicator.window.kind == "rolling_years"

    @property
    def days_left(self) -> int | None:
        """Days until a fixed window closes (None for a rolling or a closed one)."""
        span = self.verdict.window
        if self.rolling or span.closed:
            return None
        return (span.end - self.as_of).days

    @property
    def time_left(self) -> str:
        if self.rolling:
            return "滚动计算：始终统计截至今日的这段时间"
        if self.days_left is None:
            return "统计窗口已结束"
        return f"还剩 {self.days_left} 天（{self.verdict.window.end:%Y-%m-%d} 结束）"

    @property
    def due_reason(self) -> str:
        """Why this indicator is on the to-do list ("" when it is not)."""
        v = self.verdict.verdict
        if v == AT_RISK:
            return "进度滞后：完成比例低于已过去的时间比例" if not self.is_gap_rule else "下一次须在一年内参加"
        if v == ON_TRACK and self.days_left is not None and self.days_left <= DUE_SOON_DAYS:
            return f"统计窗口 {self.days_left} 天后结束，尚未达到要求"
        if v == UNMET and self.rolling:
            return "尚未达到：按截至今日的时间段计算，补上即可达标"
        return ""


@dataclass
class CadreHome:
    plan: Plan
    as_of: date
    progress: list[Progress] = field(default_factory=list)
    pending: list = field(default_factory=list)
    pending_count: int = 0

    @property
    def due(self) -> list[Progress]:
        return [p for p in self.progress if p.due_reason]


def cadre_home(user, *, as_of: date) -> CadreHome:
    """The cadre's own standing under the plan the archive opens with, at ``as_of``, and their claims
    waiting for review. One person's evaluation (a query per indicator), as the archive page does."""
    from ganxun.archive.selectors import default_plan_id, is_internal_indicator
    from ganxun.plans.catalog import load_plan
    from ganxun.plans.compliance import cadre_verdicts, compliance_scope

    plan = load_plan(default_plan_id(user.person.org, as_of))
    verdicts = cadre_verdicts(plan, as_of, compliance_scope(user, person_code=user.person.person_code),
                              with_evidence=False)
    # the department's internal designations (优秀年轻干部) stay off the cadre's own pages, as on the archive
    progress = [Progress(v, plan.indicator(v.indicator), as_of, plan) for v in verdicts
                if not is_internal_indicator(plan.indicator(v.indicator))]
    waiting = pending_self_study_visible_to(user)
    return CadreHome(plan=plan, as_of=as_of, progress=progress, pending_count=waiting.count(),
                     pending=list(waiting.order_by("-recorded_at", "-id")[:PENDING_SHOWN]))


# ---- a training institution's staff ----------------------------------------------------------------

@dataclass
class InstitutionHome:
    institution: object | None
    years: list[dict] = field(default_factory=list)     # trainee_years, latest first
    totals: dict = field(default_factory=dict)           # every year ({} past TRAINEE_TOTALS_CAP entries)
    recent: list[dict] = field(default_factory=list)     # trainings ended in the last year, latest first
    this_year: int = 0
    capped: bool = False                                 # too many entries in two years to count them here
    cap: str = ""                                        # TRAINEE_TOTALS_CAP as the page says it (10 万)

    def year(self, year: int) -> dict | None:
        return next((y for y in self.years if y["year"] == year), None)

    @property
    def current(self) -> dict | None:
        return self.year(self.this_year)

    @property
    def previous(self) -> dict | None:
        return self.year(self.this_year - 1)


RECENT_TRAININGS = 6


def institution_home(user, *, as_of: date) -> InstitutionHome:
    """The staff's institution, its trainees' hours by year and the trainings it gave in the last year."""
    from ganxun.records.selectors import (TRAINEE_TOTALS_CAP, TraineeFilter, trainee_counts, trainee_entries,
                                          trainee_years, trainings_of)
    from ganxun.web.paging import count_up_to, how_many

    codes = scope_of(user).institution_codes
    try:
        institution, entries = trainee_entries(user, codes[0], TraineeFilter()) if codes else (None, None)
    except NotFound:
        institution = None
    if institution is None:
        return InstitutionHome(institution=None, this_year=as_of.year)
    # this year and the last: the grouped count reads two years of entries, not the institution's history
    recent_years = entries.filter(end_date__gte=date(as_of.year - 1, 1, 1))
    whole = count_up_to(entries, TRAINEE_TOTALS_CAP) <= TRAINEE_TOTALS_CAP
    recent_ok = whole or count_up_to(recent_years, TRAINEE_TOTALS_CAP) <= TRAINEE_TOTALS_CAP
    return InstitutionHome(institution=institution, years=trainee_years(recent_years) if recent_ok else [],
                           capped=not recent_ok, cap=how_many(TRAINEE_TOTALS_CAP),
                           totals=trainee_counts(entries) if whole else {},
                           recent=trainings_of(entries, since=as_of - timedelta(days=365), limit=RECENT_TRAININGS),
                           this_year=as_of.year)
