"""An institution's year (机构年度): its core classes with the class indicators' shares, pooled over the year;
its teachers' workload and the hours taught by leaders; and the resource rules of 五(二) where the plan has them:
``teacher_rotation_5y`` (every full-time teacher of a city or county party school trained at a higher institution
at least once in 5 years) and ``leader_lecture_annual`` (every member of the city's party and government leadership
team lectures at the party school of the same level at least once a year).

Reads only: the classes the user sees, the institution they may see (``access_institution``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from ganxun.cadres.models import Cadre
from ganxun.classes.checks import class_facts, judge
from ganxun.classes.models import ClassSession
from ganxun.classes.selectors import classes_visible_to
from ganxun.core.choices import ClassKind, TeacherKind
from ganxun.orgs.models import LEVEL_ORDER
from ganxun.plans.rules import MET, NOT_APPLICABLE, UNMET, Span, add_years, pace
from ganxun.plans.spec import Plan
from ganxun.records.models import LearningRecord
from ganxun.resources.selectors import access_institution

ZERO = Decimal("0")


@dataclass
class ClassRow:
    training_class: object
    hours: Decimal
    verdicts: dict          # indicator code → Verdict (not_applicable included)


@dataclass
class Pooled:
    """One class indicator over the year's core classes: the counted part of the whole, against the requirement."""

    code: str
    name: str
    source: str
    part: Decimal = ZERO
    whole: Decimal = ZERO
    unit: str = "学时"
    classes: int = 0
    met: int = 0

    @property
    def share(self) -> Decimal | None:
        return self.part / self.whole if self.whole else None


@dataclass
class TeacherLoad:
    name: str
    kind: str
    sessions: int = 0
    hours: Decimal = ZERO
    classes: set = field(default_factory=set)

    @property
    def kind_label(self) -> str:
        return TeacherKind(self.kind).label if self.kind in TeacherKind.values else "—"


@dataclass
class RuleRow:
    """One subject of a resource rule: a teacher (rotation) or a leader (lecture), and its verdict."""

    name: str
    verdict: str
    detail: str
    evidence: list = field(default_factory=list)


@dataclass
class YearView:
    institution: object
    year: int
    plan: Plan
    classes: list
    pooled: list
    teachers: list
    total_hours: Decimal
    leader_hours: Decimal
    rotation: dict | None = None       # the rule, and its rows
    lectures: dict | None = None


def year_view(user, institution_code: str, year: int, plan: Plan, *, today: date) -> YearView:
    institution = access_institution(user, institution_code)
    as_of = min(today, date(year, 12, 31))
    classes = list(classes_visible_to(user).filter(institution=institution, start_date__year=year)
                   .order_by("start_date", "code"))
    core = [tc for tc in classes if tc.kind == ClassKind.CORE]
    rows, pooled = [], {}
    for tc in core:
        facts = class_facts(tc)
        verdicts = {v.indicator: v for v in judge(plan, facts, as_of, include_not_applicable=True)}
        rows.append(ClassRow(tc, facts.hours, verdicts))
        for code, v in verdicts.items():
            p = pooled.setdefault(code, Pooled(code, v.name, v.source))
            if v.verdict == NOT_APPLICABLE:
                continue
            p.classes += 1
            p.met += v.verdict == MET
            if "hours" in v.actual and "of" in v.actual:
                p.part += Decimal(str(v.actual["hours"]))
                p.whole += Decimal(str(v.actual["of"]))
            elif "of" in v.actual:
                p.part += v.actual["count"]
                p.whole += v.actual["of"]
                p.unit = "门"
            else:
                p.part += v.actual.get("count", 0)
                p.whole += 1
                p.unit = "班"
    sessions = ClassSession.objects.filter(training_class__in=classes).values_list(
        "teacher_name", "teacher_kind", "hours", "training_class_id")
    loads: dict[tuple, TeacherLoad] = {}
    total = leader = ZERO
    for name, kind, hours, class_id in sessions:
        total += hours
        if kind == TeacherKind.LEADER:
            leader += hours
        load = loads.setdefault((name or "（未填写）", kind), TeacherLoad(name or "（未填写）", kind))
        load.sessions += 1
        load.hours += hours
        load.classes.add(class_id)
    view = YearView(institution, year, plan, rows, [p for p in pooled.values() if p.classes],
                    sorted(loads.values(), key=lambda t: (-t.hours, t.name)), total, leader)
    rules = plan.resource_rules
    if "teacher_rotation_5y" in rules and institution.kind == "party_school" and institution.level in ("city", "county"):
        view.rotation = {"rule": rules["teacher_rotation_5y"], "rows": _rotation(institution, rules["teacher_rotation_5y"],
                                                                                 as_of)}
    if "leader_lecture_annual" in rules and institution.kind == "party_school" and institution.level == "city":
        view.lectures = {"rule": rules["leader_lecture_annual"],
                         "rows": _lectures(institution, rules["leader_lecture_annual"], year, as_of)}
    return view


