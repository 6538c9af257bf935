"""The demo's call-ups: two years of the departments calling cadres into the classes the demo ran.

Each full-time class a department organised in the last two years (and those still to come) has the call-up
that filled it: places for the units its trainees came from (a few spare), each trainee's nomination approved
into the class. Around them what a real year has: nominations sent back and replaced, leave with the make-up it
leaves owed (some since met), a few named call-ups, and, in the classes still open, nominations waiting for the
department's audit — some with a clash the conflict check finds. The city department also has its annual plan
for each of the two years, with the seed plan's targets. Written in bulk, deterministic for a seed and day.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

# The city plan's 主要措施 for a year (seed 000): who, how many, where.
CITY_TARGETS = (
    ("县处级领导干部", "county", "core", 150, "每年选调150名左右县处级领导干部到市委党校（行政学院）参加系统理论学习，接受党性教育"),
    ("正科级实职干部", "section", "core", 170, "每年安排170名左右市直机关事业单位正科级实职干部到市委党校（行政学院）参加系统理论学习"),
    ("优秀年轻干部", "", "thematic", 100, "每年举办2期中青年干部培训班，安排100名左右优秀年轻干部到市委党校（行政学院）参加系统理论教育和党性教育"),
    ("事业单位领导人员", "", "core", 40, "每年有计划安排40名左右事业单位领导人员参加市委党校（行政学院）主体班次培训"),
)
LEAVE_REASONS = ("承担防汛值守任务", "参加上级专项巡视工作", "本人住院治疗", "单位重大项目验收，确实无法脱身", "家属病重需要陪护")
REJECT_NOTES = ("职级不符合本期培训对象条件，请另行推荐", "该同志本年度已参加同类培训，请另行推荐", "请优先推荐近五年未参加脱产培训的干部")


def _aware(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build_callups(seed: int, last_day: date) -> dict:
    from ganxun.callups.conflicts import warnings_for
    from ganxun.callups.models import (AnnualPlan, AnnualTarget, CallUp, CallUpLeave, CallUpLeaveStatus,
                                       CallUpMode, CallUpQuota, CallUpStatus, Makeup, Nomination, NominationStatus,
                                       PlannedClass, PlanStatus)
    from ganxun.cadres.models import Cadre
    from ganxun.classes.models import Enrolment, EnrolmentStatus, TrainingClass
    from ganxun.orgs.models import Org

    rng = random.Random(f"callups-{seed}")
    first = date(last_day.year - 1, 1, 1)
    classes = list(TrainingClass.objects.filter(organiser__org_type="org_department", full_time=True,
                                                start_date__gte=first, start_date__lte=last_day + timedelta(days=150))
                   .select_related("organiser").order_by("start_date", "code"))
    trainees: dict[int, list] = defaultdict(list)
    for e in (Enrolment.objects.filter(training_class__in=classes).exclude(status=EnrolmentStatus.CANCELLED)
              .select_related("cadre__org").order_by("id")):
        trainees[e.training_class_id].append(e)
    by_unit: dict[int, list[int]] = defaultdict(list)
    for cadre_id, org_id in Cadre.objects.values_list("id", "org_id").order_by("id"):
        by_unit[org_id].append(cadre_id)
    busy: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for cadre_id, start, end in Enrolment.objects.values_list("cadre_id", "training_class__start_date",
                                                              "training_class__end_date"):
        busy[cadre_id].append((start, end))

    def free(cadre_id: int, tc) -> bool:
        return all(e < tc.start_date or s > tc.end_date for s, e in busy[cadre_id])

    serial: Counter = Counter()
    callups, quotas, nominations, leaves, makeups = [], [], [], [], []
    unit_of: dict[int, int | None] = {}   # the quota each built nomination goes under, by its unit
    pending_after: list[tuple] = []   # (callup, tc, unit_id) of open call-ups: the audit still to come
    for tc in classes:
        people = trainees.get(tc.pk)
        if not people:
            continue
        serial[(tc.organiser.code, tc.start_date.year)] += 1
        code = f"DX-{tc.organiser.code}-{tc.start_date.year}-{serial[(tc.organiser.code, tc.start_date.year)]:03d}"
        issued = tc.start_date - timedelta(days=30)
        deadline = tc.start_date - timedelta(days=10)
        named = rng.random() < 0.08 and len(people) <= 40
        callup = CallUp(code=code, training_class=tc, issuer=tc.organiser, mode=CallUpMode.NAMED if named else
                        CallUpMode.QUOTA, title=f"关于调训参加{tc.name}的通知", deadline=deadline,
                        report_at=f"{tc.start_date:%Y年%m月%d日}上午8:30前报到", contact="干部教育科 0374-1234567",
                        body="请各单位高度重视，严格按照培训对象条件推荐人选，确保按时参训。",
                        status=CallUpStatus.ISSUED if issued <= last_day else CallUpStatus.DRAFT,
                        issued_at=_aware(issued) if issued <= last_day else None)
        callups.append(callup)
        units = Counter(e.cadre.org_id for e in people)
        spare = {u: (1 if rng.random() < 0.3 else 0) for u in units}
        if not named:
            for unit_id, n in sorted(units.items()):
                quotas.append(CallUpQuota(callup=callup, unit_id=unit_id, places=n + spare[unit_id]))
        audit_open = last_day <= deadline
        for e in people:
            nominations.append(Nomination(
                callup=callup, cadre_id=e.cadre_id, status=NominationStatus.APPROVED, enrolment=e, nominated_at=_aware(issued + timedelta(days=3)),
                audited_at=_aware(deadline), note="" if rng.random() < 0.8 else "近五年未参加市委党校培训"))
            unit_of[id(nominations[-1])] = None if named else e.cadre.org_id
        if named or issued > last_day:
            continue
        # around the approved: a nomination sent back and replaced, leave that leaves a make-up owed
        for unit_id in sorted(units):
            others = [c for c in by_unit[unit_id] if c not in {e.cadre_id for e in people} and free(c, tc)]
            if not others:
                continue
            roll = rng.random()
            if roll < 0.05 and not audit_open:
                cadre_id = rng.choice(others)
                nominations.append(Nomination(
                    callup=callup, cadre_id=cadre_id, status=NominationStatus.REJECTED,
                    nominated_at=_aware(issued + timedelta(days=2)), audited_at=_aware(issued + timedelta(days=6)),
                    audit_note=rng.choice(REJECT_NOTES)))
                unit_of[id(nominations[-1])] = unit_id
            elif roll < 0.09 and tc.start_date <= last_day:
                cadre_id = rng.choice(others)
                n = Nomination(callup=callup, cadre_id=cadre_id, status=NominationStatus.ON_LEAVE,
                               nominated_at=_aware(issued + timedelta(days=3)), audited_at=_aware(deadline))
                nominations.append(n)
                unit_of[id(n)] = unit_id
                leave = CallUpLeave(nomination=n, reason=rng.choice(LEAVE_REASONS), status=CallUpLeaveStatus.APPROVED,
                                    decided_at=_aware(deadline + timedelta(days=2)), decision_note="同意，列入补训")
                leaves.append(leave)
                makeups.append(Makeup(cadre_id=cadre_id, leave=leave, missed_class=tc, class_kind=tc.kind,
                                      due_by=tc.end_date + timedelta(days=365)))
            elif audit_open and spare[unit_id] and roll < 0.6:
                pending_after.append((callup, tc, unit_id, others))

    # write: notices, quotas, then nominations against their quotas
    CallUp.objects.bulk_create(callups, batch_size=1000)
    CallUpQuota.objects.bulk_create(quotas, batch_size=2000)
    quota_of = {(q.callup_id, q.unit_id): q for q in CallUpQuota.objects.filter(callup__in=callups)}
    for n in nominations:
        if unit_of[id(n)] is not None:
            n.quota = quota_of[(n.callup.pk, unit_of[id(n)])]
    # nominations waiting for the audit in the open call-ups: the spare place of some units
    for callup, tc, unit_id, others in pending_after:
        cadre = Cadre.objects.select_related("org").get(pk=rng.choice(others))
        nominations.append(Nomination(callup=callup, cadre=cadre, quota=quota_of[(callup.pk, unit_id)],
                                      status=NominationStatus.NOMINATED, warnings=warnings_for(cadre, tc),
                                      nominated_at=_aware(last_day - timedelta(days=1))))
    clashes = _clashing_nominations(rng, classes, trainees, quota_of, callups, last_day, warnings_for)
    nominations += clashes
    Nomination.objects.bulk_create(nominations, batch_size=2000)
    CallUpLeave.objects.bulk_create(leaves, batch_size=1000)
    Makeup.objects.bulk_create(makeups, batch_size=1000)

    # the city department's plan for each of the two years, with the year's core classes of its party school
    city_dept = Org.objects.filter(org_type="org_department", level="city").order_by("path").first()
    for year in (last_day.year - 1, last_day.year):
        plan = AnnualPlan.objects.create(org=city_dept, year=year, title=f"{city_dept.name}{year}年度干部教育培训计划",
                                         status=PlanStatus.PUBLISHED, note="根据市“十四五”干部教育培训规划制定。")
        targets = AnnualTarget.objects.bulk_create([
            AnnualTarget(plan=plan, group=g, tier=tier, class_kind=kind, planned=n, text=text, order=i)
            for i, (g, tier, kind, n, text) in enumerate(CITY_TARGETS, start=1)])
        from ganxun.callups.models import PlanQuota
        from ganxun.orgs.selectors import scope_root

        region = scope_root(city_dept)
        counties = Org.objects.filter(path__startswith=region.path, depth=region.depth + 1, org_type="region")
        county_target = next(t for t in targets if t.group == "县处级领导干部")
        PlanQuota.objects.bulk_create([PlanQuota(plan=plan, unit=county, target=county_target,
                                                 places=rng.choice((15, 20, 25))) for county in counties])
        own = [tc for tc in classes if tc.organiser_id == city_dept.pk and tc.start_date.year == year]
        PlannedClass.objects.bulk_create([
            PlannedClass(plan=plan, training_class=tc, planned=tc.quota, target=_target_of(tc, targets)) for tc in own])
    return {"callups": len(callups), "nominations": len(nominations), "leaves": len(leaves),
            "clashes": len(clashes)}


# which of the city's targets a class serves, read from its name the way the department's staff would
TARGET_WORDS = (("县处级", "县处级领导干部"), ("中青年", "优秀年轻干部"), ("年轻干部", "优秀年轻干部"),
                ("科级", "正科级实职干部"), ("事业单位", "事业单位领导人员"))


def _target_of(tc, targets):
    for word, group in TARGET_WORDS:
        if word in tc.name:
            return next((t for t in targets if t.group == group), None)
    return None


def _clashing_nominations(rng, classes, trainees, quota_of, callups, last_day, warnings_for) -> list:
    """A few nominations in the open call-ups of cadres already in another organiser's class on those days:
    多头调训 for the department to catch at the audit."""
    from ganxun.callups.models import CallUpQuota, Nomination, NominationStatus
    from ganxun.orgs.selectors import scope_root

    open_calls = {c.training_class_id: c for c in callups if c.deadline >= last_day and c.mode == "quota"}
    out = []
    taken = set()
    for tc in classes:
        callup = open_calls.get(tc.pk)
        if callup is None or len(out) >= 6:
            continue
        for other in classes:
            if other.organiser_id == tc.organiser_id or other.pk == tc.pk:
                continue
            if not (other.start_date <= tc.end_date and tc.start_date <= other.end_date):
                continue
            region = scope_root(tc.organiser).path
            for e in trainees.get(other.pk, []):
                if (e.cadre_id in taken or e.cadre_id in {x.cadre_id for x in trainees[tc.pk]}
                        or not e.cadre.org.path.startswith(region)):
                    continue
                quota = quota_of.get((callup.pk, e.cadre.org_id))
                if quota is None:    # the unit gets a place in this call-up too
                    quota = CallUpQuota.objects.create(callup=callup, unit_id=e.cadre.org_id, places=0)
                    quota_of[(callup.pk, e.cadre.org_id)] = quota
                taken.add(e.cadre_id)
                quota.places += 1
                quota.save(update_fields=["places"])
                out.append(Nomination(callup=callup, cadre=e.cadre, quota=quota, status=NominationStatus.NOMINATED,
                                      warnings=warnings_for(e.cadre, tc), note=rng.choice(("", "工作需要，请予安排")),
                                      nominated_at=timezone.make_aware(datetime.combine(last_day, time(10, 0)))))
                break
            if len(out) >= 6 or (out and out[-1].callup is callup):
                break
    return out
