"""The demo's learning ledger: the training of every demo cadre from 2018 up to the day of the build.

The shipped plans run 2018–2022 and the current ones from 2023, so the ledger starts in 2018: a
city plan evaluated at 2022-12-31 sees its whole period, and the rolling windows (4 and 5 years)
of later dates see full years too. It ends on ``last_day`` (today unless given), so the pages, which
default to today, see the current year as a partial one: each year is drawn whole, as planned at its
start (classes in the teaching seasons, online courses and lectures through the year), and whatever
ends after ``last_day`` is left out — nothing lies in the future. Self-study reported in the last 75
days still waits for review.

What a year of training looks like here (Henan practice, seeds 000/001):
- classes (脱产) at the county's, the city's or the province's party school, the cadre colleges and
  party-spirit bases (三学院三基地), a university base, a sector institution, rarely a private
  provider; every class is a real timetable shared by its participants (the same title and dates), and
  ``build_records`` hands those entries to ``demo.classes``, which runs each class (timetable, trainees,
  attendance, 结班, certificates) and writes the completed ones as its completions (origin ``class``,
  ``Enrolment.record``); a 结业 否 entry stays a plain entry and its trainee's attendance says why (leave
  beyond 1/7, or attendance below 90%);
- the online academy (河南干部网络学院): a few 网络专题班 spread through the year, 0 days;
- 专题讲座 of 3–4 学时 and, for leadership teams, 理论学习中心组 sessions of 3 学时;
- 在职自学 reported by the cadre: approved, a few still pending review, a few rejected;
- now and then a class not completed (结业 否), an entry entered wrong and corrected, or an online
  record pushed twice and reversed — through real reversal entries with a reason.

Shares aimed at: about four in five staff (科级以下) reach 12 days or 90 学时 in a year; about four
in five county-level leaders reach 550 学时 of recognised full-time training in five years; about one
in eight leaders has had no system training (系统培训) for five years and lands on the 补训 list;
most young talents are rotated and most branch secretaries are trained every year.

Everything comes from ``random.Random`` seeded from the demo's seed, with cadres taken in person-code
order, so one seed and one ``last_day`` always give the same ledger. 2018–2025 come from one stream for
the whole build and every later year of a cadre from a stream of its own, so a later build day changes
nothing before it but the current year's newest entries and the pending reviews (and the 外部编号 serials
of that year, which count in cadre order). ``plan_entries`` yields plain ``Entry`` objects with
their credits set by the ledger's own ``set_credit`` (the benchmarks turn them into COPY rows);
``build_records`` writes them through the ledger's bulk path and rebuilds the per-year totals once at
the end. (``bulk_create`` was measured first: on SQLite it writes 34 rows a statement and prepares
every value through the field machinery, about 150 µs a row, and ``rebuild_totals`` builds the
310,000 total rows of the city as objects (20 s); the city's build took 87 s that way and takes
about 20 s now — 22 s with 2026 up to late November, 550,000 entries; the classes add about 6 s: 1,700
classes, 28,000 slots, 57,000 trainees, 180,000 attendance marks, 55,000 certificates.)
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ganxun.cadres.ranks import Tier
from ganxun.records.models import EntryKind, LearningRecord, RecordOrigin, RecordSource, RecordStatus
from ganxun.records.services import set_credit, set_institution

FIRST_YEAR = 2018
# Years up to this one come from the build's one shared random stream (cadre after cadre); each later
# year of a cadre has a stream of its own. So the 2018–2025 ledger is the same whatever the build day
# (only the reviews still pending at the end of 2025 are settled), and the current year grows day by day
# without reshuffling anything before it.
SHARED_LAST_YEAR = 2025
BATCH = 5000
ZERO = Decimal("0.0")
TENTHS = [Decimal(i).scaleb(-1) for i in range(0, 6001)]    # 0.0 … 600.0 学时, exact one-decimal Decimals

FT, ONLINE, LECTURE, GROUP, SELF = (RecordSource.FULL_TIME.value, RecordSource.ONLINE.value,
                                    RecordSource.LECTURE.value, RecordSource.STUDY_GROUP.value,
                                    RecordSource.SELF_STUDY.value)
THEORY, SPIRIT, PRO, KNOW = "theory", "party_spirit", "professional", "knowledge"
APPROVED, PENDING, REJECTED = RecordStatus.APPROVED.value, RecordStatus.PENDING.value, RecordStatus.REJECTED.value
# Why a trainee did not complete (结业 否): the class's attendance says the same (``demo.classes``).
LEAVE_REASON = "请假超过总学时的1/7，未结业"
ABSENCE_REASON = "到课率低于90%，未结业"


def hours(tenths: int) -> Decimal:
    return TENTHS[max(0, min(tenths, len(TENTHS) - 1))]


# ---------------------------------------------------------------------------------------------
# Words

# The year's themes of study, each with the months it was current (nothing before it happened).
THEMES = {
    2018: (("学习贯彻习近平新时代中国特色社会主义思想和党的十九大精神", 1, 12), ("深入学习贯彻宪法", 3, 12)),
    2019: (("学习贯彻习近平新时代中国特色社会主义思想", 1, 12), ("“不忘初心、牢记使命”主题教育", 6, 12),
           ("庆祝新中国成立70周年", 8, 10)),
    2020: (("决战决胜脱贫攻坚", 1, 12), ("统筹推进疫情防控和经济社会发展", 3, 12),
           ("学习贯彻党的十九届五中全会精神", 11, 12)),
    2021: (("学习贯彻习近平新时代中国特色社会主义思想", 1, 12), ("党史学习教育", 2, 12),
           ("学习贯彻党的十九届六中全会精神", 11, 12)),
    2022: (("喜迎党的二十大", 1, 10), ("学习《习近平谈治国理政》第四卷", 7, 12), ("学习贯彻党的二十大精神", 11, 12)),
    2023: (("学习贯彻党的二十大精神", 1, 12), ("学习贯彻习近平新时代中国特色社会主义思想主题教育", 4, 12)),
    2024: (("学习贯彻党的二十大精神", 1, 12), ("党纪学习教育", 4, 9), ("学习贯彻党的二十届三中全会精神", 8, 12)),
    2025: (("学习贯彻党的二十届三中全会精神", 1, 12), ("深入贯彻中央八项规定精神学习教育", 3, 12),
           ("学习贯彻党的二十届四中全会精神", 11, 12)),
    2026: (("学习贯彻党的二十届四中全会精神", 1, 12), ("学习贯彻习近平新时代中国特色社会主义思想", 1, 12),
           ("学习贯彻“十五五”规划纲要", 4, 12)),
}
# A later year the list does not know yet: nothing that names an event.
LATER_THEMES = (("学习贯彻习近平新时代中国特色社会主义思想", 1, 12), ("深入学习贯彻党章", 1, 12))
PRO_TOPICS = ("乡村振兴", "优化营商环境", "应急管理与安全生产", "数字政府建设", "生态环境保护", "防范化解重大风险",
              "法治政府建设", "预算绩效管理", "基层治理现代化", "招商引资与项目建设", "黄河流域生态保护和高质量发展",
              "信访工作法治化", "城市更新与规划管理", "国有企业改革", "公共卫生应急管理", "统计法治与统计业务")
KNOW_TOPICS = ("公文写作与处理", "保密知识", "网络安全与数据安全", "心理调适与压力管理", "中华优秀传统文化",
               "河南历史文化", "科学素养与新科技革命", "国家安全教育")
SPIRIT_TOPICS = ("焦裕禄精神", "红旗渠精神", "大别山精神", "愚公移山精神", "廉洁自律与警示教育", "党章党规党纪")
BOOKS = (("习近平新时代中国特色社会主义思想学习纲要", 2019), ("中国共产党简史", 2021),
         ("习近平谈治国理政（第三卷）", 2020), ("习近平谈治国理政（第四卷）", 2022), ("论党的自我革命", 2023),
         ("习近平著作选读（第一卷）", 2023), ("习近平新时代中国特色社会主义思想学习问答", 2021),
         ("中国共产党纪律处分条例", 2018), ("毛泽东选集", 2018), ("之江新语", 2018))


def themes(year: int) -> tuple:
    return THEMES.get(year, LATER_THEMES)


def theme(year: int, day: date, rng: random.Random) -> str:
    """A theme of ``year`` that was current on ``day``."""
    return rng.choice([t for t, first, last in themes(year) if first <= day.month <= last])


# ---------------------------------------------------------------------------------------------
# Plain entries


@dataclass(slots=True)
class Entry:
    """One ledger entry before it is written (``set_credit`` works on it as on a ``LearningRecord``)."""

    cadre_id: int
    title: str
    source: str
    content_category: str
    institution: object | None       # an Institution (or anything with pk/name/kind/recognised)
    institution_name: str
    start_date: date
    end_date: date
    days: int
    hours: Decimal
    is_system_training: bool = False
    completed: bool = True
    status: str = APPROVED
    kind: str = EntryKind.ENTRY.value
    origin: str = RecordOrigin.DEMO.value
    reason: str = ""
    external_id: str | None = None
    reverses: Entry | None = None
    reviewed_on: date | None = None
    credit_hours: Decimal = ZERO
    credit_days: int = 0
    institution_kind: str = ""
    institution_recognised: bool = False
    institution_id: int | None = None       # for ``set_institution``, which may set it as on a model
    pk: int | None = None
    klass: Klass | None = None              # the timetable a class entry comes from (``demo.classes``)


@dataclass(frozen=True, slots=True)
class Klass:
    """A class on an institution's timetable: everyone who attends shares its title and dates."""

    title: str
    start: date
    end: date
    days: int
    tenths: int          # 学时 × 10
    category: str
    system: bool = False
    audience: str = ""   # the catalogue it was drawn for (``AUDIENCES``): what kind of class it is


