"""Plan files: reading, merging (a city adopts its province's plan) and validation.

A plan is a YAML mapping: shipped as ``plans/data/<id>.yaml``, or kept by a department in the database
(``plans.models``, drafts and published versions in the same format). The engine knows only the kinds of
indicator of ``rules.py``; every number, window and filter comes from the mapping, and every indicator cites
its source clause. A mapping that does not validate is refused with a message naming the file and the key.
Which plans exist, and which version is current, is ``plans.catalog``'s business.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date
from pathlib import Path

import yaml

from ganxun.plans.rules import (CLASS_KIND_LABELS, INSTITUTION_KIND_LABELS, LEVEL_LABELS, MEASURES, SUBJECTS,
                                TEACHER_KIND_LABELS, WINDOWS, ClassWho, Measure, Verdict, Who, WindowKind)

DATA_DIR = Path(__file__).resolve().parent / "data"

MEASURE_KINDS = {kind: m.label for kind, m in MEASURES.items()}
WINDOW_KINDS = {kind: w.label for kind, w in WINDOWS.items()}
# 入职前的年度: the plan's top-level ``hired_cutoff`` says which cadres a window leaves out by 录用时间
# (``Cadre.hired_on``); they are 不适用 in that window. A cadre without a hiring date is always judged; nobody
# is judged before the hiring date. See ``engine.last_hire_judged`` and docs/design-notes.md.
HIRED_CUTOFFS = {
    "mid_window": "统计窗口过半之后录用的干部，该窗口不评（自然年度：7月1日及以后录用的，当年不评）",
    "window_start": "统计窗口开始之后录用的干部，该窗口不评（须整个窗口在职）",
    "window_end": "统计窗口结束之后录用的干部，该窗口不评",
}
DEFAULT_HIRED_CUTOFF = "mid_window"
INSTITUTION_FILTERS = {
    "party_school_or_college": ("党校（行政学院）、干部学院", ("party_school", "cadre_college"), False),
    "party_school_college_or_recognised": ("党校（行政学院）、干部学院或认可的培训机构",
                                           ("party_school", "cadre_college"), True),
    "party_school_or_recognised": ("党校（行政学院）或认可的培训机构", ("party_school",), True),
    "any": ("任何培训机构", (), False),
}
SOURCES = ("full_time", "online", "lecture", "study_group", "self_study", "other")
CATEGORIES = ("theory", "party_spirit", "professional", "knowledge")
TIERS = ("ministerial", "bureau", "division", "section", "staff")
APPLIES_KEYS = {"tiers", "leader", "local_team", "young_talent", "branch_secretary", "team_member"}
COUNTS_KEYS = {"sources", "exclude_sources", "institutions", "system_training", "content_categories", "min_days"}
# A class indicator's conditions (which classes) and what counts among its timetable's slots.
CLASS_APPLIES_KEYS = {"class_kinds", "institution_kinds", "institution_levels", "min_days"}
CLASS_COUNTS_KEYS = {"content_categories", "teacher_kinds", "party_spirit_analysis", "interactive"}


class PlanFileError(ValueError):
    """A plan file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Counts:
    sources: tuple[str, ...] = ()
    exclude_sources: tuple[str, ...] = ()
    institutions: str = "any"
    system_training: bool = False
    content_categories: tuple[str, ...] = ()
    min_days: int = 0
    # A class indicator's slots: by teacher kind, the 党性分析 mark, interactive methods (course_share).
    teacher_kinds: tuple[str, ...] = ()
    party_spirit_analysis: bool = False
    interactive: bool = False

    @property
    def of_class(self) -> bool:
        return bool(self.teacher_kinds or self.party_spirit_analysis or self.interactive)

    def describe(self) -> str:
        from ganxun.records.models import RecordSource

        if self.of_class:
            from ganxun.plans.rules import what_counts

            return what_counts(self)
        parts = []
        if self.sources:
            parts.append("、".join(RecordSource(s).label for s in self.sources))
        if self.exclude_sources:
            parts.append("不含" + "、".join(RecordSource(s).label for s in self.exclude_sources))
        if self.institutions != "any":
            parts.append("在" + INSTITUTION_FILTERS[self.institutions][0])
        if self.system_training:
            parts.append("系统理论教育和严格党性教育")
        if self.content_categories:
            from ganxun.core.choices import ContentCategory

            parts.append("内容为" + "、".join(ContentCategory(c).label for c in self.content_categories))
        if self.min_days:
            parts.append(f"每次不少于 {self.min_days} 天")
        return "；".join(parts) or "全部培训"

    def as_spec(self) -> dict:
        spec: dict = {}
        for key in ("sources", "exclude_sources", "content_categories"):
            if getattr(self, key):
                spec[key] = list(getattr(self, key))
        if self.institutions != "any":
            spec["institutions"] = self.institutions
        if self.system_training:
            spec["system_training"] = True
        if self.min_days:
            spec["min_days"] = self.min_days
        if self.teacher_kinds:
            spec["teacher_kinds"] = list(self.teacher_kinds)
        for key in ("party_spirit_analysis", "interactive"):
            if getattr(self, key):
                spec[key] = True
        return spec


