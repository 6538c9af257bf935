"""Plan files: loading, merging (a city adopts its province's plan) and validation.

A plan file is YAML under ``plans/data/<id>.yaml``. The engine knows only the kinds of measure below;
every number, window and filter comes from the file, and every indicator cites its source clause.
A file that does not validate is refused with a message naming the file and the key.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"

MEASURE_KINDS = {
    "total": "累计天数或学时",
    "count": "次数",
    "gap": "间隔（每 N 年至少 1 次）",
    "share_trained": "参训比例",
    "share_met": "达标比例",
}
WINDOW_KINDS = {"plan_period": "规划期", "calendar_year": "自然年度", "rolling_years": "滚动年度",
                "after_event": "事件后"}
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

    def describe(self) -> str:
        from ganxun.records.models import RecordSource

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


@dataclass(frozen=True)
class Measure:
    kind: str
    days: int | None = None
    hours: float | None = None
    either: bool = False
    count: int | None = None
    years: int | None = None
    share: float | None = None

    def describe(self) -> str:
        if self.kind == "total":
            bits = [f"{self.days} 天" if self.days else "", f"{self.hours:g} 学时" if self.hours else ""]
            return ("或".join(b for b in bits if b) if self.either else "且".join(b for b in bits if b)) + "以上"
        if self.kind == "count":
            return f"至少 {self.count} 次"
        if self.kind == "gap":
            return f"每 {self.years} 年至少 1 次"
        return f"不低于 {self.share:.0%}"


@dataclass(frozen=True)
class Window:
    kind: str
    years: int | None = None
    months: int | None = None
    event: str | None = None

    def describe(self) -> str:
        if self.kind == "rolling_years":
            return f"截至评估日的 {self.years} 年内"
        return WINDOW_KINDS[self.kind]


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    subject: str
    measure: Measure
    window: Window
    source: str
    text: str
    applies_to: dict = field(default_factory=dict)
    population: dict = field(default_factory=dict)
    counts: Counts = Counts()
    of_indicator: str | None = None
    advisory: bool = False
    makeup_list: bool = False

    def describe_subjects(self) -> str:
        from ganxun.cadres.ranks import Tier

        spec = self.applies_to or self.population
        parts = []
        if spec.get("tiers"):
            parts.append("、".join(Tier(t).label for t in spec["tiers"]))
        if spec.get("leader"):
            parts.append("领导职务")
        if spec.get("local_team"):
            parts.append("、".join({"city": "市", "county": "县"}[t] for t in spec["local_team"]) + "党政领导班子成员")
        if spec.get("young_talent"):
            parts.append("优秀年轻干部")
        if spec.get("branch_secretary"):
            parts.append("党支部书记")
        if spec.get("team_member"):
            parts.append("领导班子成员")
        if self.of_indicator:
            parts.append(f"适用「{self.of_indicator}」的干部")
        return "，".join(parts) or "全部干部"


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    issuer: str
    level: str
    start: date
    end: date
    indicators: tuple[Indicator, ...]
    source_document: str = ""
    adopts: str | None = None
    hours_indicators: tuple[str, ...] = ()
    rotation_indicator: str | None = None
    hired_cutoff: str = DEFAULT_HIRED_CUTOFF

    @property
    def hired_rule(self) -> str:
        """The 入职前的年度 rule in words, for the plan page."""
        return HIRED_CUTOFFS[self.hired_cutoff]

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


def _indicator(file: str, i: int, raw: dict) -> Indicator:
    where = f"indicators[{i}]" + (f"({raw.get('code')})" if isinstance(raw, dict) and raw.get("code") else "")
    if not isinstance(raw, dict):
        _fail(file, where, "应为映射")
    for key in ("code", "name", "subject", "measure", "window", "source", "text"):
        if not raw.get(key):
            _fail(file, f"{where}.{key}", "缺少必填项")
    if raw["subject"] not in ("cadre", "org"):
        _fail(file, f"{where}.subject", "应为 cadre 或 org")
    m = raw["measure"]
    if not isinstance(m, dict) or m.get("kind") not in MEASURE_KINDS:
        _fail(file, f"{where}.measure.kind", f"应为 {'/'.join(MEASURE_KINDS)} 之一")
    measure = Measure(kind=m["kind"], days=m.get("days"), hours=m.get("hours"), either=bool(m.get("either")),
                      count=m.get("count"), years=m.get("years"), share=m.get("share"))
    needs = {"total": ("days", "hours"), "count": ("count",), "gap": ("years",), "share_trained": ("share",),
             "share_met": ("share",)}[measure.kind]
    if not any(getattr(measure, k) for k in needs):
        _fail(file, f"{where}.measure", f"{measure.kind} 需要 {' 或 '.join(needs)}")
    for k in ("days", "count", "years"):
        v = getattr(measure, k)
        if v is not None and (not isinstance(v, int) or v <= 0):
            _fail(file, f"{where}.measure.{k}", "应为正整数")
    if measure.hours is not None and (not isinstance(measure.hours, (int, float)) or measure.hours <= 0):
        _fail(file, f"{where}.measure.hours", "应为正数")
    if measure.share is not None and not (0 < float(measure.share) <= 1):
        _fail(file, f"{where}.measure.share", "应为 0 到 1 之间的比例")
    w = raw["window"]
    if not isinstance(w, dict) or w.get("kind") not in WINDOW_KINDS:
        _fail(file, f"{where}.window.kind", f"应为 {'/'.join(WINDOW_KINDS)} 之一")
    window = Window(kind=w["kind"], years=w.get("years"), months=w.get("months"), event=w.get("event"))
    if window.kind == "rolling_years" and not (isinstance(window.years, int) and window.years > 0):
        _fail(file, f"{where}.window.years", "滚动年度需要正整数 years")
    if window.kind == "after_event":
        _fail(file, f"{where}.window.kind", "after_event 将随任职培训、初任培训规则提供，目前尚不支持")
    applies = raw.get("applies_to") or {}
    population = raw.get("population") or {}
    for key, spec in (("applies_to", applies), ("population", population)):
        unknown = set(spec) - APPLIES_KEYS
        if unknown:
            _fail(file, f"{where}.{key}", f"未知的条件 {sorted(unknown)}")
        if "tiers" in spec:
            _choices(file, f"{where}.{key}.tiers", spec["tiers"], TIERS)
        if "local_team" in spec:
            _choices(file, f"{where}.{key}.local_team", spec["local_team"], ("city", "county"))
    c = raw.get("counts") or {}
    unknown = set(c) - COUNTS_KEYS
    if unknown:
        _fail(file, f"{where}.counts", f"未知的条件 {sorted(unknown)}")
    counts = Counts(
        sources=_choices(file, f"{where}.counts.sources", c.get("sources", []), SOURCES),
        exclude_sources=_choices(file, f"{where}.counts.exclude_sources", c.get("exclude_sources", []), SOURCES),
        institutions=c.get("institutions", "any"),
        system_training=bool(c.get("system_training", False)),
        content_categories=_choices(file, f"{where}.counts.content_categories", c.get("content_categories", []),
                                    CATEGORIES),
        min_days=int(c.get("min_days", 0)),
    )
    if counts.institutions not in INSTITUTION_FILTERS:
        _fail(file, f"{where}.counts.institutions", f"应为 {'/'.join(INSTITUTION_FILTERS)} 之一")
    if raw["subject"] == "org" and measure.kind not in ("share_trained", "share_met"):
        _fail(file, f"{where}.measure.kind", "单位/地区指标应为 share_trained 或 share_met")
    if raw["subject"] == "cadre" and measure.kind in ("share_trained", "share_met"):
        _fail(file, f"{where}.measure.kind", "干部指标不能是比例")
    if measure.kind == "share_met" and not raw.get("of_indicator"):
        _fail(file, f"{where}.of_indicator", "share_met 需要指明所依据的干部指标")
    return Indicator(code=raw["code"], name=raw["name"], subject=raw["subject"], measure=measure, window=window,
                     source=str(raw["source"]), text=raw["text"], applies_to=applies, population=population,
                     counts=counts, of_indicator=raw.get("of_indicator"), advisory=bool(raw.get("advisory")),
                     makeup_list=bool(raw.get("makeup_list")))


def _read(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlanFileError(f"规划文件 {path.name}：不是有效的 YAML：{exc}") from None
    if not isinstance(raw, dict):
        raise PlanFileError(f"规划文件 {path.name}：顶层应为映射")
    return raw


def parse_plan(raw: dict, file: str, resolve=None) -> Plan:
    """Validate one plan's raw data; ``resolve(id)`` gives the raw data of an adopted plan."""
    for key in ("id", "title", "issuer", "level", "period"):
        if not raw.get(key):
            _fail(file, key, "缺少必填项")
    indicators = raw.get("indicators")
    figures = raw.get("figures") or {}
    hired_cutoff = raw.get("hired_cutoff")
    if raw.get("adopts"):
        if resolve is None:
            _fail(file, "adopts", "无法读取被采用的规划")
        parent = resolve(raw["adopts"])
        merged = {ind["code"]: copy.deepcopy(ind) for ind in parent.get("indicators", [])}
        for i, override in enumerate(raw.get("overrides") or []):
            code = override.get("code") if isinstance(override, dict) else None
            if code not in merged:
                _fail(file, f"overrides[{i}].code", f"被采用的规划中没有指标 {code!r}")
            merged[code].update(copy.deepcopy(override))
        indicators = list(merged.values()) + list(raw.get("indicators") or [])
        figures = {**(parent.get("figures") or {}), **figures}
        hired_cutoff = hired_cutoff or parent.get("hired_cutoff")
    hired_cutoff = hired_cutoff or DEFAULT_HIRED_CUTOFF
    if not isinstance(hired_cutoff, str) or hired_cutoff not in HIRED_CUTOFFS:
        _fail(file, "hired_cutoff", f"应为 {'/'.join(HIRED_CUTOFFS)} 之一")
    if not indicators:
        _fail(file, "indicators", "至少需要一个指标")
    parsed = tuple(_indicator(file, i, ind) for i, ind in enumerate(indicators))
    codes = [i.code for i in parsed]
    if len(codes) != len(set(codes)):
        _fail(file, "indicators", "指标代码重复")
    for ind in parsed:
        if ind.of_indicator and ind.of_indicator not in codes:
            _fail(file, f"indicators({ind.code}).of_indicator", f"没有指标 {ind.of_indicator!r}")
    period = raw["period"]
    start, end = _date(file, "period.start", period.get("start")), _date(file, "period.end", period.get("end"))
    if end < start:
        _fail(file, "period", "结束日期早于开始日期")
    return Plan(id=raw["id"], title=raw["title"], issuer=raw["issuer"], level=raw["level"], start=start, end=end,
                indicators=parsed, source_document=raw.get("source_document", ""), adopts=raw.get("adopts"),
                hours_indicators=tuple(figures.get("hours_indicators", ())),
                rotation_indicator=figures.get("rotation_indicator"), hired_cutoff=hired_cutoff)


def plan_ids() -> list[str]:
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


@lru_cache(maxsize=32)
def load_plan(plan_id: str) -> Plan:
    """The plan with that id, validated; ``PlanFileError`` when missing or invalid."""
    path = DATA_DIR / f"{plan_id}.yaml"
    if "/" in plan_id or not path.exists():
        raise PlanFileError(f"没有规划 {plan_id!r}；可选：{', '.join(plan_ids())}")
    raw = _read(path)
    if raw.get("id") != plan_id:
        _fail(path.name, "id", f"应与文件名一致（{plan_id}）")

    def resolve(other: str) -> dict:
        other_path = DATA_DIR / f"{other}.yaml"
        if not other_path.exists():
            _fail(path.name, "adopts", f"没有规划 {other!r}")
        return _read(other_path)

    return parse_plan(raw, path.name, resolve)


def all_plans() -> list[Plan]:
    return [load_plan(pid) for pid in plan_ids()]