@dataclass
class CadreInfo:
    id: int
    person_code: str
    tier: str
    is_leader: bool
    is_team_member: bool
    local_team: str
    is_young_talent: bool
    is_branch_secretary: bool
    category: str
    hired_on: date | None
    non_party: bool
    org_code: str
    org_level: str
    org_name: str
    org_type: str

    @property
    def region(self) -> str:
        """The code of the region whose party school and lectures are the cadre's own."""
        if self.org_level in ("county", "township"):
            return self.org_code[:6]
        if self.org_level == "city":
            return self.org_code[:4]
        return self.org_code[:2]

    @property
    def city(self) -> str:
        return self.org_code[:4] if self.org_level != "province" else self.org_code[:2]


CADRE_FIELDS = ("id", "person_code", "tier", "is_leader", "is_team_member", "local_team", "is_young_talent",
                "is_branch_secretary", "category", "hired_on", "political_status", "org__code", "org__level",
                "org__name", "org__org_type")


def cadre_infos(queryset) -> Iterator[CadreInfo]:
    """The facts the generator needs, in person-code order (the order fixes the random draws)."""
    for row in queryset.order_by("person_code").values_list(*CADRE_FIELDS).iterator(chunk_size=5000):
        (pk, code, tier, leader, team, local, young, branch, category, hired, status, org_code, level,
         org_name, org_type) = row
        yield CadreInfo(pk, code, tier, leader, team, local, young, branch, category, hired,
                        status not in ("中共党员", "中共预备党员"), org_code, level, org_name, org_type)


# ---------------------------------------------------------------------------------------------
# Timetables