@dataclass(frozen=True)
class Window:
    """An indicator's window as the plan file gives it; ``kind`` names its ``rules.WindowKind``."""

    kind: str
    years: int | None = None
    months: int | None = None
    event: str | None = None

    @property
    def rule(self) -> WindowKind:
        return WINDOWS[self.kind]

    def span(self, plan_start: date, plan_end: date, as_of: date):
        return self.rule.span(self, plan_start, plan_end, as_of)

    def describe(self, plan_start: date | None = None, plan_end: date | None = None) -> str:
        if plan_start is None or plan_end is None:
            return self.rule.label if self.kind != "rolling_years" else self.rule.describe(self, None, None)
        return self.rule.describe(self, plan_start, plan_end)

    def as_spec(self) -> dict:
        spec: dict = {"kind": self.kind}
        for key in ("years", "months", "event"):
            if getattr(self, key) is not None:
                spec[key] = getattr(self, key)
        return spec


@dataclass(frozen=True)
class Indicator:
    """One indicator of a plan: whom it covers (``who``; ``population`` for an org's rate), what counts, its
    window and its measure (a ``rules.Measure``, chosen once from the file), with the clause it comes from."""

    code: str
    name: str
    subject: str
    measure: Measure
    window: Window
    source: str
    text: str
    who: Who | ClassWho = Who()
    population: Who = Who()
    counts: Counts = Counts()
    of_indicator: str | None = None
    advisory: bool = False
    makeup_list: bool = False

    def applies_to(self, subject) -> bool:
        """Whether this indicator judges ``subject`` (a cadre's attributes, an org, a class's facts)."""
        return self.measure.applies_to(self, subject)

    def evaluate(self, span, facts, *, subject: str, subject_name: str = ""):
        """The verdict for one subject from its facts in ``span`` (a ``Tally`` for a cadre, a ``Share`` for an org)."""
        return Verdict.of(self, span, self.measure.evaluate(self, span, facts), subject_type=self.subject,
                          subject=subject, subject_name=subject_name)

    def describe_subjects(self) -> str:
        text = (self.who if not self.who.everyone else self.population).describe()
        if self.of_indicator:
            text = (text + "，" if text != "全部干部" else "") + f"适用「{self.of_indicator}」的干部"
        return text

    def as_spec(self) -> dict:
        """The plan file's mapping for this indicator (the YAML a plan exports)."""
        spec: dict = {"code": self.code, "name": self.name, "subject": self.subject}
        if not self.who.everyone:
            spec["applies_to"] = self.who.as_spec()
        if not self.population.everyone:
            spec["population"] = self.population.as_spec()
        counts = self.counts.as_spec()
        if counts:
            spec["counts"] = counts
        if self.of_indicator:
            spec["of_indicator"] = self.of_indicator
        spec["measure"] = self.measure.as_spec()
        spec["window"] = self.window.as_spec()
        if self.advisory:
            spec["advisory"] = True
        if self.makeup_list:
            spec["makeup_list"] = True
        spec["source"] = self.source
        spec["text"] = self.text
        return spec


LEVELS = {"national": "全国", "province": "省级", "city": "市级", "county": "县级"}


