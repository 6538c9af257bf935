"""The demo world: 示例市, a fictional city of 河南省, with its counties, townships, units, cadres,
training institutions and a login for every role.

Everything comes from one ``random.Random(seed)`` drawn in a fixed order, and ages and dates count
from ``REFERENCE_DATE``, so the same size and seed always give the same person codes, names and ID
numbers. The learning ledger runs from 2018 up to the day of the build (``last_day``, today unless
given): the same seed and day always give the same ledger (see ``ganxun.demo.records``). Its full-time
classes are classes the institutions ran (``ganxun.demo.classes``): a ``TrainingClass`` with its timetable,
trainees, attendance, closing documents and certificates, and the ledger's class entries are their
completions; the city party school (login ``dangxiao``) also has classes in progress, waiting for 结班 and
open for enrolment on the build day. The build expects an empty database (``ganxun demo`` sees to that).

Shares aimed at (size ``city``): a handful of bureau-tier cadres (the city's party and government
leadership), about 5% division, about 27% section, the rest staff; about a third women, a few percent
minorities, about 8% outside the party, about 5% young talents and about 8% branch secretaries.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction

from ganxun.cadres.models import Cadre, CadreCategory, LocalTeam
from ganxun.cadres.ranks import Rank, Tier, tier_of
from ganxun.core.idnumbers import check_char
from ganxun.demo import units as U
from ganxun.demo.names import NameMaker
from ganxun.orgs.authority import AuthorityIndex
from ganxun.orgs.models import Level, Org, OrgKind, OrgType
from ganxun.resources.models import Institution, InstitutionKind
from ganxun.core.roles import UNSCOPED_OPERATOR

REFERENCE_DATE = date(2026, 1, 1)
DEMO_PASSWORD = "Ganxun@2026"
DEFAULT_SEED = 2026
BATCH = 2000

PROVINCE_CODE, PROVINCE_NAME = "41", "河南省"
PROVINCE_DEPT_CODE = "41ZZB"


# ---------------------------------------------------------------------------------------------
# Sizes


@dataclass(frozen=True)
class CityPlan:
    code: str
    name: str
    short: str
    counties: int
    city_units: int
    county_units: int
    townships: int      # per county
    communities: int    # per township
    cadres: int         # aimed-at number of cadres in the city
    local_teams: bool = True


@dataclass(frozen=True)
class SizePlan:
    cities: tuple[CityPlan, ...]
    province_units: int = U.PROVINCE_ALWAYS
    province_cadres: int = 0


def _city(index: int, **kw) -> CityPlan:
    code, name, short = U.CITIES[index]
    return CityPlan(code=code, name=name, short=short, **kw)


SIZES: dict[str, SizePlan] = {
    "small": SizePlan(cities=(
        _city(0, counties=2, city_units=12, county_units=8, townships=2, communities=1, cadres=470),
        _city(1, counties=1, city_units=3, county_units=2, townships=1, communities=1, cadres=30, local_teams=False),
    )),
    "city": SizePlan(cities=(
        _city(0, counties=7, city_units=44, county_units=26, townships=5, communities=2, cadres=9700),
        _city(1, counties=1, city_units=5, county_units=3, townships=1, communities=1, cadres=300),
    )),
    "province": SizePlan(
        cities=(_city(0, counties=7, city_units=44, county_units=26, townships=5, communities=2, cadres=10000),)
        + tuple(_city(i, counties=6, city_units=40, county_units=24, townships=5, communities=2, cadres=11000)
                for i in range(1, len(U.CITIES))),
        province_units=len(U.PROVINCE_UNITS), province_cadres=3000,
    ),
}


# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    role_label: str
    scope: str
    password: str = DEMO_PASSWORD


@dataclass
class DemoSummary:
    size: str
    seed: int
    cities: list[str] = field(default_factory=list)
    regions: int = 0
    counties: int = 0
    townships: int = 0
    org_departments: int = 0
    units: int = 0
    orgs: int = 0
    cadres: int = 0
    records: int = 0
    classes: int = 0
    institutions: int = 0
    accounts: list[DemoAccount] = field(default_factory=list)
    seconds: float = 0.0
    last_day: date | None = None    # the ledger's last day (the demo's "today")


# ---------------------------------------------------------------------------------------------
# Posts: what a unit's staffing looks like before people are drawn for it


@dataclass
class Post:
    rank: str
    title: str
    category: str
    is_leader: bool = False
    is_team_member: bool = False
    is_principal: bool = False
    local_team: str = ""
    female: bool | None = None
    non_party: bool | None = None
    branch_secretary: bool = False


@dataclass
class Node:
    """An org that holds cadres, with what decides its staffing."""

    org: Org
    level: str            # province | city | county (the level its ranks follow)
    kind: str             # a unit kind from ``units`` or township / community
    weight: float
    udef: U.UnitDef | None = None
    county: "CountyInfo | None" = None
    size: int = 0


@dataclass
class CountyInfo:
    org: Org
    title_char: str       # 县, 区 or 市 (a county-level city)
    index: int


@dataclass
class CityInfo:
    plan: CityPlan
    org: Org
    dept: Org
    nodes: list[Node] = field(default_factory=list)
    counties: list[CountyInfo] = field(default_factory=list)
    offices: dict[str, Org] = field(default_factory=dict)          # city party / government office
    county_offices: dict[str, dict[str, Org]] = field(default_factory=dict)
    birth_prefixes: list[str] = field(default_factory=list)


LEVEL_RANKS = {
    "province": (Rank.BUREAU_CHIEF, Rank.BUREAU_DEPUTY, Rank.DIVISION_CHIEF, Rank.DIVISION_DEPUTY),
    "city": (Rank.DIVISION_CHIEF, Rank.DIVISION_DEPUTY, Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY),
    "county": (Rank.SECTION_CHIEF, Rank.SECTION_DEPUTY, None, None),
}
# Tier of a cadre without a leadership post, by the level of their unit: (bureau, division, section).
GRADE_TIER_SHARES = {
    "province": (0.02, 0.33, 0.38),
    "city": (0.0, 0.06, 0.31),
    "county": (0.0, 0.004, 0.135),
}
CIVIL_GRADES = {
    Tier.BUREAU: ((Rank.INSPECTOR_1, 1), (Rank.INSPECTOR_2, 3)),
    Tier.DIVISION: ((Rank.RESEARCHER_1, 1), (Rank.RESEARCHER_2, 2), (Rank.RESEARCHER_3, 4), (Rank.RESEARCHER_4, 7)),
    Tier.SECTION: ((Rank.PRINCIPAL_CLERK_1, 3), (Rank.PRINCIPAL_CLERK_2, 3), (Rank.PRINCIPAL_CLERK_3, 3),
                   (Rank.PRINCIPAL_CLERK_4, 4)),
    Tier.STAFF: ((Rank.CLERK_1, 5), (Rank.CLERK_2, 4)),
}
COUNTY_DIVISION_GRADES = ((Rank.RESEARCHER_3, 1), (Rank.RESEARCHER_4, 6))
# Institutions and enterprises have grades (级别) rather than civil-service 职级.
OTHER_GRADES = {
    Tier.BUREAU: ((Rank.BUREAU_DEPUTY, 1),),
    Tier.DIVISION: ((Rank.DIVISION_CHIEF, 1), (Rank.DIVISION_DEPUTY, 3)),
    Tier.SECTION: ((Rank.SECTION_CHIEF, 1), (Rank.SECTION_DEPUTY, 2)),
    Tier.STAFF: ((Rank.CLERK, 4), (Rank.JUNIOR_CLERK, 1)),
}
CIVIL_KINDS = {U.PARTY, U.GOV, U.ORG_DEPT, "township"}

SECTIONS = {
    "civil": ("办公室", "综合科", "人事科", "财务科", "政策法规科", "规划科", "督查科", "信息科", "审批服务科",
              "执法监督科", "宣传科", "机关党委", "发展研究科", "项目管理科", "安全监管科", "统计科",
              "考核评价科", "调研科", "法制科", "监督检查科"),
    "institution": ("办公室", "人事科", "财务科", "党委办公室", "业务科", "后勤保障科", "信息中心", "科研科",
                    "质量管理科", "宣传科"),
    "enterprise": ("综合部", "财务部", "人力资源部", "投资发展部", "工程管理部", "风险控制部", "党群工作部",
                   "审计部", "运营管理部", "安全生产部"),
    "college": ("党委办公室", "校长办公室", "组织部", "宣传部", "教务处", "学生工作处", "科研处", "财务处",
                "人事处", "后勤管理处", "纪检监察室", "图书馆"),
}
PROVINCE_SECTIONS = ("办公室", "综合处", "人事处", "财务处", "政策法规处", "规划处", "督查处", "信息处",
                     "审批服务处", "监督处", "宣传处", "机关党委", "发展研究处", "项目管理处")

MINORITIES = (("回族", 60), ("满族", 12), ("蒙古族", 10), ("壮族", 5), ("土家族", 5), ("苗族", 4), ("朝鲜族", 2),
              ("维吾尔族", 2))
NON_PARTY_LEADER_STATUSES = (("九三学社社员", 3), ("民盟盟员", 3), ("民进会员", 2), ("农工党党员", 2),
                             ("民建会员", 2), ("致公党党员", 1), ("民革党员", 1), ("无党派人士", 3))
NON_PARTY_STATUSES = (("群众", 12),) + NON_PARTY_LEADER_STATUSES

CITY_TEAM = (
    # office, title, rank, principal
    ("party", "{t}委书记", Rank.BUREAU_CHIEF, True),
    ("gov", "{t}委副书记、{t}长", Rank.BUREAU_CHIEF, True),
    ("party", "{t}委副书记", Rank.BUREAU_DEPUTY, False),
    ("gov", "{t}委常委、常务副{t}长", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、组织部部长", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、{t}纪委书记、{t}监委主任", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、宣传部部长", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、政法委书记", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、统战部部长", Rank.BUREAU_DEPUTY, False),
    ("party", "{t}委常委、秘书长", Rank.BUREAU_DEPUTY, False),
    ("gov", "副{t}长", Rank.BUREAU_DEPUTY, False),
    ("gov", "副{t}长", Rank.BUREAU_DEPUTY, False),
    ("gov", "副{t}长", Rank.BUREAU_DEPUTY, False),
)
COUNTY_TEAM = (
    ("party", "{t}委书记", Rank.DIVISION_CHIEF, True),
    ("gov", "{t}委副书记、{t}长", Rank.DIVISION_CHIEF, True),
    ("party", "{t}委副书记", Rank.DIVISION_DEPUTY, False),
    ("gov", "{t}委常委、常务副{t}长", Rank.DIVISION_DEPUTY, False),
    ("party", "{t}委常委、组织部部长", Rank.DIVISION_DEPUTY, False),
    ("party", "{t}委常委、{t}纪委书记、{t}监委主任", Rank.DIVISION_DEPUTY, False),
    ("party", "{t}委常委、宣传部部长", Rank.DIVISION_DEPUTY, False),
    ("party", "{t}委常委、政法委书记", Rank.DIVISION_DEPUTY, False),
    ("gov", "副{t}长", Rank.DIVISION_DEPUTY, False),
    ("gov", "副{t}长", Rank.DIVISION_DEPUTY, False),
    ("gov", "副{t}长", Rank.DIVISION_DEPUTY, False),
)
# Every other county also has its 统战部长 on the standing committee (11 or 12 members).
COUNTY_TEAM_EXTRA = ("party", "{t}委常委、统战部部长", Rank.DIVISION_DEPUTY, False)

TOWNSHIP_TEAMS = {
    "街道": ("党工委书记", "办事处主任", "党工委副书记", "人大工委主任", "纪工委书记", "办事处副主任",
             "办事处副主任", "党工委委员、组织委员", "党工委委员、武装部部长", "办事处副主任"),
    "镇": ("党委书记", "镇长", "党委副书记", "人大主席", "纪委书记", "副镇长", "副镇长", "党委委员、组织委员",
           "党委委员、宣传委员", "党委委员、武装部部长"),
    "乡": ("党委书记", "乡长", "党委副书记", "人大主席", "纪委书记", "副乡长", "副乡长", "党委委员、组织委员",
           "党委委员、宣传委员", "党委委员、武装部部长"),
}

# (minimum age at the rank, mode of the age, maximum) by tier; grades run older than posts.
AGES = {
    (Tier.BUREAU, True): (46.0, 55.0, 59.9),
    (Tier.BUREAU, False): (52.0, 57.0, 59.9),
    (Tier.DIVISION, True): (36.0, 51.0, 59.9),
    (Tier.DIVISION, False): (44.0, 55.0, 59.9),
    (Tier.SECTION, True): (29.0, 45.0, 59.9),
    (Tier.SECTION, False): (30.0, 47.0, 59.9),
    (Tier.STAFF, True): (23.0, 28.0, 59.9),
    (Tier.STAFF, False): (23.0, 27.0, 59.9),
}
WOMEN = {Tier.BUREAU: 0.10, Tier.DIVISION: 0.19, Tier.SECTION: 0.28, Tier.STAFF: 0.33}
NON_PARTY = {Tier.BUREAU: 0.0, Tier.DIVISION: 0.03, Tier.SECTION: 0.05, Tier.STAFF: 0.10}
YEARS_BEFORE_RANK = {Tier.SECTION: 4, Tier.DIVISION: 10, Tier.BUREAU: 18, Tier.MINISTERIAL: 25}


def _weighted(rng: random.Random, pairs) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` into whole numbers that add up to it."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    sizes = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - sizes[i]), i))
    for i in order[: total - sum(sizes)]:
        sizes[i] += 1
    return sizes


# ---------------------------------------------------------------------------------------------
# The builder


class DemoBuilder:
    def __init__(self, size: str, seed: int):
        if size not in SIZES:
            raise ValueError(f"size 应为 {', '.join(SIZES)} 之一")
        self.size = size
        self.plan = SIZES[size]
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NameMaker(self.rng)
        self.orgs: list[Org] = []
        self.cities: list[CityInfo] = []
        self.province_nodes: list[Node] = []
        self.used_ids: dict[str, set[int]] = {}
        self.person_seq = 0

    # -- orgs ---------------------------------------------------------------------------------

    def _add(self, parent: Org | None, code: str, name: str, org_type: str, level: str) -> Org:
        values = dict(code=code, name=name, org_type=org_type, level=level)
        org = Org.objects.add_root(values) if parent is None else Org.objects.add_child(parent, values)
        self.orgs.append(org)
        return org

    def build_orgs(self) -> None:
        self.province = self._add(None, PROVINCE_CODE, PROVINCE_NAME, OrgType.REGION, Level.PROVINCE)
        self.province_dept = self._add(self.province, PROVINCE_DEPT_CODE, "河南省委组织部", OrgType.ORG_DEPARTMENT,
                                       Level.PROVINCE)
        self.province_units: dict[str, Org] = {}
        for udef in U.PROVINCE_UNITS[: self.plan.province_units]:
            org = self._add(self.province, PROVINCE_CODE + udef.code, udef.name, udef.org_type, Level.PROVINCE)
            self.province_units[udef.code] = org
            self.province_nodes.append(Node(org, "province", udef.kind, udef.weight, udef))
        if self.plan.province_cadres:
            self.province_nodes.insert(0, Node(self.province_dept, "province", U.ORG_DEPT, 1.2,
                                               U.UnitDef("ZZB", "", OrgType.ORG_DEPARTMENT, 1.2, U.ORG_DEPT,
                                                         "常务副部长", "副部长", head_is_principal=False)))
        other_names = iter(U.OTHER_COUNTY_NAMES)
        for plan in self.plan.cities:
            self.cities.append(self._build_city(plan, other_names))

    def _build_city(self, plan: CityPlan, other_names) -> CityInfo:
        city = self._add(self.province, plan.code, plan.name, OrgType.REGION, Level.CITY)
        dept = self._add(city, plan.code + "ZZB", f"{plan.name}委组织部", OrgType.ORG_DEPARTMENT, Level.CITY)
        info = CityInfo(plan=plan, org=city, dept=dept)
        info.nodes.append(Node(dept, "city", U.ORG_DEPT, 1.0, U.UnitDef(
            "ZZB", "", OrgType.ORG_DEPARTMENT, 1.0, U.ORG_DEPT, "常务副部长", "副部长", head_is_principal=False)))
        for udef in U.CITY_UNITS[: plan.city_units]:
            org = self._add(city, plan.code + udef.code, udef.name.format(r=plan.name, s=plan.short),
                            udef.org_type, Level.CITY)
            info.nodes.append(Node(org, "city", udef.kind, udef.weight, udef))
            if udef.code == "SWB":
                info.offices["party"] = org
            elif udef.code == "ZFB":
                info.offices["gov"] = org
        for index in range(plan.counties):
            if plan.code == U.CITIES[0][0]:
                suffix, name = U.DEMO_COUNTIES[index]
            else:
                base = next(other_names)
                suffix = f"{index + 1:02d}" if index < 2 else (f"{index + 19:02d}" if index < plan.counties - 1
                                                                else "81")
                name = base + ("区" if index < 2 else ("县" if index < plan.counties - 1 else "市"))
            self._build_county(info, plan.code + suffix, name, index)
        return info

    def _build_county(self, info: CityInfo, code: str, name: str, index: int) -> None:
        plan = info.plan
        county = self._add(info.org, code, name, OrgType.REGION, Level.COUNTY)
        county_info = CountyInfo(org=county, title_char=name[-1], index=index)
        info.counties.append(county_info)
        info.birth_prefixes.append(code)
        dept = self._add(county, code + "ZZB", f"{name}委组织部", OrgType.ORG_DEPARTMENT, Level.COUNTY)
        info.nodes.append(Node(dept, "county", U.ORG_DEPT, 0.6, U.UnitDef(
            "ZZB", "", OrgType.ORG_DEPARTMENT, 0.6, U.ORG_DEPT, "常务副部长", "副部长", head_is_principal=False),
            county=county_info))
        offices = info.county_offices.setdefault(code, {})
        for udef in U.COUNTY_UNITS[: plan.county_units]:
            org = self._add(county, code + udef.code, udef.name.format(r=name, s=name[:-1]), udef.org_type,
                            Level.COUNTY)
            info.nodes.append(Node(org, "county", udef.kind, udef.weight * 0.55, udef, county=county_info))
            if udef.code == "WB":
                offices["party"] = org
            elif udef.code == "ZFB":
                offices["gov"] = org
        township_suffix = "街道" if name.endswith("区") else None
        names = list(U.TOWNSHIP_NAMES)
        self.rng.shuffle(names)
        for t in range(plan.townships):
            suffix = township_suffix or ("镇" if t % 3 != 2 else "乡")
            t_code = f"{code}{t + 1:03d}"
            township = self._add(county, t_code, names[t] + suffix, OrgType.TOWNSHIP, Level.TOWNSHIP)
            info.nodes.append(Node(township, "county", "township", 1.0, county=county_info))
            villages = list(U.COMMUNITY_NAMES)
            self.rng.shuffle(villages)
            for c in range(plan.communities):
                kind = "社区" if township_suffix or c % 2 else "村"
                community = self._add(township, f"{t_code}{c + 1:03d}", f"{township.name}{villages[c]}{kind}",
                                      OrgType.COMMUNITY, Level.TOWNSHIP)
                info.nodes.append(Node(community, "county", "community", 0.0, county=county_info))

    # -- institutions -------------------------------------------------------------------------

    def build_institutions(self) -> list[Institution]:
        rows: list[Institution] = []

        def add(code, name, kind, level, owner, *, recognised=True, flagship=False):
            rows.append(Institution(code=code, name=name, kind=kind, level=level, owner_org=owner,
                                    recognised=recognised, is_flagship=flagship))

        K = InstitutionKind
        add("DX41", "中共河南省委党校（河南行政学院）", K.PARTY_SCHOOL, Level.PROVINCE, self.province_units["DX"])
        # 三学院三基地 (001 五(一)): the province's six flagship party-spirit institutions.
        for code, name, kind in (
            ("XY4101", "焦裕禄干部学院", K.CADRE_COLLEGE),
            ("XY4102", "红旗渠干部学院", K.CADRE_COLLEGE),
            ("XY4103", "大别山干部学院", K.CADRE_COLLEGE),
            ("JD4101", "愚公移山精神教育基地", K.PARTY_SPIRIT_BASE),
            ("JD4102", "新乡先进群体教育基地", K.PARTY_SPIRIT_BASE),
            ("JD4103", "南水北调精神教育基地", K.PARTY_SPIRIT_BASE),
        ):
            add(code, name, kind, Level.PROVINCE, self.province_dept, flagship=True)
        add("WX41", "河南干部网络学院", K.ONLINE_ACADEMY, Level.PROVINCE, self.province_dept)
        for info in self.cities:
            p = info.plan
            units = {o.code: o for o in self.orgs if o.code.startswith(p.code)}
            add(f"DX{p.code}", f"中共{p.name}委党校（{p.name}行政学院）", K.PARTY_SCHOOL, Level.CITY,
                units.get(p.code + "DX", info.dept))
            for county in info.counties:
                c = county.org
                add(f"DX{c.code}", f"中共{c.name}委党校（{c.name}行政学校）", K.PARTY_SCHOOL, Level.COUNTY,
                    units.get(c.code + "DX", c))
            if p.code + "GX" in units:
                add(f"GX{p.code}", f"{p.short}大学干部教育培训基地", K.UNIVERSITY_BASE, Level.CITY, units[p.code + "GX"])
            if p.code + "TZB" in units:
                add(f"SY{p.code}", f"{p.name}社会主义学院", K.SOCIALIST_COLLEGE, Level.CITY, units[p.code + "TZB"])
            if p.code + "CZJ" in units:
                add(f"BM{p.code}CZ", f"{p.name}财政干部培训中心", K.SECTOR_INSTITUTION, Level.CITY,
                    units[p.code + "CZJ"])
        demo = self.cities[0].plan
        add(f"SH{demo.code}001", f"{demo.short}明德干部培训咨询有限公司", K.PRIVATE_PROVIDER, Level.CITY, None,
            recognised=False)
        Institution.objects.bulk_create(rows)
        return rows

    # -- people -------------------------------------------------------------------------------

    def _age(self, tier: str, leader: bool) -> float:
        low, mode, high = AGES[(Tier(tier), leader)]
        return self.rng.triangular(low, high, mode)

    def _id_number(self, prefix: str, born: date, female: bool) -> str:
        key = f"{prefix}{born:%Y%m%d}"
        used = self.used_ids.setdefault(key, set())
        while True:
            order = self.rng.randrange(0, 500) * 2 + (0 if female else 1)
            if order not in used:
                used.add(order)
                break
        body = f"{key}{order:03d}"
        return body + check_char(body)

    def _dates(self, birth: date, age: float, rank: str, tier: str) -> tuple[date, date]:
        rng = self.rng
        latest = REFERENCE_DATE - timedelta(days=1)
        hire_age = rng.uniform(21.6, 26.0) if rng.random() < 0.88 else rng.uniform(26.0, 34.0)
        hire_age = min(hire_age, age - 0.1)
        hired_on = min(birth + timedelta(days=int(hire_age * 365.25)), latest - timedelta(days=rng.randint(20, 200)))
        served = (latest - hired_on).days
        if tier == Tier.STAFF:
            # The first grade comes after the one-year probation; 一级科员 some years later.
            if served <= 365:
                since = hired_on
            elif rank in (Rank.CLERK_2, Rank.JUNIOR_CLERK, Rank.CLERK) or served <= 3 * 365:
                since = hired_on + timedelta(days=365)
            else:
                since = hired_on + timedelta(days=int(rng.uniform(2.0, served / 365.25) * 365.25))
            return hired_on, min(since, latest)
        earliest = hired_on + timedelta(days=YEARS_BEFORE_RANK.get(Tier(tier), 4) * 365)
        if earliest >= latest:
            earliest = hired_on + timedelta(days=served // 2)
        span = min((latest - earliest).days, 9 * 365)
        since = latest - timedelta(days=int(span * rng.random() ** 1.4))
        return hired_on, max(since, hired_on)

    def _person(self, post: Post, org: Org, prefixes: list[str], home: str | None) -> tuple[Cadre, float]:
        rng = self.rng
        tier = tier_of(post.rank)
        age = self._age(tier, post.is_leader)
        if post.rank == Rank.CLERK_2 and age > 32:
            post.rank = Rank.CLERK_1     # 二级科员 is the grade of the first years
        if post.female is not None:
            female = post.female
        else:
            p = WOMEN[Tier(tier)]
            if post.category in (CadreCategory.PROFESSIONAL, CadreCategory.INSTITUTION_LEADER):
                p += 0.15
            female = rng.random() < p
        ethnicity = "汉族" if rng.random() >= 0.03 else _weighted(rng, MINORITIES)
        if post.non_party is not None:
            non_party = post.non_party
        else:
            non_party = rng.random() < NON_PARTY[Tier(tier)]
        if not non_party:
            status = "中共预备党员" if age < 30 and rng.random() < 0.08 else "中共党员"
        elif post.is_leader or post.is_team_member:
            status = _weighted(rng, NON_PARTY_LEADER_STATUSES)
        elif age < 28 and rng.random() < 0.6:
            status = "共青团员"
        else:
            status = _weighted(rng, NON_PARTY_STATUSES)
        name = self.names.full(female=female, ethnicity=ethnicity)
        birth = REFERENCE_DATE - timedelta(days=int(age * 365.25))
        prefix = home if home and rng.random() < 0.7 else rng.choice(prefixes)
        hired_on, rank_since = self._dates(birth, age, post.rank, tier)
        self.person_seq += 1
        cadre = Cadre(
            person_code=f"GB{self.person_seq:08d}", id_number=self._id_number(prefix, birth, female), name=name,
            gender="female" if female else "male", birth_date=birth, ethnicity=ethnicity, political_status=status,
            org=org, post_title=post.title, rank=post.rank, tier=tier, is_leader=post.is_leader,
            category=post.category, is_team_member=post.is_team_member, local_team=post.local_team,
            is_principal=post.is_principal, is_branch_secretary=post.branch_secretary,
            rank_since=rank_since, hired_on=hired_on,
        )
        return cadre, age

    # -- staffing -----------------------------------------------------------------------------

    def _grade(self, level: str, kind: str, category: str) -> tuple[str, str]:
        """A rank without a leadership post, and the title shown for it."""
        rng = self.rng
        bureau, division, section = GRADE_TIER_SHARES[level]
        roll = rng.random()
        tier = (Tier.BUREAU if roll < bureau else Tier.DIVISION if roll < bureau + division
                else Tier.SECTION if roll < bureau + division + section else Tier.STAFF)
        if kind in CIVIL_KINDS:
            table = COUNTY_DIVISION_GRADES if (tier == Tier.DIVISION and level == "county") else CIVIL_GRADES[tier]
        else:
            table = OTHER_GRADES[tier]
        rank = _weighted(rng, table)
        return rank, Rank(rank).label

    def _unit_posts(self, node: Node) -> list[Post]:
        rng, udef, size, level = self.rng, node.udef, node.size, node.level
        kind = node.kind
        civil = kind in CIVIL_KINDS
        team_category = (CadreCategory.LEADERSHIP_TEAM if civil else CadreCategory.ENTERPRISE_LEADER
                         if kind == U.ENTERPRISE_KIND else CadreCategory.INSTITUTION_LEADER)
        staff_category = CadreCategory.CIVIL_SERVANT if civil else CadreCategory.PROFESSIONAL
        head_rank, deputy_rank, chief_rank, vice_rank = LEVEL_RANKS[level]
        posts = [Post(head_rank, udef.head, team_category, is_leader=True, is_team_member=True,
                      is_principal=udef.head_is_principal)]
        deputies = max(1, min(4 if level != "county" else 3, round(size / (14 if level != "county" else 10))))
        for _ in range(deputies):
            # Some deputy posts are held outside the party (党外干部).
            posts.append(Post(deputy_rank, udef.deputy, team_category, is_leader=True, is_team_member=True,
                              non_party=rng.random() < 0.10))
        if chief_rank:
            pool = (PROVINCE_SECTIONS if level == "province" else SECTIONS["civil"] if civil
                    else SECTIONS["enterprise"] if kind == U.ENTERPRISE_KIND
                    else SECTIONS["college"] if kind == U.COLLEGE else SECTIONS["institution"])
            chiefs = min(len(pool), round(size * 0.09))
            vices = min(chiefs, round(size * 0.06))
            for i in range(chiefs):
                posts.append(Post(chief_rank, self._section_title(pool[i], level, kind, deputy=False),
                                  staff_category, is_leader=True))
            for i in range(vices):
                posts.append(Post(vice_rank, self._section_title(pool[i], level, kind, deputy=True),
                                  staff_category, is_leader=True))
        while len(posts) < size:
            rank, title = self._grade(level, kind, staff_category)
            if udef.staff_titles:
                title = self._staff_title(udef.staff_titles, tier_of(rank))
            posts.append(Post(rank, title, staff_category))
        return posts

    def _staff_title(self, titles: tuple[str, ...], tier: str) -> str:
        """Titles run from senior to junior; a cadre's tier picks from the matching end."""
        half = len(titles) // 2
        if tier in (Tier.BUREAU, Tier.DIVISION):
            return titles[0]
        if tier == Tier.SECTION:
            return self.rng.choice(titles[: half + 1])
        return self.rng.choice(titles[half:])

    @staticmethod
    def _section_title(section: str, level: str, kind: str, *, deputy: bool) -> str:
        if section.endswith(("室", "中心", "馆")):
            return section + ("副主任" if deputy else "主任")
        if section.endswith("机关党委"):
            return section + ("副书记" if deputy else "专职副书记")
        if section.endswith("部") and kind == U.ENTERPRISE_KIND:
            return section + ("副经理" if deputy else "经理")
        last = section[-1]
        return section + ("副" if deputy else "") + last + "长"

    def _township_posts(self, node: Node) -> list[Post]:
        name = node.org.name
        kind = "街道" if name.endswith("街道") else ("乡" if name.endswith("乡") else "镇")
        titles = TOWNSHIP_TEAMS[kind]
        team = max(5, min(len(titles), node.size // 4))
        posts = []
        for i, title in enumerate(titles[:team]):
            posts.append(Post(Rank.SECTION_CHIEF if i < 2 else Rank.SECTION_DEPUTY, title,
                              CadreCategory.LEADERSHIP_TEAM, is_leader=True, is_team_member=True,
                              is_principal=i < 2))
        while len(posts) < node.size:
            rank, title = self._grade("county", "township", CadreCategory.GRASSROOTS)
            posts.append(Post(rank, title, CadreCategory.GRASSROOTS))
        return posts

    def _community_posts(self, node: Node) -> list[Post]:
        village = node.org.name.endswith("村")
        head = "党支部书记、村委会主任" if village else "党委书记、居委会主任"
        member = "村委会委员" if village else "居委会委员"
        posts = [Post(Rank.JUNIOR_CLERK, head, CadreCategory.GRASSROOTS, is_team_member=True, is_principal=True,
                      non_party=False, branch_secretary=True)]
        posts += [Post(Rank.JUNIOR_CLERK, member, CadreCategory.GRASSROOTS, is_team_member=True)
                  for _ in range(node.size - 1)]
        return posts

    def _team_posts(self, table, title_char: str, local_team: str, extra=None) -> list[tuple[str, Post]]:
        """The party and government leadership team of a city or county, and which office each sits in."""
        rows = list(table) + ([extra] if extra else [])
        posts = []
        deputy_slots = [i for i, row in enumerate(rows) if not row[3]]
        woman = self.rng.choice(deputy_slots)
        outside = max(i for i, row in enumerate(rows) if row[0] == "gov")   # the last vice mayor / county head
        for i, (office, title, rank, principal) in enumerate(rows):
            female = True if i == woman else None
            posts.append((office, Post(rank, title.format(t=title_char), CadreCategory.LEADERSHIP_TEAM,
                                       is_leader=True, is_team_member=True, is_principal=principal,
                                       local_team=local_team, female=female, non_party=i == outside)))
        return posts

    # -- cadres -------------------------------------------------------------------------------

    def build_cadres(self, index: AuthorityIndex) -> int:
        total = 0
        for info in self.cities:
            total += self._city_cadres(info, index)
        if self.plan.province_cadres:
            prefixes = [p for info in self.cities for p in info.birth_prefixes]
            total += self._staff_nodes(self.province_nodes, self.plan.province_cadres, prefixes, index)
        return total

    def _staff_nodes(self, nodes: list[Node], budget: int, prefixes: list[str], index: AuthorityIndex,
                     fixed: list[tuple[Org, Post]] = ()) -> int:
        """Size the nodes from their weights, staff them, draw the people and write them in batches."""
        rng = self.rng
        for node in nodes:
            if node.kind == "community":
                node.size = rng.randint(2, 3)
        budget -= sum(n.size for n in nodes if n.kind == "community") + len(fixed)
        weighted = [n for n in nodes if n.kind != "community"]
        for node, n in zip(weighted, _largest_remainder(max(budget, 0), [n.weight for n in weighted]), strict=True):
            node.size = max(3, n)
        people: list[tuple[Cadre, float]] = []
        for org, post in fixed:
            home = org.code[:6] if org.level == Level.COUNTY else None
            people.append(self._person(post, org, prefixes, home))
        for node in nodes:
            if node.kind == "township":
                posts = self._township_posts(node)
            elif node.kind == "community":
                posts = self._community_posts(node)
            else:
                posts = self._unit_posts(node)
            home = node.county.org.code if node.county else None
            unit_people = [self._person(post, node.org, prefixes, home) for post in posts]
            if node.kind != "community":
                self._pick_branch_secretaries(unit_people)
            people.extend(unit_people)
        self._pick_flags(people)
        cadres = [c for c, _ in people]
        for cadre in cadres:
            cadre.managing_department = index.department_for(cadre.org, cadre.tier)
        Cadre.objects.bulk_create(cadres, batch_size=BATCH)
        return len(cadres)

    def _city_cadres(self, info: CityInfo, index: AuthorityIndex) -> int:
        plan = info.plan
        fixed: list[tuple[Org, Post]] = []
        if plan.local_teams:
            for office, post in self._team_posts(CITY_TEAM, "市", LocalTeam.CITY):
                fixed.append((info.offices[office], post))
            for county in info.counties:
                offices = info.county_offices[county.org.code]
                extra = COUNTY_TEAM_EXTRA if county.index % 2 == 0 else None
                for office, post in self._team_posts(COUNTY_TEAM, county.title_char, LocalTeam.COUNTY, extra):
                    fixed.append((offices[office], post))
        return self._staff_nodes(info.nodes, plan.cadres, info.birth_prefixes, index, fixed)

    def _pick_branch_secretaries(self, people: list[tuple[Cadre, float]]) -> None:
        """About one party branch per dozen cadres; its secretary is a party member, often a deputy."""
        count = max(1, round(len(people) / 12))
        members = [c for c, _ in people if c.political_status in ("中共党员",) and not c.is_principal
                   and not c.local_team]
        leaders = [c for c in members if c.is_leader]
        others = [c for c in members if not c.is_leader]
        chosen = leaders[: max(1, count // 2)]
        chosen += self.rng.sample(others, min(len(others), count - len(chosen)))
        for cadre in chosen:
            cadre.is_branch_secretary = True

    def _pick_flags(self, people: list[tuple[Cadre, float]]) -> None:
        """优秀年轻干部 (about 5%) and 选调生 (about 2%) among the young."""
        rng = self.rng
        young = [c for c, age in people
                 if (c.tier in (Tier.STAFF, Tier.SECTION) and age < 35.5 and c.local_team == "")
                 or (c.tier == Tier.DIVISION and c.is_leader and age < 40.5)]
        for cadre in rng.sample(young, min(len(young), round(len(people) * 0.05))):
            cadre.is_young_talent = True
        graduates = [c for c, age in people if c.tier in (Tier.STAFF, Tier.SECTION) and age < 32
                     and c.category in (CadreCategory.CIVIL_SERVANT, CadreCategory.GRASSROOTS)]
        for cadre in rng.sample(graduates, min(len(graduates), round(len(people) * 0.02))):
            cadre.is_selected_graduate = True

    # -- accounts -----------------------------------------------------------------------------

    def build_accounts(self) -> list[DemoAccount]:
        from ganxun.accounts.models import Role
        from ganxun.accounts.services import user_create

        demo = self.cities[0]
        county = demo.counties[0].org
        edu = Org.objects.get(code=demo.plan.code + "JYJ")
        school = Institution.objects.get(code=f"DX{demo.plan.code}")
        in_county = (Cadre.objects.filter(org__path__startswith=county.path, is_young_talent=True)
                     .order_by("person_code"))
        cadre = in_county.filter(category=CadreCategory.CIVIL_SERVANT).first() or in_county.first()
        if cadre is None:   # only if a very small build drew no young talent there
            cadre = Cadre.objects.filter(org__path__startswith=county.path).order_by("birth_date").last()
            Cadre.objects.filter(pk=cadre.pk).update(is_young_talent=True)
        accounts = (
            # 三权分立: no superuser; three administrators, each refused the others' functions
            ("sysadmin", Role.SYS_ADMIN, "", {}, "用户、组织机构、数据字典", "系统管理员"),
            ("secadmin", Role.SEC_ADMIN, "", {}, "角色、安全策略、解锁", "安全管理员"),
            ("auditadmin", Role.AUDIT_ADMIN, "", {}, "操作日志、登录日志", "审计管理员"),
            ("sheng_zzb", Role.ORG_ADMIN, PROVINCE_DEPT_CODE, {}, "河南省委组织部（全省）", "省委组织部干部教育处"),
            ("shi_zzb", Role.ORG_ADMIN, demo.dept.code, {}, f"{demo.dept.name}（{demo.org.name}全域）",
             f"{demo.dept.name}干部教育科"),
            ("dongcheng_zzb", Role.ORG_ADMIN, county.code + "ZZB", {}, f"{county.name}委组织部（{county.name}）",
             f"{county.name}委组织部干部教育股"),
            ("jyj_rs", Role.UNIT_HR, edu.code, {}, edu.name, f"{edu.name}组织人事科"),
            ("shi_leader", Role.LEADER, demo.org.code, {}, f"{demo.org.name}（只读）", f"{demo.org.name}领导"),
            ("dangxiao", Role.INSTITUTION, "", {"institution_code": school.code}, f"{school.name}，机构编码 {school.code}",
             f"{school.name}教务处"),
            ("ganbu", Role.CADRE, "", {"person_code": cadre.person_code},
             f"{cadre.name}（{cadre.person_code}，{cadre.org.name}）", ""),
        )
        result = []
        for username, role, scope, extra, scope_label, display in accounts:
            user_create(acting_user=UNSCOPED_OPERATOR, username=username, password=DEMO_PASSWORD, role=role, scope_code=scope,
                        display_name=display, **extra)
            result.append(DemoAccount(username=username, role=role, role_label=Role(role).label, scope=scope_label))
        return result


def build_demo(size: str = "city", seed: int = DEFAULT_SEED, *, records: bool = True,
               last_day: date | None = None) -> DemoSummary:
    """Build the demo world in an empty database and say what was made.

    The ledger ends on ``last_day`` (default today): the current year is a partial one, as the
    dashboard and the archive see it on their default date. ``records=False`` leaves the ledger empty
    (the benchmarks load theirs with COPY).
    """
    from ganxun.demo.plans import build_example_plan
    from ganxun.demo.records import build_records

    last_day = last_day or date.today()
    started = time.perf_counter()
    builder = DemoBuilder(size, seed)
    with transaction.atomic():
        builder.build_orgs()
        institutions = builder.build_institutions()
        index = AuthorityIndex(builder.orgs)
        cadres = builder.build_cadres(index)
        written = build_records(seed, last_day=last_day) if records else 0
        if records:
            from ganxun.demo.callups import build_callups

            refresh_planner_statistics()   # the call-ups read the classes just written: plan those reads on them
            build_callups(seed, last_day)
    # the logins and the example plan go through their services, each a transaction of its own
    accounts = builder.build_accounts()
    build_example_plan(PROVINCE_CODE)
    orgs = builder.orgs
    summary = DemoSummary(
        size=size, seed=seed, cities=[info.org.name for info in builder.cities],
        regions=sum(1 for o in orgs if o.org_type == OrgType.REGION),
        counties=sum(1 for o in orgs if o.org_type == OrgType.REGION and o.level == Level.COUNTY),
        townships=sum(1 for o in orgs if o.org_type == OrgType.TOWNSHIP),
        org_departments=sum(1 for o in orgs if o.kind == OrgKind.ORG_DEPARTMENT),
        units=sum(1 for o in orgs if o.kind == OrgKind.UNIT),
        orgs=len(orgs), cadres=cadres, records=written, institutions=len(institutions), accounts=accounts,
        last_day=last_day if records else None,
    )
    from ganxun.classes.models import TrainingClass

    summary.classes = TrainingClass.objects.count()
    refresh_planner_statistics()
    summary.seconds = time.perf_counter() - started
    return summary


def refresh_planner_statistics() -> None:
    """After a bulk load, tell PostgreSQL's planner how big the tables now are. Left alone, its statistics can
    say a table is empty (autovacuum counted it while the rows were not yet committed), and the first reports
    over a city run as nested loops for minutes. (Inside a transaction ANALYZE counts its own new rows.)"""
    if connection.vendor == "postgresql":
        from django.apps import apps

        # the tables the demo fills, not the whole database (a hundred tables, most of them empty here)
        tables = [connection.ops.quote_name(model._meta.db_table)
                  for label in ("orgs", "cadres", "resources", "records", "classes", "callups")
                  for model in apps.get_app_config(label).get_models() if not model._meta.proxy]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(tables))


DEMO_USERNAMES = ("sysadmin", "secadmin", "auditadmin", "sheng_zzb", "shi_zzb", "dongcheng_zzb", "jyj_rs", "shi_leader", "dangxiao", "ganbu")


SCOPE_OF_ADMINS = {"superuser": "全部数据", "sys_admin": "用户、组织机构、数据字典", "sec_admin": "角色、安全策略、解锁",
                   "audit_admin": "操作日志、登录日志"}


def existing_accounts() -> list[DemoAccount]:
    """The demo logins already in the database (when ``ganxun demo`` reuses an earlier build)."""
    from ganxun.accounts.models import User

    users = {u.username: u for u in User.objects.select_related("scope_org", "person", "person__org")
             .filter(username__in=DEMO_USERNAMES)}
    result = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        if user.effective_role in SCOPE_OF_ADMINS:
            scope = SCOPE_OF_ADMINS[user.effective_role]
        elif user.scope_org_id:
            scope = user.scope_org.name
        elif user.person_id:
            scope = f"{user.person.name}（{user.person.person_code}，{user.person.org.name}）"
        else:
            scope = user.institution_code
        result.append(DemoAccount(username=username, role=user.effective_role, role_label=user.role_label,
                                  scope=scope))
    return result