@dataclass
class Catalogue:
    """Classes, lectures, study sessions and online courses, made on first use from their own seed."""

    seed: int
    institutions: dict[str, object]
    region_names: dict[str, str] = field(default_factory=dict)
    _classes: dict[tuple, list[Klass]] = field(default_factory=dict)
    _sessions: dict[tuple, list[tuple[date, str]]] = field(default_factory=dict)
    _lectures: dict[tuple, list[tuple[date, str, int]]] = field(default_factory=dict)
    _online: dict[int, dict[int, list[tuple[str, int, str]]]] = field(default_factory=dict)

    def _rng(self, *key) -> random.Random:
        return random.Random(":".join(map(str, (self.seed, *key))))

    # Which institution plays which part for a cadre ------------------------------------------

    def school(self, region: str):
        """The party school of a region (county → its own, falling back to the city's, then the province's)."""
        for code in (f"DX{region}", f"DX{region[:4]}", "DX41"):
            if code in self.institutions:
                return self.institutions[code]
        raise LookupError("演示数据缺少党校")

    def get(self, code: str, fallback):
        return self.institutions.get(code) or fallback

    # Classes --------------------------------------------------------------------------------

    def classes(self, inst, year: int, audience: str) -> list[Klass]:
        key = (inst.code, year, audience)
        found = self._classes.get(key)
        if found is None:
            found = self._classes[key] = self._make_classes(inst, year, audience)
        return found

    def _make_classes(self, inst, year: int, audience: str) -> list[Klass]:
        rng = self._rng("class", inst.code, year, audience)
        level = getattr(inst, "level", "city")
        per_day = {"province": 80, "city": 75}.get(level, 70) if inst.kind == "party_school" else 75
        short = inst.name.split("（")[0]
        spec = AUDIENCES[audience]
        count = rng.randint(*spec["count"])
        made = []
        for _ in range(count):
            days = rng.randint(*spec["days"])
            start = _class_start(rng, year, days)
            category = spec["category"] if isinstance(spec["category"], str) else rng.choice(spec["category"])
            made.append((start, days, category))
        made.sort()
        result = []
        for n, (start, days, category) in enumerate(made, 1):
            end = start + timedelta(days=days - 1)
            title = _class_title(rng, audience, short, year, n, start, category)
            result.append(Klass(title, start, end, days, days * per_day, category, spec.get("system", False),
                                audience))
        return result

    # Lectures, study groups, online ---------------------------------------------------------

    def lectures(self, region: str, year: int) -> list[tuple[date, str, int]]:
        key = (region, year)
        found = self._lectures.get(key)
        if found is None:
            rng = self._rng("lecture", region, year)
            found = []
            for _ in range(rng.randint(5, 8)):
                day = _weekday(rng, year)
                topic = rng.choice((theme(year, day, rng), rng.choice(PRO_TOPICS), rng.choice(KNOW_TOPICS),
                                    rng.choice(SPIRIT_TOPICS)))
                found.append((day, f"专题讲座：{topic}", rng.choice((30, 30, 35, 40))))
            found.sort()
            self._lectures[key] = found
        return found

    def sessions(self, group: str, year: int) -> list[tuple[date, str]]:
        """A leadership team's 理论学习中心组 sessions in a year (about one a month or two)."""
        key = (group, year)
        found = self._sessions.get(key)
        if found is None:
            rng = self._rng("group", group, year)
            days = sorted({_weekday(rng, year) for _ in range(rng.randint(4, 6))})
            found = [(d, f"{year}年第{n}次集体学习：{theme(year, d, rng)}") for n, d in enumerate(days, 1)]
            self._sessions[key] = found
        return found

    def online(self, year: int, month: int) -> list[tuple[str, int, str]]:
        """The online academy's courses open in a month: (title, 学时×10, category)."""
        by_month = self._online.get(year)
        if by_month is None:
            rng = self._rng("online", year)
            courses = []
            for t, first, last in themes(year):
                for _ in range(2):       # the year's themes are the academy's main offer
                    courses.append((f"网络专题班：{t}", rng.choice((200, 240, 300)), THEORY, first, last))
            for topic in rng.sample(PRO_TOPICS, 6):
                courses.append((f"网络专题班：{topic}", rng.choice((150, 200, 240)), PRO, 1, 12))
            for topic in rng.sample(SPIRIT_TOPICS, 3):
                courses.append((f"网络专题班：{topic}", rng.choice((120, 150)), SPIRIT, 1, 12))
            for topic in rng.sample(KNOW_TOPICS, 2):
                courses.append((f"网络课程：{topic}", rng.choice((60, 80)), KNOW, 1, 12))
            by_month = self._online[year] = {
                m: [(t, h, c) for t, h, c, first, last in courses if first <= m <= last] for m in range(1, 13)}
        return by_month[month]


AUDIENCES = {
    # staff of the region: week-long classes at their own party school
    "week": {"count": (5, 7), "days": (5, 7), "category": (THEORY, THEORY, SPIRIT, SPIRIT, PRO, KNOW)},
    "long": {"count": (1, 2), "days": (12, 20), "category": THEORY},
    "branch": {"count": (2, 3), "days": (2, 3), "category": SPIRIT},
    "young": {"count": (1, 2), "days": (20, 30), "category": THEORY},
    "initial": {"count": (1, 2), "days": (12, 14), "category": THEORY},
    # leaders
    "leader_week": {"count": (3, 5), "days": (5, 7), "category": (THEORY, SPIRIT, PRO)},
    "system": {"count": (2, 3), "days": (30, 45), "category": (THEORY, SPIRIT), "system": True},
    "system_short": {"count": (2, 3), "days": (12, 15), "category": SPIRIT, "system": True},
    "spirit_week": {"count": (4, 6), "days": (5, 7), "category": SPIRIT},
    "pro_week": {"count": (3, 5), "days": (5, 7), "category": PRO},
}


def _class_start(rng: random.Random, year: int, days: int) -> date:
    """A Monday in the teaching seasons (March–June, September–early December)."""
    while True:
        month = rng.choice((3, 4, 5, 6, 9, 10, 11, 11, 12))
        day = date(year, month, rng.randint(1, 28))
        day -= timedelta(days=day.weekday())
        if day.year == year and (day + timedelta(days=days - 1)).year == year and day.month not in (1, 2, 7, 8):
            return day