@dataclass(frozen=True)
class Plan:
    """A plan as the engine uses it: its own header, and every indicator it has (adopted ones merged in).

    ``version`` is the publication the verdicts name (a shipped file is version 1); ``raw`` is the plan's own
    mapping as its file (or its department's draft) says it, adoptions unmerged: what the YAML export writes.
    """

    id: str
    title: str
    issuer: str
    level: str
    start: date
    end: date
    indicators: tuple[Indicator, ...]
    source_title: str = ""
    adopts: str | None = None
    adopts_version: int | None = None
    hours_indicators: tuple[str, ...] = ()
    rotation_indicator: str | None = None
    hired_cutoff: str = DEFAULT_HIRED_CUTOFF
    version: int = 1
    example: bool = False
    shipped: bool = False      # a plan file shipped with the system (read-only)
    resource_rules: dict = field(default_factory=dict, compare=False, hash=False)  # 五(二): see classes.year
    owner: str = ""            # the 单位编码 of the region a department's plan governs
    raw: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def hired_rule(self) -> str:
        """The 入职前的年度 rule in words, for the plan page."""
        return HIRED_CUTOFFS[self.hired_cutoff]

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def version_label(self) -> str:
        """「（第 2 版）」 after the title of a plan published in the system (its verdicts name that version); a
        plan shipped with the system has one version and says nothing."""
        return "" if self.shipped else f"（第 {self.version} 版）"

    @property
    def period_label(self) -> str:
        return f"{self.start.year}—{self.end.year}"

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def of_subject(self, subject: str) -> list[Indicator]:
        return [i for i in self.indicators if i.subject == subject]


def _fail(file: str, key: str, message: str):
    raise PlanFileError(f"规划文件 {file}：{key}：{message}")


def _date(file, key, value) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        _fail(file, key, f"应为 YYYY-MM-DD 日期，而不是 {value!r}")


def _choices(file, key, values, allowed) -> tuple:
    if not isinstance(values, list):
        _fail(file, key, "应为列表")
    bad = [v for v in values if v not in allowed]
    if bad:
        _fail(file, key, f"{bad} 不在可选值 {list(allowed)} 中")
    return tuple(values)


