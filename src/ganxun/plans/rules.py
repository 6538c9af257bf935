"""The kinds of indicator the engine knows, as objects (rules.md): whom one applies to, its window, its measure.

A plan file names, for each indicator, a measure kind (``total``, ``count``, ``gap``, ``share_trained``,
``share_met``) and a window kind (``plan_period``, ``calendar_year``, ``rolling_years``); ``spec.py`` chooses
the class once, when it reads the file (``MEASURES[kind]``, ``WINDOWS[kind]``), and from then on every surface
asks the object: the engine ``evaluate``s with it, the plan page ``describe``s with it, compliance asks it
whom it ``applies_to``. A new kind of indicator (the class indicators of issue 12, 任职培训 after an event) is
a new class here and one entry in the table; nothing else switches on a kind's name.

Pure computation: plain values in, plain values out. No ORM, no user, no HTTP.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from abc import ABC, abstractmethod
from typing import ClassVar

MET, UNMET, AT_RISK, ON_TRACK, NOT_APPLICABLE = "met", "unmet", "at_risk", "on_track", "not_applicable"
SUBJECTS = {"cadre": "干部", "org": "单位/地区", "class": "班次"}
ZERO = Decimal("0")
TIER_LABELS = {"ministerial": "省部级", "bureau": "厅局级", "division": "县处级", "section": "乡科级", "staff": "科员及以下"}
LOCAL_TEAM_LABELS = {"city": "市", "county": "县"}
# The class vocabularies (core/choices.py, resources) by code, as the plan page and the advice say them.
LEVEL_LABELS = {"province": "省", "city": "市", "county": "县", "township": "乡"}
INSTITUTION_KIND_LABELS = {"party_school": "党校（行政学院）", "cadre_college": "干部学院",
                           "socialist_college": "社会主义学院", "university_base": "高校基地",
                           "party_spirit_base": "党性教育基地", "sector_institution": "部门培训机构",
                           "private_provider": "社会培训机构", "online_academy": "网络学院"}
CLASS_KIND_LABELS = {"core": "主体班", "thematic": "专题班", "promotion": "任职培训", "initial": "初任培训",
                     "specialist": "专门业务培训", "in_service": "在职培训", "online": "网络专题班"}
CATEGORY_LABELS = {"theory": "理论教育", "party_spirit": "党性教育", "professional": "专业化能力", "knowledge": "知识培训"}
TEACHER_KIND_LABELS = {"full_time": "专职", "part_time": "兼职", "leader": "领导干部", "retired": "退休干部",
                       "expert": "专家"}
LECTURE_METHOD = "lecture"  # 讲授式: every other teaching method is interactive


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (clamped to the month's last day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# ---- whom an indicator covers -----------------------------------------------------------------

@dataclass(frozen=True)
class Who:
    """The cadres an indicator applies to (``applies_to``) or a rate counts (``population``): every condition
    given must hold. ``fetch.applies_q`` is the same predicate as a database filter; the two must agree."""

    tiers: tuple[str, ...] = ()
    leader: bool = False
    local_team: tuple[str, ...] = ()
    young_talent: bool = False
    branch_secretary: bool = False
    team_member: bool = False

    KEYS: ClassVar[tuple[str, ...]] = ("tiers", "leader", "local_team", "young_talent", "branch_secretary",
                                       "team_member")

    @classmethod
    def of(cls, spec: dict | None) -> Who:
        spec = spec or {}
        return cls(tiers=tuple(spec.get("tiers", ())), leader=bool(spec.get("leader")),
                   local_team=tuple(spec.get("local_team", ())), young_talent=bool(spec.get("young_talent")),
                   branch_secretary=bool(spec.get("branch_secretary")), team_member=bool(spec.get("team_member")))

    def as_spec(self) -> dict:
        """The plan file's mapping (only the conditions that are set)."""
        spec: dict = {}
        for key in self.KEYS:
            value = getattr(self, key)
            if value:
                spec[key] = list(value) if isinstance(value, tuple) else value
        return spec

    @property
    def everyone(self) -> bool:
        return not self.as_spec()

    def matches(self, cadre) -> bool:
        """The in-memory predicate, on anything with a cadre's attributes (a model instance or plain data)."""
        if self.tiers and cadre.tier not in self.tiers:
            return False
        if self.leader and not cadre.is_leader:
            return False
        if self.local_team and cadre.local_team not in self.local_team:
            return False
        if self.young_talent and not cadre.is_young_talent:
            return False
        if self.branch_secretary and not cadre.is_branch_secretary:
            return False
        if self.team_member and not (cadre.is_team_member or cadre.local_team):
            return False
        return True

    def describe(self) -> str:
        parts = []
        if self.tiers:
            parts.append("、".join(TIER_LABELS.get(t, t) for t in self.tiers))
        if self.leader:
            parts.append("领导职务")
        if self.local_team:
            parts.append("、".join(LOCAL_TEAM_LABELS.get(t, t) for t in self.local_team) + "党政领导班子成员")
        if self.young_talent:
            parts.append("优秀年轻干部")
        if self.branch_secretary:
            parts.append("党支部书记")
        if self.team_member:
            parts.append("领导班子成员")
        return "，".join(parts) or "全部干部"