def _weekday(rng: random.Random, year: int) -> date:
    day = date(year, 1, 1) + timedelta(days=rng.randint(10, 355))
    return day - timedelta(days=max(0, day.weekday() - 4))


def _class_title(rng, audience: str, short: str, year: int, n: int, start: date, category: str) -> str:
    if audience == "week":
        if category == PRO:
            return f"{year}年第{n}期{rng.choice(PRO_TOPICS)}专题培训班"
        if category == KNOW:
            return f"{year}年第{n}期{rng.choice(KNOW_TOPICS)}专题培训班"
        if category == SPIRIT:
            return f"{year}年第{n}期党性教育专题培训班"
        return f"{year}年第{n}期{theme(year, start, rng)}专题培训班"
    if audience == "long":
        return f"{year}年第{n}期{rng.choice(('中青年干部培训班', '科级干部进修班', '科级干部任职培训班'))}"
    if audience == "branch":
        return f"{year}年第{n}期党支部书记轮训班"
    if audience == "young":
        return f"{year}年第{n}期优秀年轻干部培训班"
    if audience == "initial":
        return f"{year}年第{n}期新录用公务员初任培训班"
    if audience == "leader_week":
        if category == PRO:
            return f"{year}年{rng.choice(PRO_TOPICS)}专题研讨班（第{n}期）"
        return f"{year}年{theme(year, start, rng)}专题研讨班（第{n}期）"
    if audience == "system":
        kind = "市厅级领导干部进修班" if short.startswith("中共河南省委党校") else "县处级领导干部进修班"
        return f"{year}年第{n}期{kind}"
    if audience == "system_short":
        return f"{year}年第{n}期系统理论教育和严格党性教育专题班"
    if audience == "spirit_week":
        return f"{year}年第{n}期{rng.choice(SPIRIT_TOPICS)}党性教育专题培训班"
    return f"{year}年第{n}期{rng.choice(PRO_TOPICS)}专业化能力培训班"


# ---------------------------------------------------------------------------------------------
# The people