def parse_indicator(file: str, i: int, raw: dict) -> Indicator:
    where = f"indicators[{i}]" + (f"({raw.get('code')})" if isinstance(raw, dict) and raw.get("code") else "")
    if not isinstance(raw, dict):
        _fail(file, where, "应为映射")
    for key in ("code", "name", "subject", "measure", "window", "source", "text"):
        if not raw.get(key):
            _fail(file, f"{where}.{key}", "缺少必填项")
    if raw["subject"] not in SUBJECTS:
        _fail(file, f"{where}.subject", f"应为 {'、'.join(SUBJECTS)} 之一")
    m = raw["measure"]
    if not isinstance(m, dict) or m.get("kind") not in MEASURES:
        _fail(file, f"{where}.measure.kind", f"应为 {'/'.join(MEASURES)} 之一")
    unknown = set(m) - {"kind", "days", "hours", "either", "count", "years", "share", "by_level"}
    if unknown:
        _fail(file, f"{where}.measure", f"未知的键 {sorted(unknown)}")
    kind = MEASURES[m["kind"]]  # the indicator's class, chosen once
    measure = kind(days=m.get("days"), hours=m.get("hours"), either=bool(m.get("either")), count=m.get("count"),
                   years=m.get("years"), share=m.get("share"), by_level=m.get("by_level"))
    measure.check(lambda key, message: _fail(file, f"{where}.measure" + (f".{key}" if key else ""), message))
    if raw["subject"] not in kind.subjects:
        allowed = "、".join(k for k, cls in MEASURES.items() if raw["subject"] in cls.subjects) or "（尚无）"
        _fail(file, f"{where}.measure.kind", f"{SUBJECTS[raw['subject']]}指标的要求应为 {allowed}，而不是 {kind.kind}")
    w = raw["window"]
    if not isinstance(w, dict) or w.get("kind") not in WINDOWS:
        _fail(file, f"{where}.window.kind", f"应为 {'/'.join(WINDOWS)} 之一")
    window = Window(kind=w["kind"], years=w.get("years"), months=w.get("months"), event=w.get("event"))
    window.rule.check(window, lambda key, message: _fail(file, f"{where}.window.{key}", message))
    if (raw["subject"] == "class") != (window.kind == "class_period"):
        _fail(file, f"{where}.window.kind", "班次指标的窗口应为 class_period（班次起止），其他指标不能用 class_period")
    if raw["subject"] == "class":
        return _class_indicator(file, where, raw, measure, window)
    applies = raw.get("applies_to") or {}
    population = raw.get("population") or {}
    for key, spec in (("applies_to", applies), ("population", population)):
        if not isinstance(spec, dict):
            _fail(file, f"{where}.{key}", "应为映射")
        unknown = set(spec) - APPLIES_KEYS
        if unknown:
            _fail(file, f"{where}.{key}", f"未知的条件 {sorted(unknown)}")
        if "tiers" in spec:
            _choices(file, f"{where}.{key}.tiers", spec["tiers"], TIERS)
        if "local_team" in spec:
            _choices(file, f"{where}.{key}.local_team", spec["local_team"], ("city", "county"))
    c = raw.get("counts") or {}
    if not isinstance(c, dict):
        _fail(file, f"{where}.counts", "应为映射")
    unknown = set(c) - COUNTS_KEYS
    if unknown:
        _fail(file, f"{where}.counts", f"未知的条件 {sorted(unknown)}")
    min_days = c.get("min_days", 0)
    if not isinstance(min_days, int) or isinstance(min_days, bool) or min_days < 0:
        _fail(file, f"{where}.counts.min_days", "应为不小于 0 的整数")
    counts = Counts(
        sources=_choices(file, f"{where}.counts.sources", c.get("sources", []), SOURCES),
        exclude_sources=_choices(file, f"{where}.counts.exclude_sources", c.get("exclude_sources", []), SOURCES),
        institutions=c.get("institutions", "any"),
        system_training=bool(c.get("system_training", False)),
        content_categories=_choices(file, f"{where}.counts.content_categories", c.get("content_categories", []),
                                    CATEGORIES),
        min_days=min_days,
    )
    if counts.institutions not in INSTITUTION_FILTERS:
        _fail(file, f"{where}.counts.institutions", f"应为 {'/'.join(INSTITUTION_FILTERS)} 之一")
    if kind.rests_on_indicator and not raw.get("of_indicator"):
        _fail(file, f"{where}.of_indicator", f"{kind.kind} 需要指明所依据的干部指标")
    return Indicator(code=str(raw["code"]), name=str(raw["name"]), subject=raw["subject"], measure=measure,
                     window=window, source=str(raw["source"]), text=str(raw["text"]), who=Who.of(applies),
                     population=Who.of(population), counts=counts, of_indicator=raw.get("of_indicator"),
                     advisory=bool(raw.get("advisory")), makeup_list=bool(raw.get("makeup_list")))


def _class_indicator(file: str, where: str, raw: dict, measure: Measure, window: Window) -> Indicator:
    """A class indicator: which classes (``applies_to``: class kinds, institution kinds and levels, days) and
    which of their slots count (``counts``: content categories, teacher kinds, 党性分析, interactive)."""
    applies = raw.get("applies_to") or {}
    if not isinstance(applies, dict):
        _fail(file, f"{where}.applies_to", "应为映射")
    unknown = set(applies) - CLASS_APPLIES_KEYS
    if unknown:
        _fail(file, f"{where}.applies_to", f"班次指标未知的条件 {sorted(unknown)}（可用 {sorted(CLASS_APPLIES_KEYS)}）")
    for key, allowed in (("class_kinds", CLASS_KIND_LABELS), ("institution_kinds", INSTITUTION_KIND_LABELS),
                         ("institution_levels", LEVEL_LABELS)):
        if key in applies:
            _choices(file, f"{where}.applies_to.{key}", applies[key], allowed)
    min_days = applies.get("min_days", 0)
    if not isinstance(min_days, int) or isinstance(min_days, bool) or min_days < 0:
        _fail(file, f"{where}.applies_to.min_days", "应为不小于 0 的整数")
    c = raw.get("counts") or {}
    if not isinstance(c, dict):
        _fail(file, f"{where}.counts", "应为映射")
    unknown = set(c) - CLASS_COUNTS_KEYS
    if unknown:
        _fail(file, f"{where}.counts", f"班次指标未知的条件 {sorted(unknown)}（可用 {sorted(CLASS_COUNTS_KEYS)}）")
    counts = Counts(content_categories=_choices(file, f"{where}.counts.content_categories",
                                                c.get("content_categories", []), CATEGORIES),
                    teacher_kinds=_choices(file, f"{where}.counts.teacher_kinds", c.get("teacher_kinds", []),
                                           TEACHER_KIND_LABELS),
                    party_spirit_analysis=bool(c.get("party_spirit_analysis")), interactive=bool(c.get("interactive")))
    if raw.get("population"):
        _fail(file, f"{where}.population", "班次指标没有统计对象（用 applies_to 指明适用的班次）")
    return Indicator(code=str(raw["code"]), name=str(raw["name"]), subject="class", measure=measure, window=window,
                     source=str(raw["source"]), text=str(raw["text"]), who=ClassWho.of(applies), counts=counts,
                     advisory=bool(raw.get("advisory")))