@dataclass(frozen=True)
class ClassWho:
    """The classes a class indicator applies to: every condition given must hold (``applies_to`` of a class
    indicator). Matched against a ``ClassFacts``."""

    class_kinds: tuple[str, ...] = ()
    institution_kinds: tuple[str, ...] = ()
    institution_levels: tuple[str, ...] = ()
    min_days: int = 0

    KEYS: ClassVar[tuple[str, ...]] = ("class_kinds", "institution_kinds", "institution_levels", "min_days")

    @classmethod
    def of(cls, spec: dict | None) -> ClassWho:
        spec = spec or {}
        return cls(class_kinds=tuple(spec.get("class_kinds", ())),
                   institution_kinds=tuple(spec.get("institution_kinds", ())),
                   institution_levels=tuple(spec.get("institution_levels", ())), min_days=int(spec.get("min_days", 0)))

    def as_spec(self) -> dict:
        spec: dict = {}
        for key in self.KEYS:
            value = getattr(self, key)
            if value:
                spec[key] = list(value) if isinstance(value, tuple) else value
        return spec

    @property
    def everyone(self) -> bool:
        return not self.as_spec()

    def matches(self, facts) -> bool:
        if self.class_kinds and facts.kind not in self.class_kinds:
            return False
        if self.institution_kinds and facts.institution_kind not in self.institution_kinds:
            return False
        if self.institution_levels and facts.institution_level not in self.institution_levels:
            return False
        return not (self.min_days and facts.days < self.min_days)

    def describe(self) -> str:
        parts = []
        if self.institution_levels:
            parts.append("、".join(LEVEL_LABELS.get(v, v) for v in self.institution_levels) + "级")
        if self.institution_kinds:
            parts.append("、".join(INSTITUTION_KIND_LABELS.get(v, v) for v in self.institution_kinds))
        if self.class_kinds:
            parts.append("、".join(CLASS_KIND_LABELS.get(v, v) for v in self.class_kinds))
        text = "".join(parts) or "全部班次"
        if self.min_days:
            text += f"（{self.min_days} 天以上）"
        return text


# ---- windows ----------------------------------------------------------------------------------

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


class WindowKind(ABC):
    """How a window is placed for an evaluation date."""

    kind: ClassVar[str]
    label: ClassVar[str]

    def check(self, window, fail) -> None:
        """Refuse what this kind cannot use (``fail(key, message)`` raises)."""

    @abstractmethod
    def span(self, window, plan_start: date, plan_end: date, as_of: date) -> Span:
        """The window for ``as_of`` (a plan's period is ``plan_start`` to ``plan_end``)."""

    def describe(self, window, plan_start: date, plan_end: date) -> str:
        return self.label


class PlanPeriod(WindowKind):
    kind, label = "plan_period", "规划期"

    def span(self, window, plan_start, plan_end, as_of):
        return Span(plan_start, plan_end, as_of)

    def describe(self, window, plan_start, plan_end):
        return f"规划期（{plan_start:%Y-%m-%d} 至 {plan_end:%Y-%m-%d}）"


class CalendarYear(WindowKind):
    kind, label = "calendar_year", "自然年度"

    def span(self, window, plan_start, plan_end, as_of):
        return Span(date(as_of.year, 1, 1), date(as_of.year, 12, 31), as_of)

    def describe(self, window, plan_start, plan_end):
        return "评估日所在自然年度"