class RecordMaker:
    """Draws each cadre's years of training. One instance per build; cadres in person-code order.

    ``last_day`` (default today) is the demo's "now": the current year is drawn whole, as planned at its
    start, and what ends after ``last_day`` is left out — a partial year, nothing in the future. Self-study
    of the last 75 days still waits for review.
    """

    def __init__(self, seed: int, institutions: dict[str, object], *, region_names: dict[str, str] | None = None,
                 last_day: date | None = None, id_prefix: str = "DEMO", id_digits: int = 6):
        self.seed = seed
        self.shared = self.rng = random.Random(f"{seed}:records")
        self.cat = Catalogue(seed, institutions, region_names or {})
        self.inst = institutions
        self.online_academy = institutions.get("WX41")
        self.last_day = last_day or date.today()
        # the last day the shared stream draws for (its pending reviews are settled later, if need be)
        self.shared_end = min(self.last_day, date(SHARED_LAST_YEAR, 12, 31))
        self.id_prefix, self.id_digits = id_prefix, id_digits
        self.serial: dict[int, int] = {}
        # class entries drawn for after ``last_day``: the trainees of classes running today or still to come
        self.upcoming: list[Entry] = []

    # -- public ---------------------------------------------------------------------------------

    def entries(self, cadre: CadreInfo) -> list[Entry]:
        """Every entry of one cadre, in date order, with external ids and any reversals in place."""
        self.rng = self.shared
        kind = self._kind(cadre)
        traits = self._traits(cadre, kind)
        hired = cadre.hired_on or date(1990, 1, 1)
        out: list[Entry] = []
        held: dict = {}
        for year in range(FIRST_YEAR, self.shared_end.year + 1):
            for e in self._year(cadre, kind, traits, year, hired):
                if e.end_date <= self.shared_end:
                    out.append(e)
                elif e.klass is not None and self.shared_end == self.last_day:
                    self.upcoming.append(e)
        out.sort(key=_in_order)
        out = self._mistakes(out, skip=_repeats(out, held))
        for year in range(SHARED_LAST_YEAR + 1, self.last_day.year + 1):
            # the whole year from the cadre's own stream, then cut at the last day: the draws never
            # depend on the day, so tomorrow's build has today's entries and those that end tomorrow
            self.rng = random.Random(f"{self.seed}:records:{cadre.person_code}:{year}")
            try:
                drawn = self._year(cadre, kind, traits, year, hired)
                drawn.sort(key=_in_order)
                drawn = self._mistakes(drawn, skip=_repeats(drawn, held))
            finally:
                self.rng = self.shared
            for e in drawn:
                if e.end_date <= self.last_day:
                    out.append(e)
                elif e.klass is not None:
                    self.upcoming.append(e)
        self._settle_reviews(cadre, out)
        for e in out:
            if e.kind == EntryKind.ENTRY:
                year = e.end_date.year
                n = self.serial.get(year, 0) + 1
                self.serial[year] = n
                e.external_id = f"{self.id_prefix}-{year}-{n:0{self.id_digits}d}"
        return out

    def _year(self, cadre: CadreInfo, kind: str, traits: dict, year: int, hired: date) -> list[Entry]:
        """One year of a cadre's training, drawn from ``self.rng`` (nothing before hiring)."""
        rng = self.rng
        if date(year, 12, 31) < hired:
            return []
        if rng.random() < (0.01 if kind == "leader" else 0.02):
            return []     # a year away: long sick leave, secondment, maternity leave
        share = 1.0 if hired <= date(year, 1, 1) else (date(year, 12, 31) - hired).days / 365
        year_entries: list[Entry] = []
        if kind == "leader":
            self._leader_year(cadre, traits, year, year_entries)
        else:
            self._staff_year(cadre, traits, year, share, year_entries)
        self._self_study(cadre, year, year_entries)
        return [e for e in year_entries if e.start_date >= hired]

    def _settle_reviews(self, cadre: CadreInfo, entries: list[Entry]) -> None:
        """Self-study of the last 75 days waits for review; older self-study still pending at the end of
        the shared years (a build after 2025) has been reviewed since, each from a stream of its own."""
        recent = self.last_day - timedelta(days=75)
        for e in entries:
            if e.source != SELF or e.kind != EntryKind.ENTRY:
                continue
            if e.end_date >= recent:
                e.status, e.reason, e.reviewed_on = PENDING, "", None
            elif e.status == PENDING:
                self._review(e, random.Random(f"{self.seed}:review:{cadre.person_code}:{e.end_date}:{e.title}"))

    # -- who is who -----------------------------------------------------------------------------

    @staticmethod
    def _kind(c: CadreInfo) -> str:
        if c.is_leader and c.tier in (Tier.MINISTERIAL, Tier.BUREAU, Tier.DIVISION):
            return "leader"
        if c.tier in (Tier.SECTION, Tier.STAFF):
            return "staff"
        return "senior"      # 调研员 and other grades without a post: no yearly or five-year rule

    def _traits(self, c: CadreInfo, kind: str) -> dict:
        rng = self.rng
        t: dict = {}
        if kind == "leader":
            t["meets"] = rng.random() < 0.82
            t["rate"] = rng.uniform(118, 175) if t["meets"] else rng.uniform(45, 100)
            local = bool(c.local_team)
            if rng.random() < (0.10 if local else 0.18):
                # lagging: one system class somewhere in 2014–2025 (before 2018 means not in the ledger)
                t["system_years"] = {FIRST_YEAR + rng.randrange(-4, SHARED_LAST_YEAR - FIRST_YEAR + 1)}
            else:
                interval = rng.choice((2, 2, 3)) if local else rng.choice((3, 4, 5))
                if not t["meets"]:
                    interval += 1
                offset = rng.randrange(interval)
                t["system_years"] = set(range(FIRST_YEAR + offset, FIRST_YEAR + 100, interval))
        else:
            roll = rng.random()
            if c.org_type == "community":
                t["p_meet"] = 0.62 if roll < 0.7 else 0.25
            else:
                t["p_meet"] = 0.96 if roll < 0.75 else 0.75 if roll < 0.93 else 0.30
            if kind == "senior":
                t["p_meet"] = 0.75
            t["no_full_time"] = c.is_young_talent and rng.random() < 0.07
        return t

    # -- a year of a leader (县处级以上领导干部) -----------------------------------------------

    def _leader_year(self, c: CadreInfo, t: dict, year: int, out: list[Entry]) -> None:
        rng, cat = self.rng, self.cat
        city_school = cat.school(c.city)
        province_school = self.inst["DX41"]
        budget = t["rate"] * rng.uniform(0.7, 1.3) * 10
        if year in t["system_years"]:
            roll = rng.random()
            if not t["meets"] and roll < 0.6:
                # the short form at a cadre college: the leader who never finds a month for the party school
                inst = self.inst[rng.choice(("XY4101", "XY4102", "XY4103"))]
                klass = rng.choice(cat.classes(inst, year, "system_short"))
            elif c.tier in (Tier.BUREAU, Tier.MINISTERIAL) or (c.local_team == "county" and roll < 0.25):
                klass = rng.choice(cat.classes(province_school, year, "system"))
                inst = province_school
            elif roll < 0.75:
                klass = rng.choice(cat.classes(city_school, year, "system"))
                inst = city_school
            else:
                inst = self.inst[rng.choice(("XY4101", "XY4102", "XY4103"))]
                klass = rng.choice(cat.classes(inst, year, "system_short"))
            out.append(self._class_entry(c, inst, klass))
            budget -= klass.tenths
        if c.local_team and rng.random() < 0.72:
            # 专业化能力 week of the leadership team (advisory rule)
            inst = self._pro_institution(c, leader=True)
            klass = rng.choice(cat.classes(inst, year, "pro_week"))
            if _free(out, klass):
                out.append(self._class_entry(c, inst, klass))
                budget -= klass.tenths if inst.recognised else 0
        for _ in range(8):
            if budget <= 250:
                break
            roll = rng.random()
            if roll < 0.35:
                inst, audience = city_school, "leader_week"
            elif roll < 0.50:
                inst, audience = province_school, "leader_week"
            elif roll < 0.72:
                inst = self.inst[rng.choice(("XY4101", "XY4102", "XY4103", "JD4101", "JD4102", "JD4103"))]
                audience = "spirit_week"
            else:
                inst, audience = self._pro_institution(c, leader=True), "pro_week"
            klass = rng.choice(cat.classes(inst, year, audience))
            if not _free(out, klass):
                continue
            out.append(self._class_entry(c, inst, klass))
            if inst.recognised and out[-1].completed:
                budget -= klass.tenths
        self._group(c, year, out)
        self._lectures(c, year, rng.choice((1, 1, 2, 2, 3)), out)
        self._online(c, year, rng.randint(20, 60) * 10, out, cap=None)

    def _pro_institution(self, c: CadreInfo, *, leader: bool):
        rng = self.rng
        roll = rng.random()
        fallback = self.cat.school(c.city)
        if roll < 0.04:
            return self.inst.get("SH4199001") or fallback      # a private provider: not recognised
        if roll < 0.40:
            return self.cat.get(f"GX{c.city}", fallback)
        if roll < 0.60 and c.org_code.endswith("CZJ"):
            return self.cat.get(f"BM{c.city}CZ", fallback)
        if c.non_party and roll < 0.70:
            return self.cat.get(f"SY{c.city}", fallback)
        if leader and roll < 0.75:
            return self.inst["DX41"]
        return fallback

    # -- a year of a staff member (科级以下) ----------------------------------------------------

    def _staff_year(self, c: CadreInfo, t: dict, year: int, share: float, out: list[Entry]) -> None:
        rng, cat = self.rng, self.cat
        meets = rng.random() < t["p_meet"]
        if share < 1:
            meets = meets and share > 0.75
        cap = None if meets else rng.randint(25, 86) * 10       # what a short year stays under
        home = cat.school(c.region)
        counted = 0
        days = 0

        def add(entry: Entry) -> bool:
            nonlocal counted, days
            if cap is not None and (counted + entry.hours * 10 > cap or days + entry.days >= 12):
                return False
            out.append(entry)
            if entry.completed:
                counted += int(entry.hours * 10)
                days += entry.days
            return True

        initial = self._initial_class(c)
        if initial and initial[1].start.year == year:
            add(self._class_entry(c, *initial))
        for entry in self._group_entries(c, year):
            add(entry)
        def attend(inst, audience: str) -> None:
            klass = rng.choice(cat.classes(inst, year, audience))
            if _free(out, klass):
                add(self._class_entry(c, inst, klass))

        if c.is_branch_secretary and rng.random() < 0.86:
            attend(home, "branch")
        if c.is_young_talent and not t["no_full_time"] and rng.random() < 0.3:
            attend(cat.school(c.city), "young")
        if not t["no_full_time"] and share > 0.3:
            roll = rng.random()
            if meets and roll < 0.09 and c.tier == Tier.SECTION:
                attend(home, "long")
            elif roll < (0.62 if meets else 0.35):
                if rng.random() < 0.8 or c.org_type == "community":
                    attend(home, "week")
                else:
                    attend(self._pro_institution(c, leader=False), "pro_week")
        self._lectures(c, year, rng.choice((0, 1, 1, 1, 2, 2)), out, add)
        target = int(rng.uniform(92, 135) * 10 * share) if meets else (cap or 0)
        need = max(target - counted, rng.randint(6, 30) * 10 if days >= 12 else 0)
        if t["p_meet"] < 0.5 and rng.random() < 0.5:
            need = min(need, 300)
        self._online(c, year, need, out, cap=cap, add=add)

    def _initial_class(self, c: CadreInfo):
        """初任培训: the city party school's first class at least a month after hiring, within the probation year."""
        hired = c.hired_on
        if not hired or hired.year < FIRST_YEAR or c.category not in ("civil_servant", "grassroots"):
            return None
        school = self.cat.school(c.city)
        for year in (hired.year, hired.year + 1):
            if year > self.last_day.year:
                return None
            for klass in self.cat.classes(school, year, "initial"):
                if hired + timedelta(days=30) < klass.start < hired + timedelta(days=365):
                    return school, klass
        return None

    # -- shared pieces ----------------------------------------------------------------------------

    def _class_entry(self, c: CadreInfo, inst, klass: Klass) -> Entry:
        roll = self.rng.random()
        completed = roll >= 0.012
        reason = "" if completed else LEAVE_REASON if roll < 0.006 else ABSENCE_REASON
        return Entry(c.id, klass.title, FT, klass.category, inst, inst.name, klass.start, klass.end, klass.days,
                     hours(klass.tenths), is_system_training=klass.system, completed=completed, reason=reason,
                     klass=klass)

    def _group_entries(self, c: CadreInfo, year: int) -> list[Entry]:
        if c.local_team:
            group = c.region if c.local_team == "county" else c.city
            name = f"中共{self.cat.region_names.get(group, '')}委理论学习中心组"
        elif c.is_team_member and c.tier != Tier.STAFF:
            group = c.org_code
            body = "党（工）委" if c.org_type == "township" else "党组（党委）"
            name = f"{c.org_name}{body}理论学习中心组"
        else:
            return []
        rng = self.rng
        return [Entry(c.id, title, GROUP, THEORY, None, name, day, day, 0, hours(30))
                for day, title in self.cat.sessions(group, year) if rng.random() < 0.9]

    def _group(self, c: CadreInfo, year: int, out: list[Entry]) -> None:
        out.extend(self._group_entries(c, year))

    def _lectures(self, c: CadreInfo, year: int, n: int, out: list[Entry], add=None) -> None:
        if not n:
            return
        rng = self.rng
        school = self.cat.school(c.region)
        for day, title, tenths in rng.sample(self.cat.lectures(c.region, year), n):
            if rng.random() < 0.5:
                entry = Entry(c.id, title, LECTURE, THEORY, school, school.name, day, day, 0, hours(tenths))
            else:
                entry = Entry(c.id, title, LECTURE, THEORY, None, c.org_name, day, day, 0, hours(tenths))
            if add is None:
                out.append(entry)
            elif not add(entry):
                return

    def _online(self, c: CadreInfo, year: int, need: int, out: list[Entry], *, cap, add=None) -> None:
        """网络专题班 until ``need`` 学时×10 are reached (or the year's cap would be passed)."""
        if need <= 0 or self.online_academy is None:
            return
        rng = self.rng
        academy = self.online_academy
        got = 0
        start_of_year = date(year, 1, 1).toordinal()
        for _ in range(14):
            end = date.fromordinal(start_of_year + rng.randint(20, 362))
            title, tenths, category = rng.choice(self.cat.online(year, end.month))
            begin = max(date(year, 1, 1), end - timedelta(days=rng.randint(3, 40)))
            entry = Entry(c.id, title, ONLINE, category, academy, academy.name, begin, end, 0, hours(tenths))
            if add is None:
                out.append(entry)
            elif not add(entry):
                return
            got += tenths
            if got >= need:
                return

    def _self_study(self, c: CadreInfo, year: int, out: list[Entry]) -> None:
        rng = self.rng
        if rng.random() >= 0.22:
            return
        books = [b for b, since in BOOKS if since <= year]
        end = date.fromordinal(date(year, 1, 1).toordinal() + rng.randint(60, 360))
        begin = end - timedelta(days=rng.randint(20, 50))
        if begin.year != year:
            begin = date(year, 1, 1)
        entry = Entry(c.id, f"在职自学：研读《{rng.choice(books)}》", SELF, THEORY, None, "", begin, end, 0,
                      hours(rng.choice((80, 100, 120, 160, 200))), origin=RecordOrigin.SELF_REPORTED.value)
        last = self.shared_end
        if year <= SHARED_LAST_YEAR and year == last.year and end >= last - timedelta(days=75):
            entry.status = PENDING           # still waiting for the unit's review (see ``_settle_reviews``)
        else:
            self._review(entry, rng)
        out.append(entry)

    @staticmethod
    def _review(entry: Entry, rng: random.Random) -> None:
        """The unit's review a few days after the cadre reported: now and then sent back."""
        if rng.random() < 0.04:
            entry.status = REJECTED
            entry.reason = "学习笔记不完整，请补充后重新申报"
            entry.reviewed_on = entry.end_date + timedelta(days=rng.randint(3, 20))
        else:
            entry.status = APPROVED
            entry.reviewed_on = entry.end_date + timedelta(days=rng.randint(2, 20))

    def _mistakes(self, entries: list[Entry], *, skip: frozenset = frozenset()) -> list[Entry]:
        """A few entries entered wrong (reversed and corrected) or pushed twice (the copy reversed); the entries
        in ``skip`` (by ``id``) left out. Each entry draws its roll all the same, so that what the other
        entries and the next cadres draw does not depend on what was left out."""
        rng = self.rng
        extra: list[tuple[int, list[Entry]]] = []
        for i, e in enumerate(entries):
            if e.status != APPROVED or not e.completed:
                continue
            roll = rng.random()
            if id(e) in skip:
                continue
            if e.source == FT and roll < 0.006:
                wrong = Entry(e.cadre_id, e.title, e.source, e.content_category, e.institution, e.institution_name,
                              e.start_date, e.end_date, e.days, hours(int(e.hours * 20)),
                              is_system_training=e.is_system_training)
                twin = _reversal(wrong, "更正：学时登记有误，按每天学时的两倍录入")
                e.reason = "更正原登记：学时按每天学时的两倍录入，现按班次课表更正"
                extra.append((i, [wrong, twin]))
            elif e.source == ONLINE and roll < 0.003:
                copy = Entry(e.cadre_id, e.title, e.source, e.content_category, e.institution, e.institution_name,
                             e.start_date, e.end_date, e.days, e.hours)
                extra.append((i + 1, [copy, _reversal(copy, "网络学院重复推送，冲销重复记录")]))
        for at, items in reversed(extra):
            entries[at:at] = items
        return [e for e in entries if id(e) not in skip]