def _read(path: Path) -> dict:
    return read_yaml(path.read_text(encoding="utf-8"), path.name)


def effective(raw: dict, file: str, resolve=None) -> dict:
    """The mapping with everything an adoption brings merged in: the adopted plan's indicators (overridden
    where ``overrides`` says), its figures and its hiring rule. ``resolve(id, version)`` gives the adopted
    plan's own mapping; adoptions of adoptions are followed."""
    if not raw.get("adopts"):
        return raw
    if resolve is None:
        _fail(file, "adopts", "无法读取被采用的规划")
    parent = effective(resolve(raw["adopts"], raw.get("adopts_version")), f"{raw['adopts']}.yaml", resolve)
    merged = {ind["code"]: copy.deepcopy(ind) for ind in parent.get("indicators", []) if isinstance(ind, dict)}
    overrides = raw.get("overrides") or []
    if not isinstance(overrides, list):
        _fail(file, "overrides", "应为列表")
    for i, override in enumerate(overrides):
        code = override.get("code") if isinstance(override, dict) else None
        if code not in merged:
            _fail(file, f"overrides[{i}].code", f"被采用的规划中没有指标 {code!r}")
        merged[code].update(copy.deepcopy(override))
    own = raw.get("indicators") or []
    if not isinstance(own, list):
        _fail(file, "indicators", "应为列表")
    return {**raw, "indicators": list(merged.values()) + list(own),
            "figures": {**(parent.get("figures") or {}), **(raw.get("figures") or {})},
            "hired_cutoff": raw.get("hired_cutoff") or parent.get("hired_cutoff"),
            "resource_rules": {**(parent.get("resource_rules") or {}), **(raw.get("resource_rules") or {})}}


def parse_plan(raw: dict, file: str, resolve=None, *, version: int = 1, shipped: bool = False,
               owner: str = "") -> Plan:
    """Validate one plan's mapping; ``resolve(id, version)`` gives the mapping of an adopted plan."""
    if not isinstance(raw, dict):
        raise PlanFileError(f"规划文件 {file}：顶层应为映射")
    for key in ("id", "title", "issuer", "level", "period"):
        if not raw.get(key):
            _fail(file, key, "缺少必填项")
    if raw["level"] not in LEVELS:
        _fail(file, "level", f"应为 {'/'.join(LEVELS)} 之一")
    full = effective(raw, file, resolve)
    indicators = full.get("indicators")
    figures = full.get("figures") or {}
    if not isinstance(figures, dict):
        _fail(file, "figures", "应为映射")
    hired_cutoff = full.get("hired_cutoff") or DEFAULT_HIRED_CUTOFF
    if not isinstance(hired_cutoff, str) or hired_cutoff not in HIRED_CUTOFFS:
        _fail(file, "hired_cutoff", f"应为 {'/'.join(HIRED_CUTOFFS)} 之一")
    if not indicators:
        _fail(file, "indicators", "至少需要一个指标")
    parsed = tuple(parse_indicator(file, i, ind) for i, ind in enumerate(indicators))
    codes = [i.code for i in parsed]
    if len(codes) != len(set(codes)):
        _fail(file, "indicators", "指标代码重复")
    for ind in parsed:
        if ind.of_indicator and ind.of_indicator not in codes:
            _fail(file, f"indicators({ind.code}).of_indicator", f"没有指标 {ind.of_indicator!r}")
    for key in ("hours_indicators",):
        for code in figures.get(key, ()) or ():
            if code not in codes:
                _fail(file, f"figures.{key}", f"没有指标 {code!r}")
    if figures.get("rotation_indicator") and figures["rotation_indicator"] not in codes:
        _fail(file, "figures.rotation_indicator", f"没有指标 {figures['rotation_indicator']!r}")
    period = raw["period"]
    if not isinstance(period, dict):
        _fail(file, "period", "应为映射（start、end）")
    start, end = _date(file, "period.start", period.get("start")), _date(file, "period.end", period.get("end"))
    if end < start:
        _fail(file, "period", "结束日期早于开始日期")
    adopts_version = raw.get("adopts_version")
    if adopts_version is not None and (not isinstance(adopts_version, int) or adopts_version < 1):
        _fail(file, "adopts_version", "应为正整数")
    return Plan(id=str(raw["id"]), title=str(raw["title"]), issuer=str(raw["issuer"]), level=raw["level"],
                start=start, end=end, indicators=parsed,
                source_title=str(raw.get("source_title") or raw["title"]), adopts=raw.get("adopts"),
                adopts_version=adopts_version,
                hours_indicators=tuple(figures.get("hours_indicators", ())),
                rotation_indicator=figures.get("rotation_indicator"), hired_cutoff=hired_cutoff, version=version,
                example=bool(raw.get("example")), shipped=shipped, owner=owner, raw=copy.deepcopy(raw),
                resource_rules=_resource_rules(file, full.get("resource_rules")))