class RollingYears(WindowKind):
    """The N years ending at the evaluation date: always closed, so its verdicts are met or unmet."""

    kind, label = "rolling_years", "滚动年度"

    def check(self, window, fail):
        if not (isinstance(window.years, int) and not isinstance(window.years, bool) and window.years > 0):
            fail("years", "滚动年度需要正整数 years")

    def span(self, window, plan_start, plan_end, as_of):
        return Span(add_years(as_of, -window.years) + timedelta(days=1), as_of, as_of)

    def describe(self, window, plan_start, plan_end):
        return f"截至评估日的 {window.years} 年内"


class AfterEvent(WindowKind):
    """N months after a date on the cadre (任职培训, 初任培训): comes with those rules, refused until then."""

    kind, label = "after_event", "事件后"

    def check(self, window, fail):
        fail("kind", "after_event 将随任职培训、初任培训规则提供，目前尚不支持")

    def span(self, window, plan_start, plan_end, as_of):
        raise ValueError("after_event windows are refused when the plan file is read")


class ClassPeriod(WindowKind):
    """A class indicator judges a class's own timetable: its window is the class's dates (``class_span``)."""

    kind, label = "class_period", "班次起止"

    def span(self, window, plan_start, plan_end, as_of):
        return Span(plan_start, plan_end, as_of)

    def class_span(self, facts, as_of: date) -> Span:
        return Span(facts.start, facts.end, as_of)

    def describe(self, window, plan_start, plan_end):
        return "班次的课表（开班至结业）"


WINDOWS: dict[str, WindowKind] = {k.kind: k() for k in (PlanPeriod, CalendarYear, RollingYears, AfterEvent,
                                                         ClassPeriod)}


# ---- measures: what an indicator requires, and its verdict ------------------------------------

@dataclass
class Tally:
    """What counted for one cadre inside one window (the fetch step adds to it as it reads)."""

    hours: Decimal = ZERO
    days: int = 0
    count: int = 0
    dates: tuple[date, ...] = ()
    evidence: tuple[str, ...] = ()
    since: date | None = None   # 录用时间 when inside the window: a gap rule's first stretch starts there


@dataclass(frozen=True)
class Share:
    """How many of a population (an org's cadres the indicator counts) reach it."""

    part: int
    whole: int


@dataclass(frozen=True)
class SessionFact:
    """One timetable slot as the class indicators read it."""

    course: str
    hours: Decimal
    content_category: str = ""
    teacher_kind: str = ""
    method: str = ""
    party_spirit_analysis: bool = False
    ref: str = ""   # the slot as a user finds it in the timetable: 2024-03-04 上午