def _in_order(e: Entry) -> tuple:
    return (e.end_date, e.start_date, e.title)


REPEAT_DAYS = 365
CORE_AUDIENCES = frozenset({"system", "young", "long"})


def _repeats(entries: list[Entry], held: dict) -> frozenset:
    """The entries (by ``id``, in the date order of ``entries``) that would repeat a class the cadre had within a
    year: the same programme again, or a second 主体班 of the same content — the 重复调训 the plans forbid and
    officers avoid; left in, the demo's conflicts report would list hundreds. ``held``: programme → last start,
    carried across years."""
    from ganxun.callups.conflicts import topic_of

    found = set()
    for e in entries:
        k = e.klass
        if e.source != FT or k is None or e.kind != EntryKind.ENTRY:
            continue
        keys = [topic_of(k.title)]
        if k.audience in CORE_AUDIENCES:
            keys.append(("core", k.category))
        if any((last := held.get(key)) is not None and (k.start - last).days <= REPEAT_DAYS for key in keys):
            found.add(id(e))
            continue
        for key in keys:
            held[key] = k.start
    return frozenset(found)


def _free(entries: list[Entry], klass: Klass) -> bool:
    """Whether the cadre is not already in another full-time class on any day of ``klass``."""
    return not any(e.source == FT and e.start_date <= klass.end and klass.start <= e.end_date for e in entries)