RESOURCE_RULES = {"teacher_rotation_5y": "years", "leader_lecture_annual": "count"}


def _resource_rules(file: str, rules) -> dict:
    """The plan's resource rules (五(二)): each a known code with its positive number, name, source and text."""
    if not rules:
        return {}
    if not isinstance(rules, dict):
        _fail(file, "resource_rules", "应为映射")
    for code, rule in rules.items():
        if code not in RESOURCE_RULES:
            _fail(file, f"resource_rules.{code}", f"应为 {'、'.join(RESOURCE_RULES)} 之一")
        number = rule.get(RESOURCE_RULES[code]) if isinstance(rule, dict) else None
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            _fail(file, f"resource_rules.{code}.{RESOURCE_RULES[code]}", "应为正整数")
        for key in ("name", "source", "text"):
            if not rule.get(key):
                _fail(file, f"resource_rules.{code}.{key}", "缺少必填项")
    return copy.deepcopy(rules)


def file_plan_ids() -> list[str]:
    """The plans shipped as files (``plans/data/*.yaml``)."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def file_plan_raw(plan_id: str) -> dict:
    """A shipped plan file's mapping (a fresh copy each call: the caller may change it)."""
    return copy.deepcopy(_file_plan_raw(plan_id))


@lru_cache(maxsize=64)
def _file_plan_raw(plan_id: str) -> dict:
    # the shipped files do not change while the system runs; parsing one costs ~0.15 s (every evaluation of a
    # plan that adopts it read it again)
    path = DATA_DIR / f"{plan_id}.yaml"
    if "/" in plan_id or not path.exists():
        raise PlanFileError(f"没有规划 {plan_id!r}")
    raw = _read(path)
    if raw.get("id") != plan_id:
        _fail(path.name, "id", f"应与文件名一致（{plan_id}）")
    return raw


def read_yaml(text: str, file: str) -> dict:
    """A plan file's text as its mapping (an uploaded file, or one of ours)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PlanFileError(f"规划文件 {file}：不是有效的 YAML：{exc}") from None
    if not isinstance(raw, dict):
        raise PlanFileError(f"规划文件 {file}：顶层应为映射")
    return raw


def dump_yaml(raw: dict) -> str:
    """A plan's mapping as the YAML file a department exports (keys in the files' order, Chinese as is)."""
    order = ["id", "title", "issuer", "level", "example", "source_title", "adopts", "adopts_version", "period",
             "hired_cutoff", "resource_rules", "overrides", "indicators", "figures"]
    ordered = {k: raw[k] for k in order if k in raw}
    ordered.update({k: v for k, v in raw.items() if k not in ordered})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=120)


def to_json_ready(raw: dict) -> dict:
    """The mapping with dates as ISO text (JSON fields keep drafts and versions)."""
    if isinstance(raw, dict):
        return {k: to_json_ready(v) for k, v in raw.items()}
    if isinstance(raw, list):
        return [to_json_ready(v) for v in raw]
    if isinstance(raw, date):
        return raw.isoformat()
    return raw