def _rotation(institution, rule: dict, as_of: date) -> list[RuleRow]:
    """Each full-time teacher in the institution's library: trained at a higher-level institution within N years?"""
    from ganxun.resources.models import Teacher, TeacherStatus

    years = rule["years"]
    start = add_years(as_of, -years)
    higher = [level for level, order in LEVEL_ORDER.items() if order < LEVEL_ORDER.get(institution.level, 9)]
    out = []
    teachers = Teacher.objects.filter(institution=institution, kind=TeacherKind.FULL_TIME,
                                      status=TeacherStatus.ACTIVE).select_related("cadre").order_by("name")
    for teacher in teachers:
        if teacher.cadre_id is None:
            out.append(RuleRow(teacher.name, "", "未关联干部档案，无法核对其参训记录（请在师资库中关联）"))
            continue
        # credited entries at a higher institution, not reversed since
        records = list(LearningRecord.objects.filter(
            cadre_id=teacher.cadre_id, end_date__gt=start, end_date__lte=as_of, credit_hours__gt=0,
            institution__level__in=higher, reversal__isnull=True).select_related("institution")
            .order_by("-end_date")[:5])
        if records:
            latest = records[0]
            out.append(RuleRow(teacher.name, MET, f"{latest.end_date:%Y-%m-%d} 在{latest.institution.name}参加"
                                                  f"「{latest.title}」", [r.reference for r in records]))
        else:
            out.append(RuleRow(teacher.name, UNMET, f"{start.year + 1}—{as_of.year} 年间没有到上级培训机构参训的记录"))
    return out


def _region_of(org):
    """The region (地区) an org sits in: itself when it is one, else its nearest ancestor that is."""
    from ganxun.orgs.models import Org, OrgType

    if org.org_type == OrgType.REGION:
        return org
    ancestors = Org.objects.filter(path__in=org.ancestor_paths(), org_type=OrgType.REGION).order_by("-depth")
    return ancestors.first()


def _lectures(institution, rule: dict, year: int, as_of: date) -> list[RuleRow]:
    """Each member of the city's party and government leadership team: lectures given at this school this year."""
    region = _region_of(institution.owner_org) if institution.owner_org_id else None
    if region is None:
        return []
    members = Cadre.objects.filter(local_team="city", org__path__startswith=region.path).order_by("person_code")
    counts: dict[int, int] = defaultdict(int)
    for cadre_id in ClassSession.objects.filter(
            Q(teacher__cadre__in=members), training_class__institution=institution, date__year=year,
            date__lte=as_of).values_list("teacher__cadre_id", flat=True):
        counts[cadre_id] += 1
    span = Span(date(year, 1, 1), date(year, 12, 31), as_of)
    required = rule["count"]
    out = []
    for cadre in members:
        n = counts.get(cadre.pk, 0)
        verdict = pace(n / required, span, n >= required)
        out.append(RuleRow(f"{cadre.name}（{cadre.post_title or '班子成员'}）", verdict, f"{year} 年授课 {n} 次"))
    return out