def _reversal(original: Entry, reason: str) -> Entry:
    """The negative twin of an entry, as ``records.services`` writes it."""
    set_credit(original)
    return Entry(original.cadre_id, original.title, original.source, original.content_category,
                 original.institution, original.institution_name, original.start_date, original.end_date,
                 original.days, original.hours, is_system_training=original.is_system_training,
                 completed=original.completed, status=original.status, kind=EntryKind.REVERSAL.value,
                 origin=original.origin, reason=reason, reverses=original,
                 credit_hours=-original.credit_hours, credit_days=-original.credit_days)


def region_names() -> dict[str, str]:
    """Region code → name (示例市, 东城区 …), for the names of the local study groups."""
    from ganxun.orgs.models import Org, OrgType

    return dict(Org.objects.filter(org_type=OrgType.REGION).values_list("code", "name"))


def plan_entries(cadres: Iterable[CadreInfo], institutions: dict[str, object], seed: int, *,
                 region_names: dict[str, str] | None = None, last_day: date | None = None,
                 id_prefix: str = "DEMO", id_digits: int = 6) -> Iterator[Entry]:
    """Every entry for ``cadres`` (in their order), with the institution copied by ``set_institution`` and
    the credits set by ``set_credit`` — the ledger's own rules, applied to plain objects."""
    maker = RecordMaker(seed, institutions, region_names=region_names, last_day=last_day, id_prefix=id_prefix,
                        id_digits=id_digits)
    return prepared_entries(maker, cadres)


def prepared_entries(maker: RecordMaker, cadres: Iterable[CadreInfo]) -> Iterator[Entry]:
    for cadre in cadres:
        for entry in maker.entries(cadre):
            if entry.institution is not None:
                set_institution(entry, entry.institution)
            set_credit(entry)
            yield entry