@dataclass(frozen=True)
class ClassFacts:
    """A class's timetable and what decides which class indicators apply to it (rules.md, class indicators)."""

    code: str
    name: str
    kind: str
    start: date
    end: date
    institution_kind: str = ""
    institution_level: str = ""
    sessions: tuple[SessionFact, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def hours(self) -> Decimal:
        return sum((s.hours for s in self.sessions), ZERO)


def session_counted(counts, session: SessionFact) -> bool:
    """Whether a slot counts toward a class indicator's part (``counts`` of the plan file)."""
    if counts.content_categories and session.content_category not in counts.content_categories:
        return False
    if counts.teacher_kinds and session.teacher_kind not in counts.teacher_kinds:
        return False
    return not (counts.party_spirit_analysis and not session.party_spirit_analysis)


@dataclass(frozen=True)
class Outcome:
    """A measure's answer for one subject; the engine wraps it into a ``Verdict``."""

    verdict: str
    required: dict
    actual: dict
    gap: dict
    progress: float
    evidence: tuple[str, ...] = ()
    advice: str = ""   # what to change to pass (a class's timetable), in words


def pace(progress: float, span: Span, reached: bool) -> str:
    if reached:
        return MET
    if span.closed:
        return UNMET
    return AT_RISK if progress < span.elapsed_share else ON_TRACK


class Measure(ABC):
    """A kind of requirement. Subclasses say which subjects they can judge, which numbers they need from the
    plan file, what facts they read (``Tally`` for a cadre, ``Share`` for an org), and the outcome."""

    kind: ClassVar[str]
    label: ClassVar[str]
    subjects: ClassVar[frozenset[str]]
    needs: ClassVar[tuple[str, ...]]
    needs_dates: ClassVar[bool] = False   # the fetch step must hand over each counted record's end date
    options: ClassVar[tuple[str, ...]] = ()  # optional keys beyond ``needs`` (``by_level``)
    rests_on_indicator: ClassVar[bool] = False  # the plan file must name the cadre indicator (of_indicator)

    def __init__(self, *, days=None, hours=None, either=False, count=None, years=None, share=None, by_level=None):
        self.days, self.hours, self.either = days, hours, bool(either)
        self.count, self.years, self.share = count, years, share
        self.by_level = dict(by_level) if by_level else {}

    def __eq__(self, other):
        return type(self) is type(other) and self.as_spec() == other.as_spec()

    def __hash__(self):
        return hash((self.kind, repr(sorted(self.as_spec().items()))))

    def __repr__(self):
        return f"{type(self).__name__}({self.as_spec()})"

    def as_spec(self) -> dict:
        spec: dict = {"kind": self.kind}
        for key in ("days", "hours", "count", "years", "share"):
            value = getattr(self, key)
            if value is not None:
                spec[key] = value
        if self.either:
            spec["either"] = True
        if self.by_level:
            spec["by_level"] = dict(self.by_level)
        return spec

    def check(self, fail) -> None:
        """Refuse numbers this kind cannot use (``fail(key, message)`` raises)."""
        if not any(getattr(self, key) for key in self.needs):
            fail("", f"{self.kind} 需要 {' 或 '.join(self.needs)}")
        for key in ("days", "count", "years"):
            value = getattr(self, key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value <= 0):
                fail(key, "应为正整数")
        if self.hours is not None and (not isinstance(self.hours, (int, float, Decimal))
                                       or isinstance(self.hours, bool) or self.hours <= 0):
            fail("hours", "应为正数")
        if self.share is not None and (not isinstance(self.share, (int, float, Decimal))
                                       or isinstance(self.share, bool) or not 0 < float(self.share) <= 1):
            fail("share", "应为 0 到 1 之间的比例")
        if self.by_level:
            if "by_level" not in self.options:
                fail("by_level", f"{self.kind} 不按级别区分要求")
            if not isinstance(self.by_level, dict):
                fail("by_level", "应为 级别: 比例 的映射")
            for level, value in self.by_level.items():
                if level not in LEVEL_LABELS:
                    fail(f"by_level.{level}", f"级别应为 {'/'.join(LEVEL_LABELS)} 之一")
                if not isinstance(value, (int, float, Decimal)) or isinstance(value, bool) or not 0 < float(value) <= 1:
                    fail(f"by_level.{level}", "应为 0 到 1 之间的比例")

    def applies_to(self, indicator, subject) -> bool:
        """Whether ``indicator`` judges ``subject``: a cadre's by whom it covers (``Who``)."""
        return indicator.who.matches(subject)

    @abstractmethod
    def describe(self) -> str:
        """The requirement in a few words (至少 1 次, 90 天或550 学时以上 …)."""

    def requirement(self, plan, indicator) -> str:
        """The requirement as one sentence an officer can check against the clause."""
        return self.describe()

    def counts_text(self, plan, indicator) -> str:
        """What counts toward it, in words."""
        return indicator.counts.describe()

    @abstractmethod
    def evaluate(self, indicator, span: Span, facts) -> Outcome:
        """The outcome for one subject from its facts in the window."""


class Total(Measure):
    """A sum of days and/or hours: "A天或者B学时" (either) or both."""

    kind, label, subjects, needs = "total", "累计天数或学时", frozenset({"cadre"}), ("days", "hours")

    def describe(self):
        bits = [f"{self.days} 天" if self.days else "", f"{self.hours:g} 学时" if self.hours else ""]
        return ("或".join(b for b in bits if b) if self.either else "且".join(b for b in bits if b)) + "以上"

    def evaluate(self, indicator, span, tally: Tally) -> Outcome:
        required, actual, gap, ratios = {}, {}, {}, []
        if self.days:
            required["days"] = self.days
            actual["days"] = tally.days
            gap["days"] = max(0, self.days - tally.days)
            ratios.append(tally.days / self.days)
        if self.hours:
            required["hours"] = Decimal(str(self.hours))
            actual["hours"] = tally.hours
            gap["hours"] = max(ZERO, required["hours"] - tally.hours)
            ratios.append(float(tally.hours) / float(self.hours))
        progress = max(ratios) if (self.either or len(ratios) == 1) else min(ratios)
        reached = progress >= 1
        if reached:
            gap = {k: 0 if k == "days" else ZERO for k in gap}
        return Outcome(pace(progress, span, reached), required, actual, gap, progress, tally.evidence)


class Count(Measure):
    """At least N counted records in the window."""

    kind, label, subjects, needs = "count", "次数", frozenset({"cadre"}), ("count",)

    def describe(self):
        return f"至少 {self.count} 次"

    def evaluate(self, indicator, span, tally: Tally) -> Outcome:
        progress = tally.count / self.count
        return Outcome(pace(progress, span, tally.count >= self.count), {"count": self.count},
                       {"count": tally.count}, {"count": max(0, self.count - tally.count)}, progress, tally.evidence)


class Gap(Measure):
    """At least one record in every N years: the longest stretch without one, inside the window."""

    kind, label, subjects, needs = "gap", "间隔（每 N 年至少 1 次）", frozenset({"cadre"}), ("years",)
    needs_dates = True

    def describe(self):
        return f"每 {self.years} 年至少 1 次"

    def evaluate(self, indicator, span, tally: Tally) -> Outcome:
        years = self.years
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
            return Outcome(UNMET, required, actual, gap, 0.0, tally.evidence)
        if span.closed:
            return Outcome(MET, required, actual, {"years": 0.0}, 1.0, tally.evidence)
        # Open window, nothing missed yet: behind pace when the next record is due within a year.
        due = add_years(points[-2], years)
        verdict = AT_RISK if (due - span.upto).days < 365 else ON_TRACK
        return Outcome(verdict, required, actual, gap, 1.0 - (span.upto - points[-2]).days / (due - points[-2]).days,
                       tally.evidence)


class ShareMeasure(Measure):
    """A share of an org's population against a target; ``members`` asks the fetch step for the parts."""

    subjects, needs = frozenset({"org"}), ("share",)

    def describe(self):
        return f"不低于 {self.share:.0%}"

    def applies_to(self, indicator, subject) -> bool:
        """Every unit and region; one without anyone in the population comes out not applicable."""
        return True

    @abstractmethod
    def members(self, indicator, span: Span, source):
        """Per cadre of the population: ``(org path, 1 or 0)``, from ``source`` (the fetch step's facts)."""

    def evaluate(self, indicator, span, share: Share) -> Outcome:
        target = float(self.share)
        ratio = share.part / share.whole if share.whole else 0.0
        progress = ratio / target if target else 1.0
        if share.whole == 0:
            verdict = NOT_APPLICABLE
        else:
            verdict = self.judge(ratio, target, progress, span)
        return Outcome(verdict, {"share": target}, {"share": round(ratio, 4), "count": share.part, "of": share.whole},
                       {"share": round(max(0.0, target - ratio), 4)}, progress)

    def judge(self, ratio: float, target: float, progress: float, span: Span) -> str:
        return pace(progress, span, ratio >= target)


class ShareTrained(ShareMeasure):
    """The share of the population with a counted record in the window (年度参训比例)."""

    kind, label = "share_trained", "参训比例"

    def requirement(self, plan, indicator):
        return f"年内参训人数占比{self.describe()}"

    def members(self, indicator, span, source):
        return source.trained(indicator, span)


class ShareMet(ShareMeasure):
    """The share of the population that meets a cadre indicator (轮训完成率)."""

    kind, label = "share_met", "达标比例"
    rests_on_indicator = True

    def requirement(self, plan, indicator):
        return f"「{plan.indicator(indicator.of_indicator).name}」达标人数占比{self.describe()}"

    def counts_text(self, plan, indicator):
        return f"以每名干部「{plan.indicator(indicator.of_indicator).name}」的结论为准"

    def members(self, indicator, span, source):
        return source.met(indicator.of_indicator)

    def judge(self, ratio, target, progress, span):
        # Each member's own verdict already carries the pace; the share is final for a closed window.
        if ratio >= target:
            return MET
        if span.closed:
            return UNMET
        return AT_RISK if progress < span.elapsed_share else ON_TRACK


class ClassMeasure(Measure):
    """A requirement on a class's timetable (rules.md, class indicators). Judged on the timetable as it stands:
    ``met`` or ``unmet``, never a pace; the verdict says what to change to pass (``advice``). ``by_level`` gives
    another share for institutions of a level (xuchang: county party schools 20% instead of 30%)."""

    subjects = frozenset({"class"})
    options = ("by_level",)

    def applies_to(self, indicator, facts) -> bool:
        return indicator.who.matches(facts)

    def target(self, facts) -> Decimal:
        return Decimal(str(self.by_level.get(facts.institution_level, self.share)))

    def describe(self):
        text = f"不低于 {self.share:.0%}"
        if self.by_level:
            text += "（" + "，".join(f"{LEVEL_LABELS[k]}级机构不低于 {v:.0%}" for k, v in self.by_level.items()) + "）"
        return text

    def counts_text(self, plan, indicator):
        return what_counts(indicator.counts)


def what_counts(counts) -> str:
    """The slots a class indicator counts, as the advice names them (理论教育、党性教育课程, 领导干部讲授的课程 …)."""
    if counts.party_spirit_analysis:
        return "党性分析"
    if counts.teacher_kinds:
        return "、".join(TEACHER_KIND_LABELS.get(k, k) for k in counts.teacher_kinds) + "讲授的课程"
    if counts.interactive:
        return "互动式教学（讲授式以外的方法）的课程"
    if counts.content_categories:
        return "、".join(CATEGORY_LABELS.get(c, c) for c in counts.content_categories) + "课程"
    return "课程"


def _up(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_CEILING)


def _h(value: Decimal) -> str:
    """Hours as a user writes them: 8, 7.5 (never 8.0 or 1E+1)."""
    return format(Decimal(value).normalize(), "f")


def _met_or_unmet(met: bool) -> str:
    return MET if met else UNMET


EMPTY_TIMETABLE = "课表中还没有课程：请先在课表中安排课程"


class HoursShare(ClassMeasure):
    """The share of a class's scheduled hours (总课时) in the slots that count (理论教育和党性教育 ≥ 70% …)."""

    kind, label, needs = "hours_share", "课时占比", ("share",)

    def requirement(self, plan, indicator):
        return f"占总课时的比重{self.describe()}"

    def evaluate(self, indicator, span, facts: ClassFacts) -> Outcome:
        total = facts.hours
        counted = [s for s in facts.sessions if session_counted(indicator.counts, s)]
        part = sum((s.hours for s in counted), ZERO)
        target = self.target(facts)
        ratio = part / total if total else ZERO
        met = total > 0 and part >= target * total
        short = max(ZERO, target * total - part)
        switch = _up(short)
        required = {"share": float(target)}
        actual = {"share": round(float(ratio), 4), "hours": part, "of": total}
        gap = {"share": round(max(0.0, float(target - ratio)), 4), "hours": switch}
        what = what_counts(indicator.counts)
        if not total:
            advice = EMPTY_TIMETABLE
        elif met:
            advice = ""
        else:
            add = _up(short / (1 - target)) if target < 1 else switch
            advice = (f"{what}共 {_h(part)} 学时，占总课时 {_h(total)} 学时的 {ratio:.1%}，要求不低于 {target:.0%}："
                      f"把约 {_h(switch)} 学时的其他课程换成{what}，或再增加约 {_h(add)} 学时的{what}")
        return Outcome(_met_or_unmet(met), required, actual, gap, float(ratio / target) if target else 1.0,
                       tuple(s.ref for s in counted if s.ref), advice)


class CourseShare(ClassMeasure):
    """The share of a class's courses (distinct 课程名称) that are interactive: a course is interactive when
    the majority of its hours use a method other than 讲授式 (互动式教学方法的课程比重)."""

    kind, label, needs = "course_share", "课程比重", ("share",)

    def requirement(self, plan, indicator):
        return f"占课程门数的比重{self.describe()}"

    def counts_text(self, plan, indicator):
        return "互动式教学（研讨式、案例式、模拟式、体验式等讲授式以外的方法）的课程；一门课程以其多数学时的方法为准"

    @staticmethod
    def courses(facts: ClassFacts) -> dict[str, bool]:
        """Each distinct course of the timetable (in timetable order) and whether it is interactive."""
        hours: dict[str, list] = {}
        for s in facts.sessions:
            tally = hours.setdefault(s.course, [ZERO, ZERO, 0, 0])
            tally[1] += s.hours
            tally[3] += 1
            if s.method and s.method != LECTURE_METHOD:
                tally[0] += s.hours
                tally[2] += 1
        return {name: (i * 2 > t) if t else (n * 2 > m) for name, (i, t, n, m) in hours.items()}

    def evaluate(self, indicator, span, facts: ClassFacts) -> Outcome:
        courses = self.courses(facts)
        n, k = len(courses), sum(courses.values())
        target = self.target(facts)
        ratio = Decimal(k) / Decimal(n) if n else ZERO
        met = n > 0 and k >= target * n
        need = max(0, math.ceil(target * n - k)) if n else 0
        required = {"share": float(target)}
        actual = {"share": round(float(ratio), 4), "count": k, "of": n}
        gap = {"share": round(max(0.0, float(target - ratio)), 4), "count": need}
        if not n:
            advice = EMPTY_TIMETABLE
        elif met:
            advice = ""
        else:
            lectures = [name for name, interactive in courses.items() if not interactive][:3]
            advice = (f"互动式教学的课程 {k} 门，占 {n} 门课程的 {ratio:.1%}，要求不低于 {target:.0%}："
                      f"还需把 {need} 门讲授式课程改为研讨式、案例式、模拟式、体验式等互动式教学"
                      + ("，如" + "、".join(f"「{c}」" for c in lectures) if lectures else ""))
        return Outcome(_met_or_unmet(met), required, actual, gap, float(ratio / target) if target else 1.0,
                       tuple(name for name, interactive in courses.items() if interactive), advice)


class Includes(ClassMeasure):
    """The timetable includes at least N slots that count (20 天以上的班次安排党性分析)."""

    kind, label, needs = "includes", "须安排", ("count",)
    options = ()

    def describe(self):
        return f"至少安排 {self.count} 次"

    def requirement(self, plan, indicator):
        return f"课表中至少安排 {self.count} 次{what_counts(indicator.counts)}"

    def evaluate(self, indicator, span, facts: ClassFacts) -> Outcome:
        counted = [s for s in facts.sessions if session_counted(indicator.counts, s)]
        met = len(counted) >= self.count
        what = what_counts(indicator.counts)
        advice = "" if met else (f"课表中还没有{what}：请安排{what}，并在课表中把该节课标为“{what}”"
                                 if not counted else f"课表中{what}只有 {len(counted)} 次，要求至少 {self.count} 次")
        return Outcome(_met_or_unmet(met), {"count": self.count}, {"count": len(counted)},
                       {"count": max(0, self.count - len(counted))}, min(1.0, len(counted) / self.count),
                       tuple(s.ref for s in counted if s.ref), advice)


# ---- verdicts ---------------------------------------------------------------------------------

VERDICT_LABELS = {MET: "达标", UNMET: "未达标", AT_RISK: "进度滞后", ON_TRACK: "进度正常", NOT_APPLICABLE: "不适用"}


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
    advice: str = ""

    @classmethod
    def of(cls, indicator, span: Span, outcome: Outcome, *, subject_type: str, subject: str,
           subject_name: str = "") -> Verdict:
        return cls(subject_type=subject_type, subject=subject, indicator=indicator.code, verdict=outcome.verdict,
                   required=outcome.required, actual=outcome.actual, window=span, gap=outcome.gap,
                   evidence=list(outcome.evidence), advisory=indicator.advisory, progress=outcome.progress,
                   name=indicator.name, source=indicator.source, subject_name=subject_name, advice=outcome.advice)

    @classmethod
    def not_applicable(cls, indicator, span: Span, *, subject_type: str, subject: str,
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
        if self.advice or self.subject_type == "class":
            data["advice"] = self.advice   # a class's verdict always says what to change ("" when nothing)
        return data


def _plain(values: dict) -> dict:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


MEASURES: dict[str, type[Measure]] = {m.kind: m for m in (Total, Count, Gap, ShareTrained, ShareMet, HoursShare,
                                                           CourseShare, Includes)}
