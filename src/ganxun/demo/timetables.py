"""The demo classes' timetables (课表): two slots a day (上午 4 学时, 下午 the rest of the day's hours), courses
from lists per content category, teachers of every kind, teaching methods.

Core classes (主体班) are drawn to meet the class indicators of ``henan-2019-2022`` and ``xuchang-2019-2022``
with a margin (by slot count: theory and party spirit about 80%, party spirit about 28%, leader-taught about 28%,
interactive courses about 42%; 党性分析 in a class of 20 days or more); about one in ten is drawn with one flaw
(too little theory, too little party spirit, too few leaders, too few interactive courses, no 党性分析), so the
checks have something to say. Other classes follow their content category.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ganxun.demo.names import NameMaker

THEORY, SPIRIT, PRO, KNOW = "theory", "party_spirit", "professional", "knowledge"
LECTURE = "lecture"
FLAWS = ("theory", "spirit", "leader", "interactive", "analysis")
FLAW_SHARE = 0.1

THEORY_COURSES = (
    ("习近平新时代中国特色社会主义思想的世界观和方法论", 2018), ("深刻领悟“两个确立”的决定性意义", 2021),
    ("马克思主义中国化时代化的新飞跃", 2018), ("习近平经济思想的核心要义", 2018), ("习近平法治思想", 2020),
    ("习近平生态文明思想", 2018), ("习近平外交思想与新时代中国特色大国外交", 2018), ("习近平文化思想", 2023),
    ("中国式现代化的中国特色和本质要求", 2022), ("完整准确全面贯彻新发展理念", 2018),
    ("构建新发展格局与推动高质量发展", 2020), ("坚持以人民为中心的发展思想", 2018), ("总体国家安全观", 2018),
    ("全面从严治党的新形势新任务", 2018), ("中国特色社会主义制度和国家治理体系", 2019),
    ("辩证唯物主义和历史唯物主义", 2018), ("《共产党宣言》导读", 2018), ("党的二十大报告精神解读", 2022),
    ("党的十九届六中全会《决议》解读", 2021), ("党的二十届三中全会《决定》解读", 2024), ("当前经济形势分析", 2018),
    ("国际形势与我国周边安全", 2018), ("《习近平谈治国理政》研读", 2018), ("领导干部的战略思维与辩证思维", 2018),
    ("中华民族共同体意识", 2021), ("河南省经济社会发展形势", 2018),
)
SPIRIT_COURSES = (
    "党章党规党纪学习", "中国共产党党史专题", "焦裕禄精神的时代内涵", "红旗渠精神与担当作为", "大别山精神与初心使命",
    "愚公移山精神与新时代奋斗", "《中国共产党纪律处分条例》解读", "党性修养与作风建设", "廉洁自律与警示教育",
    "新时代党的组织路线", "坚定理想信念　补足精神之钙", "严守政治纪律和政治规矩", "中央八项规定精神解读",
    "共产党员的宗旨意识", "党内政治生活准则解读",
)
FIELD_SITES = ("兰考焦裕禄纪念园", "林州红旗渠纪念馆", "新县大别山革命历史纪念馆", "济源愚公移山精神展览馆",
               "新乡先进群体事迹展览馆", "淅川南水北调渠首", "廉政警示教育基地", "市革命历史纪念馆")
EXPERIENCES = ("重温入党誓词", "观看党史教育影片并交流", "警示教育基地参观", "红色经典诵读", "先进典型事迹报告会")
PRO_TOPICS = ("乡村振兴", "优化营商环境", "应急管理与安全生产", "数字政府建设", "生态环境保护", "防范化解重大风险",
              "法治政府建设", "预算绩效管理", "基层治理现代化", "招商引资与项目建设", "黄河流域生态保护和高质量发展",
              "信访工作法治化", "城市更新与规划管理", "国有企业改革", "公共卫生应急管理", "统计法治与统计业务")
PRO_FORMS = {LECTURE: "{t}专题讲座", "case": "{t}案例分析", "simulation": "{t}情景模拟", "field": "{t}现场教学"}
SIMULATIONS = ("突发事件应急处置情景模拟", "媒体沟通与舆情应对模拟", "群众工作情景模拟", "危机决策沙盘推演")
KNOW_TOPICS = ("公文写作与处理", "保密知识", "网络安全与数据安全", "心理调适与压力管理", "中华优秀传统文化",
               "河南历史文化", "科学素养与新科技革命", "国家安全教育", "人工智能与数字经济", "领导科学与领导艺术")

# (category, teaching method) of an interactive slot
INTERACTIVE = {THEORY: ("seminar", "seminar", "forum", "flipped"), SPIRIT: ("field", "experiential", "seminar"),
               PRO: ("case", "simulation", "field", "action_learning"), KNOW: ("seminar", "flipped", "case")}
# {r}: the region's name (示例市, 东城区), {t}: its last character (市, 区, 县)
LEADER_POSTS = {
    "province": ("省委常委、组织部部长", "副省长", "省委常委、宣传部部长", "省纪委副书记", "省发展改革委主任", "省委政研室主任"),
    "city": ("{r}委书记", "{r}委副书记、{t}长", "{r}委常委、组织部部长", "{r}委常委、宣传部部长", "{r}副{t}长",
             "{r}纪委书记、{t}监委主任"),
    "county": ("{r}委书记", "{r}委副书记、{t}长", "{r}委常委、组织部部长", "{r}委常委、{t}纪委书记", "{r}副{t}长"),
}


@dataclass
class Slot:
    date: date
    slot: str
    slot_order: int
    hours: Decimal
    category: str = THEORY
    course: str = ""
    method: str = LECTURE
    teacher: str = ""
    teacher_kind: str = "full_time"
    analysis: bool = False


class Faculty:
    """An institution's teachers, made once from their own seed: full-time and part-time faculty, experts,
    retired cadres, and the leaders who lecture there (their names and posts)."""

    def __init__(self, seed: int, inst, region_name: str, leaders: list[str] | None = None):
        rng = random.Random(f"{seed}:faculty:{inst.code}")
        names = NameMaker(rng)
        pick = lambda n: [names.full(female=rng.random() < 0.35) for _ in range(n)]  # noqa: E731
        self.full_time = pick(14)
        self.part_time = pick(5)
        self.expert = [f"{n}（{rng.choice(('郑州大学', '河南大学', '河南财经政法大学', '省社科院', '省委政研室'))}）"
                       for n in pick(6)]
        self.retired = pick(3)
        level = getattr(inst, "level", "city")
        posts = [p.format(r=region_name, t=region_name[-1]) for p in LEADER_POSTS.get(level, LEADER_POSTS["city"])]
        self.leader = leaders or [f"{n}（{p}）" for n, p in zip(pick(len(posts)), posts)]

    def of(self, kind: str, rng: random.Random) -> str:
        return rng.choice(getattr(self, kind))


def _slots(start: date, days: int, tenths: int) -> list[Slot]:
    per_day = Decimal(tenths // days).scaleb(-1) if days else Decimal("0")
    afternoon = per_day - 4 if per_day > 4 else per_day / 2
    morning = per_day - afternoon
    out = []
    for i in range(days):
        day = start + timedelta(days=i)
        out.append(Slot(day, "上午", 1, morning))
        out.append(Slot(day, "下午", 2, afternoon))
    return out


def _mix(kind: str, category: str, flaw: str) -> dict[str, float]:
    """The shares of the slots by content category."""
    if kind == "core":
        mix = ({THEORY: 0.52, SPIRIT: 0.28, PRO: 0.14, KNOW: 0.06} if category != SPIRIT
               else {THEORY: 0.42, SPIRIT: 0.40, PRO: 0.12, KNOW: 0.06})
        if flaw == "theory":
            mix = {THEORY: 0.36, SPIRIT: 0.22, PRO: 0.32, KNOW: 0.10}
        elif flaw == "spirit":
            mix = {THEORY: 0.70, SPIRIT: 0.12, PRO: 0.12, KNOW: 0.06}
        return mix
    return {THEORY: {THEORY: 0.62, SPIRIT: 0.18, PRO: 0.14, KNOW: 0.06},
            SPIRIT: {SPIRIT: 0.62, THEORY: 0.30, PRO: 0.08},
            PRO: {PRO: 0.66, THEORY: 0.22, SPIRIT: 0.12},
            KNOW: {KNOW: 0.60, THEORY: 0.28, SPIRIT: 0.12}}[category]


def _counts(n: int, mix: dict[str, float]) -> list[str]:
    raw = {c: n * s for c, s in mix.items()}
    counts = {c: int(v) for c, v in raw.items()}
    for c in sorted(raw, key=lambda c: counts[c] - raw[c])[: n - sum(counts.values())]:
        counts[c] += 1
    return [c for c, k in counts.items() for _ in range(k)]


class Names:
    """Course names of one timetable, never the same twice."""

    def __init__(self, rng: random.Random, year: int, start: date, theme: str):
        self.rng, self.used = rng, set()
        self.theory = [t for t, since in THEORY_COURSES if since <= year and not (since == year and start.month < 11
                                                                                    and "解读" in t)]
        self.theme = theme

    def unique(self, name: str) -> str:
        base, n = name, 1
        while name in self.used:
            n += 1
            name = f"{base}（{'一二三四五六七八九十'[min(n, 10) - 1]}）"
        self.used.add(name)
        return name

    def course(self, category: str, method: str) -> str:
        rng = self.rng
        if category == THEORY:
            topic = rng.choice(self.theory + [f"专题辅导：{self.theme}"])
            if method == LECTURE:
                return self.unique(topic)
            prefix = {"seminar": "分组研讨", "forum": "学员论坛", "flipped": "翻转课堂"}.get(method, "研讨")
            return self.unique(f"{prefix}：{topic}")
        if category == SPIRIT:
            if method == "field":
                return self.unique(f"现场教学：{rng.choice(FIELD_SITES)}")
            if method == "experiential":
                return self.unique(rng.choice(EXPERIENCES))
            topic = rng.choice(SPIRIT_COURSES)
            return self.unique(topic if method == LECTURE else f"交流研讨：{topic}")
        if category == PRO:
            if method == "simulation" and rng.random() < 0.5:
                return self.unique(rng.choice(SIMULATIONS))
            form = PRO_FORMS.get(method, "{t}行动学习")
            return self.unique(form.format(t=rng.choice(PRO_TOPICS)))
        topic = rng.choice(KNOW_TOPICS)
        return self.unique(topic if method == LECTURE else f"{topic}研讨")


def timetable(rng: random.Random, *, kind: str, category: str, start: date, days: int, tenths: int,
              faculty: Faculty, theme: str, flaw: str = "") -> list[Slot]:
    """The slots of one class: its days × 上午/下午, hours adding up to ``tenths`` / 10."""
    slots = _slots(start, days, tenths)
    n = len(slots)
    core = kind == "core"
    analysis = days >= 20 and flaw != "analysis"
    # the opening and the closing are theory; 党性分析 the last afternoon but one
    inner = list(range(1, n - 1)) if n > 2 else list(range(n))
    if analysis:
        inner.remove(n - 3 if n >= 4 else inner[-1])
    cats = _counts(len(inner), _mix(kind, category, flaw))
    rng.shuffle(cats)
    for i, c in zip(inner, cats):
        slots[i].category = c
    # interactive courses (by slot; each slot is a course of its own)
    share = (0.15 if flaw == "interactive" else 0.42) if core else 0.34
    chosen = rng.sample(inner, round(share * len(inner)))
    for i in chosen:
        slots[i].method = rng.choice(INTERACTIVE[slots[i].category])
    # leader-taught slots, among the lectures on theory and policy
    lead_share = (0.08 if flaw == "leader" else 0.28) if core else 0.12
    lectures = [i for i in inner if slots[i].category in (THEORY, PRO) and slots[i].method == LECTURE]
    others = [i for i in inner if slots[i].category in (THEORY, PRO) and i not in lectures]
    want = round(lead_share * n)
    leaders = set(rng.sample(lectures, min(want, len(lectures))))
    if len(leaders) < want:
        leaders |= set(rng.sample(others, min(want - len(leaders), len(others))))
    names = Names(rng, start.year, start, theme)
    for i, s in enumerate(slots):
        if i in leaders:
            s.teacher_kind = "leader"
        elif s.method == "field":
            s.teacher_kind = "part_time"
        else:
            s.teacher_kind = rng.choices(("full_time", "part_time", "expert", "retired"), (70, 10, 15, 5))[0]
        s.teacher = faculty.of(s.teacher_kind, rng)
        s.course = names.course(s.category, s.method)
    first, last = slots[0], slots[-1]
    first.category, first.method, first.course = THEORY, LECTURE, names.unique(
        "开班式暨入学教育" if n > 2 else f"专题辅导：{theme}")
    if n > 2:
        last.category, last.method, last.course = THEORY, "forum", names.unique("结业式暨学员学习交流")
        last.teacher_kind, last.teacher = "full_time", faculty.of("full_time", rng)
    if core:
        first.teacher_kind, first.teacher = "leader", faculty.of("leader", rng)
    if analysis:
        s = slots[n - 3 if n >= 4 else inner[-1]]
        s.category, s.method, s.analysis = SPIRIT, "seminar", True
        s.course = names.unique("学员党性分析（分组交流）")
        s.teacher_kind, s.teacher = "full_time", faculty.of("full_time", rng)
    return slots