# ---------------------------------------------------------------------------------------------
# Writing them


# The ledger's columns, in the order ``entry_row`` gives them (``review_org``: a claim passed up; the demo's
# pending claims wait at their unit, which an empty value means). A bulk load of half a million rows
# through ``bulk_create`` costs about 150 µs a row on SQLite (999 parameters a statement, so 34 rows,
# and every value prepared per field); one prepared INSERT run with ``executemany`` costs a tenth.
COLUMNS = ("id", "cadre_id", "external_id", "title", "source", "content_category", "institution_id",
           "institution_name", "institution_kind", "institution_recognised", "start_date", "end_date", "days",
           "hours", "is_system_training", "completed", "status", "kind", "reverses_id", "credit_hours",
           "credit_days", "origin", "reason", "recorded_by_id", "recorded_at", "reviewed_by_id", "reviewed_at",
           "review_org_id")


def check_columns() -> None:
    """Refuse to load when the ledger table has changed shape (a new column needs a value here)."""
    actual = {f.column for f in LearningRecord._meta.concrete_fields}
    if actual != set(COLUMNS):
        raise RuntimeError(f"LearningRecord 的字段已变化，演示数据生成器需要更新：{sorted(actual ^ set(COLUMNS))}")


def reviewed_at(day: date | None):
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def entry_row(e: Entry, recorded_at) -> tuple:
    """One entry as a row of ``COLUMNS`` (Python values: dates, Decimals, booleans)."""
    return (e.pk, e.cadre_id, e.external_id, e.title, e.source, e.content_category,
            e.institution.pk if e.institution is not None else None, e.institution_name, e.institution_kind,
            e.institution_recognised, e.start_date, e.end_date, e.days, e.hours, e.is_system_training, e.completed,
            e.status, e.kind, e.reverses.pk if e.reverses is not None else None, e.credit_hours, e.credit_days,
            e.origin, e.reason, None, recorded_at, None, reviewed_at(e.reviewed_on), None)


def row_maker(connection, recorded_at):
    """``entry → row`` in what the driver takes: Python values for psycopg, text dates for SQLite."""
    if connection.vendor != "sqlite":
        return lambda e: entry_row(e, recorded_at)
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(recorded_at)
    text = str

    def row(e: Entry) -> tuple:
        return (e.pk, e.cadre_id, e.external_id, e.title, e.source, e.content_category,
                e.institution.pk if e.institution is not None else None, e.institution_name, e.institution_kind,
                e.institution_recognised, e.start_date.isoformat(), e.end_date.isoformat(), e.days, text(e.hours),
                e.is_system_training, e.completed, e.status, e.kind, e.reverses.pk if e.reverses is not None else None,
                text(e.credit_hours), e.credit_days, e.origin, e.reason, None, stamp, None,
                ops.adapt_datetimefield_value(reviewed_at(e.reviewed_on)) if e.reviewed_on else None, None)

    return row


def load_totals() -> int:
    """Rebuild ``CadreYearTotal`` from the ledger (``records.totals.rebuild_totals``: one INSERT … SELECT)."""
    from ganxun.records.totals import rebuild_totals

    return rebuild_totals()


def build_records(seed: int, *, cadres=None, last_day: date | None = None, classes: bool = True) -> int:
    """Write the demo ledger for every cadre (or ``cadres``) and rebuild the totals; returns the count.

    Runs in the caller's transaction. Credits come from ``set_credit`` and the institution's kind and
    recognition from ``set_institution``, as for any other entry. Rows go in through the ledger's bulk
    path (``records.bulk.insert_rows``) in batches, originals before the reversals that point at them;
    the per-year totals are rebuilt once at the end (one aggregate) instead of kept up during the load.

    The full-time class entries are held back and handed to ``demo.classes.build_classes``, which runs
    those classes (timetable, trainees, attendance, 结班) and writes the entries as their completions
    (``classes=False``: written as plain demo entries, as before the classes module).
    """
    from django.db import connection

    from ganxun.cadres.models import Cadre
    from ganxun.records.bulk import insert_rows
    from ganxun.resources.models import Institution

    check_columns()
    institutions = {i.code: i for i in Institution.objects.all()}
    queryset = cadres if cadres is not None else Cadre.objects.all()
    make_row = row_maker(connection, timezone.now())
    columns = COLUMNS[1:]          # the ids come from the database
    written = 0
    batch: list[Entry] = []

    def insert(entries: list[Entry], rows=None) -> None:
        rows = rows if rows is not None else (make_row(e)[1:] for e in entries)
        ids = insert_rows(LearningRecord, columns, rows, count=len(entries), returning_ids=True)
        for entry, pk in zip(entries, ids, strict=True):
            entry.pk = pk

    def flush() -> None:
        nonlocal written
        insert([e for e in batch if e.kind != EntryKind.REVERSAL])
        twins = [e for e in batch if e.kind == EntryKind.REVERSAL]
        if twins:
            insert(twins)
        written += len(batch)
        batch.clear()

    maker = RecordMaker(seed, institutions, region_names=region_names(), last_day=last_day)
    infos: list[CadreInfo] = []
    held: list[Entry] = []

    def noted(rows: Iterable[CadreInfo]) -> Iterator[CadreInfo]:
        for info in rows:
            infos.append(info)
            yield info

    for entry in prepared_entries(maker, noted(cadre_infos(queryset))):
        if classes and entry.klass is not None:
            held.append(entry)
            continue
        if len(batch) >= BATCH and entry.kind != EntryKind.REVERSAL:
            flush()
        batch.append(entry)
    if batch:
        flush()
    if classes:
        from ganxun.demo.classes import build_classes

        written += build_classes(seed, maker.last_day, held, maker.upcoming, infos, institutions,
                                 insert_entries=insert, row_maker=lambda at: row_maker(connection, at))
    load_totals()
    return written
