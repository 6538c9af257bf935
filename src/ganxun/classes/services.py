"""Every write to classes, timetables and trainees. Each public function is one transaction and leaves its audit rows.

- ``class_save`` (the class form), ``class_upsert_many`` (the classes import);
- ``session_save`` / ``session_delete`` (the timetable editor), ``session_upsert_many`` (the sessions import);
- ``enrol`` (add trainees: the quota holds under concurrent requests — the class row is locked while places are
  counted — and those beyond it go on the waitlist), ``enrolment_set_status`` (withdraw, cancel, promote from the
  waitlist), ``enrolment_upsert_many`` (the enrolments import);
- ``complete`` / ``revoke_completion``: a completion (结业) appends one ledger entry per trainee through
  ``records.services.record_append_many``; revoking it (取消结业) reverses exactly that entry.

Who may write a class is ``selectors.may_write_class``; nothing is written when any check fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, diff, import_summary_event, record_event, record_events
from ganxun.classes.models import SLOT_ORDER, Certificate, ClassSession, Enrolment, EnrolmentStatus, TrainingClass
from ganxun.classes.selectors import CLASS_WRITERS, access_class, may_write_class
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.roles import Role, role_of
from ganxun.orgs.selectors import institution_in_scope, org_in_scope, scope_of
from ganxun.records.models import LearningRecord, RecordOrigin, RecordSource, RecordStatus
from ganxun.records.services import record_append_many, record_reverse_many, set_institution

LABELS = {
    "code": "班次编码", "name": "班次名称", "kind": "班次类型", "organiser": "主办单位编码", "institution": "承办机构编码",
    "start_date": "开始日期", "end_date": "结束日期", "full_time": "脱产", "is_system_training": "系统培训",
    "content_category": "内容类别", "quota": "名额", "audience": "培训对象", "description": "说明",
    "completion_threshold": "结业到课率",
}
SESSION_LABELS = {
    "date": "日期", "slot": "节次", "course_name": "课程名称", "teacher_name": "教师", "teacher_kind": "教师类型",
    "content_category": "内容类别", "method": "教学方法", "hours": "学时", "is_party_spirit_analysis": "党性分析",
    "starts_at": "开始时间", "ends_at": "结束时间",
}
SESSION_FIELDS = tuple(SESSION_LABELS)
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
SLOT_RE = re.compile(r"^(上午|下午|晚上|[1-9][0-9]?)$")
MAX_SLOT_HOURS = Decimal("12")
WRITE_DENIED = "您的角色不能管理培训班次"
CLASS_DENIED = "您不能修改这个班次（只有主办单位所在组织部门或承办机构可以修改）"
CLOSED = "班次已结班，不能修改；如需修改请先取消结班"
# Default times of the named half-days, for 扫码签到 when a slot gives none.
SLOT_TIMES = {"上午": (time(8, 30), time(12, 0)), "下午": (time(14, 30), time(17, 30)), "晚上": (time(19, 0), time(21, 30))}


# ---- snapshots (the audit log's before/after) --------------------------------------------------------------

def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def snapshot(tc: TrainingClass) -> dict:
    return {"code": tc.code, "name": tc.name, "kind": tc.kind,
            "organiser": tc.organiser.code if tc.organiser_id else "",
            "institution": tc.institution.code if tc.institution_id else "",
            "start_date": _plain(tc.start_date), "end_date": _plain(tc.end_date), "full_time": tc.full_time,
            "is_system_training": tc.is_system_training, "content_category": tc.content_category, "quota": tc.quota,
            "audience": tc.audience, "description": tc.description,
            "completion_threshold": _plain(tc.completion_threshold)}


def session_snapshot(s: ClassSession) -> dict:
    return {f: _plain(getattr(s, f)) for f in SESSION_FIELDS}


# ---- checks ----------------------------------------------------------------------------------------------

def check_class_values(values: dict, *, existing: TrainingClass | None = None) -> list[tuple[str, str]]:
    """Problems with a class's values (``organiser`` an Org, ``institution`` an Institution or None)."""
    errors: list[tuple[str, str]] = []
    code = values.get("code") or ""
    if existing is None:
        if not code:
            errors.append(("code", "不能为空"))
        elif not CODE_RE.match(code):
            errors.append(("code", "应为不超过 32 个字符的字母、数字、连字符或下划线，以字母或数字开头"))
    if not (values.get("name") or "").strip():
        errors.append(("name", "不能为空"))
    elif len(values["name"]) > 200:
        errors.append(("name", "不能超过 200 个字"))
    if values.get("kind") not in ClassKind.values:
        errors.append(("kind", "应为 " + "、".join(ClassKind.labels) + " 之一"))
    if values.get("organiser") is None:
        errors.append(("organiser", "不能为空"))
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        errors.append(("start_date", "不能为空"))
    if end is None:
        errors.append(("end_date", "不能为空"))
    if start and end and end < start:
        errors.append(("end_date", "不能早于开始日期"))
    if values.get("content_category") and values["content_category"] not in ContentCategory.values:
        errors.append(("content_category", "应为 " + "、".join(ContentCategory.labels) + " 之一"))
    quota = values.get("quota")
    if quota is not None and (not isinstance(quota, int) or quota < 1 or quota > 100000):
        errors.append(("quota", "应为 1 到 100000 之间的整数，或留空表示不限"))
    threshold = values.get("completion_threshold")
    if threshold is not None and not (Decimal("0") < Decimal(threshold) <= Decimal("1")):
        errors.append(("completion_threshold", "应为 0 到 100% 之间的比例"))
    if existing is not None and start and end:
        outside = existing.sessions.exclude(date__gte=start, date__lte=end).count()
        if outside:
            errors.append(("end_date" if end < existing.end_date else "start_date",
                           f"课表中有 {outside} 节课不在新的起止日期内，请先调整课表"))
    return errors


def writer_problems(user, organiser, institution) -> list[tuple[str, str]]:
    """Whether ``user`` may run a class with this organiser and host: an org department within its scope; an
    institution's staff at their own institution."""
    scope = scope_of(user)
    if scope.everything:
        return []
    if role_of(user) == Role.INSTITUTION:
        if institution is None or not institution_in_scope(scope, institution.code):
            return [("institution", "培训机构工作人员只能管理本机构承办的班次")]
        return []
    if role_of(user) == Role.ORG_ADMIN:
        if organiser is not None and not org_in_scope(scope, organiser):
            return [("organiser", "主办单位不在您的管理范围内")]
        return []
    return [("code", WRITE_DENIED)]


def _raise(errors: list[tuple[str, str]], labels: dict = LABELS) -> None:
    if errors:
        raise DomainError("；".join(f"{labels.get(f, f)}：{m}" for f, m in errors), code="invalid",
                          extra={"fields": {f: m for f, m in errors}})


def _require_writer(user) -> None:
    if role_of(user) not in CLASS_WRITERS:
        raise PermissionDenied(WRITE_DENIED)


def _locked_class(user, code: str, *, open_only: bool = True) -> TrainingClass:
    """The class, locked for the rest of the transaction, after the scope and write checks."""
    tc = access_class(user, code)
    if not may_write_class(user, tc):
        raise PermissionDenied(CLASS_DENIED)
    tc = TrainingClass.objects.select_for_update(of=("self",)).select_related("organiser", "institution").get(pk=tc.pk)
    if open_only and tc.is_closed:
        raise DomainError(CLOSED, code="class_closed")
    return tc


# ---- classes ---------------------------------------------------------------------------------------------

CLASS_FIELDS = ("name", "kind", "organiser", "institution", "start_date", "end_date", "full_time", "is_system_training",
                "content_category", "quota", "audience", "description", "completion_threshold")


@transaction.atomic(durable=True)
def class_save(*, acting_user, values: dict, code: str | None = None) -> TrainingClass:
    """Create a class (``code`` None: the code is in ``values``) or change one."""
    _require_writer(acting_user)
    existing = _locked_class(acting_user, code) if code else None
    errors = check_class_values(values, existing=existing)
    errors += writer_problems(acting_user, values.get("organiser"), values.get("institution"))
    if existing is None and values.get("code") and TrainingClass.objects.filter(code=values["code"]).exists():
        errors.append(("code", f"班次编码 {values['code']} 已存在"))
    _raise(errors)
    if existing is None:
        tc = TrainingClass(code=values["code"], **{f: values[f] for f in CLASS_FIELDS if f in values})
        tc.save()
        record_event(actor=acting_user, event_type=EventType.CLASS_CREATED, subject_type="class", subject_code=tc.code,
                     subject_label=tc.name, extra={"after": snapshot(tc)})
        return tc
    before = snapshot(existing)
    for f in CLASS_FIELDS:
        if f in values:
            setattr(existing, f, values[f])
    change = diff(before, snapshot(existing))
    if change["after"]:
        existing.save()
        record_event(actor=acting_user, event_type=EventType.CLASS_UPDATED, subject_type="class",
                     subject_code=existing.code, subject_label=existing.name, extra=change)
    return existing


def class_upsert_many(*, acting_user, report, created: Sequence[tuple[TrainingClass, dict]],
                      updated: Sequence[tuple[TrainingClass, dict]]) -> None:
    """Write a checked classes import: all of it in one transaction, an audit row per changed class and one
    summary row."""
    with transaction.atomic(durable=True):
        TrainingClass.objects.bulk_create([tc for tc, _ in created], batch_size=500)
        for tc, _ in updated:
            tc.save()
        events = [build_event(actor=acting_user, event_type=EventType.CLASS_CREATED, subject_type="class",
                              subject_code=tc.code, subject_label=tc.name, extra=change) for tc, change in created]
        events += [build_event(actor=acting_user, event_type=EventType.CLASS_UPDATED, subject_type="class",
                               subject_code=tc.code, subject_label=tc.name, extra=change) for tc, change in updated]
        events.append(import_summary_event(actor=acting_user, subject_type="classes", report=report))
        record_events(events)


# ---- timetable -------------------------------------------------------------------------------------------

def slot_order_of(slot: str) -> int:
    """Where a 节次 sorts within its day: 上午, 下午, 晚上, then numbered periods (1, 2 …) in their order."""
    return SLOT_ORDER.get(slot) or (10 + int(slot) if slot.isdigit() else 99)


def parse_hours(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not hours.is_finite():
        return None
    # 4 and 4.0 are the same hours (the stored value has one decimal); 4.25 stays as is and fails the check
    return hours.quantize(Decimal("0.1")) if hours == hours.quantize(Decimal("0.1")) else hours


def check_session_values(tc: TrainingClass, values: dict) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    day = values.get("date")
    if day is None:
        errors.append(("date", "不能为空"))
    elif not tc.start_date <= day <= tc.end_date:
        errors.append(("date", f"应在班次的起止日期内（{tc.start_date:%Y-%m-%d} 至 {tc.end_date:%Y-%m-%d}）"))
    slot = values.get("slot") or ""
    if not SLOT_RE.match(slot):
        errors.append(("slot", "应为 上午、下午、晚上 或节次序号 1、2、3 …"))
    course = (values.get("course_name") or "").strip()
    if not course:
        errors.append(("course_name", "不能为空"))
    elif len(course) > 200:
        errors.append(("course_name", "不能超过 200 个字"))
    if len(values.get("teacher_name") or "") > 100:
        errors.append(("teacher_name", "不能超过 100 个字"))
    if values.get("teacher_kind") and values["teacher_kind"] not in TeacherKind.values:
        errors.append(("teacher_kind", "应为 " + "、".join(TeacherKind.labels) + " 之一"))
    if values.get("content_category") not in ContentCategory.values:
        errors.append(("content_category", "应为 " + "、".join(ContentCategory.labels) + " 之一"))
    if values.get("method") not in TeachingMethod.values:
        errors.append(("method", "应为 " + "、".join(TeachingMethod.labels) + " 之一"))
    hours = values.get("hours")
    if not isinstance(hours, Decimal) or not Decimal("0") < hours <= MAX_SLOT_HOURS or hours != hours.quantize(
            Decimal("0.1")):
        errors.append(("hours", f"应为大于 0、不超过 {MAX_SLOT_HOURS} 的数，最多一位小数"))
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends <= starts:
        errors.append(("ends_at", "应晚于开始时间"))
    return errors


def _session_of(tc: TrainingClass, values: dict, session: ClassSession | None = None,
                library: Library | None = None) -> ClassSession:
    session = session or ClassSession(training_class=tc)
    for f in SESSION_FIELDS:
        if f in values:
            setattr(session, f, values[f])
    session.course_name = session.course_name.strip()
    session.slot_order = slot_order_of(session.slot)
    (library or Library.of(tc)).link(session)
    return session


class Library:
    """The course and teacher libraries a class's timetable links to: the host institution's, by exact name."""

    def __init__(self, courses: dict, teachers: dict):
        self.courses, self.teachers = courses, teachers

    @classmethod
    def of(cls, tc: TrainingClass) -> Library:
        return cls.of_institutions([tc.institution_id] if tc.institution_id else [])

    @classmethod
    def of_institutions(cls, ids) -> Library:
        from ganxun.resources.models import Course, Teacher, TeacherStatus

        ids = [i for i in ids if i]
        courses = {(c.institution_id, c.name): c for c in Course.objects.filter(institution_id__in=ids)}
        teachers = {(t.institution_id, t.name): t for t in Teacher.objects.filter(
            institution_id__in=ids).exclude(status=TeacherStatus.EXITED)}
        return cls(courses, teachers)

    def link(self, session: ClassSession) -> None:
        institution = session.training_class.institution_id
        session.course = self.courses.get((institution, session.course_name))
        session.teacher = self.teachers.get((institution, session.teacher_name)) if session.teacher_name else None


@transaction.atomic(durable=True)
def session_save(*, acting_user, class_code: str, values: dict, session_id: int | None = None) -> ClassSession:
    """Add a slot to a class's timetable, or change one (the timetable editor)."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    existing = None
    if session_id is not None:
        existing = tc.sessions.filter(pk=session_id).first()
        if existing is None:
            raise NotFound("课表中没有这节课")
    errors = check_session_values(tc, values)
    if not errors:
        clash = tc.sessions.filter(date=values["date"], slot=values["slot"])
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        if clash.exists():
            errors.append(("slot", f"{values['date']:%Y-%m-%d} {values['slot']} 已经安排了课程"))
    _raise(errors, SESSION_LABELS)
    before = session_snapshot(existing) if existing else {}
    session = _session_of(tc, values, existing)
    if session.teacher is not None and not session.teacher_kind:
        session.teacher_kind = session.teacher.kind   # a library teacher's kind, when the editor left it empty
    session.save()
    change = diff(before, session_snapshot(session))
    if change["after"]:
        record_event(actor=acting_user, event_type=EventType.TIMETABLE_UPDATED, subject_type="class",
                     subject_code=tc.code, subject_label=tc.name,
                     extra={"session": session.ref, "course": session.course_name, **change})
    return session


@transaction.atomic(durable=True)
def session_delete(*, acting_user, class_code: str, session_id: int) -> None:
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    session = tc.sessions.filter(pk=session_id).first()
    if session is None:
        raise NotFound("课表中没有这节课")
    before = session_snapshot(session)
    session.delete()
    record_event(actor=acting_user, event_type=EventType.TIMETABLE_UPDATED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, extra={"session": f"{before['date']} {before['slot']}", "before": before,
                                               "after": {}, "deleted": True})


def session_upsert_many(*, acting_user, report, created: Sequence[ClassSession],
                        updated: Sequence[tuple[ClassSession, dict]]) -> None:
    """Write a checked sessions import: one transaction, one audit row per class touched, one summary row."""
    with transaction.atomic(durable=True):
        library = Library.of_institutions({s.training_class.institution_id for s in created}
                                          | {s.training_class.institution_id for s, _ in updated})
        for s in created:
            library.link(s)
        for s, _ in updated:
            library.link(s)
        ClassSession.objects.bulk_create(list(created), batch_size=1000)
        if updated:
            ClassSession.objects.bulk_update([s for s, _ in updated], [*SESSION_FIELDS, "slot_order", "course", "teacher"],
                                             batch_size=500)
        touched: dict[int, list] = {}
        for s in created:
            touched.setdefault(s.training_class_id, [s.training_class, 0, 0])[1] += 1
        for s, _ in updated:
            touched.setdefault(s.training_class_id, [s.training_class, 0, 0])[2] += 1
        events = [build_event(actor=acting_user, event_type=EventType.TIMETABLE_UPDATED, subject_type="class",
                              subject_code=tc.code, subject_label=tc.name,
                              extra={"imported": True, "created": added, "updated": changed})
                  for tc, added, changed in touched.values()]
        events.append(import_summary_event(actor=acting_user, subject_type="sessions", report=report))
        record_events(events)


# ---- trainees --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EnrolResult:
    enrolled: list
    waitlisted: list
    already: list


def places_taken(tc: TrainingClass) -> int:
    return tc.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()


def enrol_locked(acting_user, tc: TrainingClass, cadres: Iterable, reason: str = "") -> EnrolResult:
    """Enrol ``cadres`` into a locked class: up to its quota as 在读, the rest on the waitlist (候补)."""
    existing = {e.cadre_id: e for e in tc.enrolments.select_for_update(of=("self",))}
    taken = sum(1 for e in existing.values() if e.status == EnrolmentStatus.ENROLLED)
    enrolled, waitlisted, already, revived = [], [], [], []
    user_row = acting_user if getattr(acting_user, "is_authenticated", False) else None
    new = []
    for cadre in cadres:
        current = existing.get(cadre.pk)
        if current is not None and current.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
            already.append(cadre)
            continue
        status = EnrolmentStatus.ENROLLED if tc.quota is None or taken < tc.quota else EnrolmentStatus.WAITLISTED
        if status == EnrolmentStatus.ENROLLED:
            taken += 1
            enrolled.append(cadre)
        else:
            waitlisted.append(cadre)
        if current is not None:   # withdrawn or cancelled earlier: signs up again
            current.status, current.reason = status, reason
            revived.append(current)
        else:
            new.append(Enrolment(training_class=tc, cadre=cadre, status=status, reason=reason, enrolled_by=user_row))
            existing[cadre.pk] = new[-1]
    Enrolment.objects.bulk_create(new, batch_size=1000)
    if revived:
        Enrolment.objects.bulk_update(revived, ["status", "reason"])
    if enrolled or waitlisted:
        record_event(actor=acting_user, event_type=EventType.ENROLLED, subject_type="class", subject_code=tc.code,
                     subject_label=tc.name, reason=reason,
                     extra={"enrolled": [c.person_code for c in enrolled][:200],
                            "waitlisted": [c.person_code for c in waitlisted][:200],
                            "count": len(enrolled) + len(waitlisted)})
    return EnrolResult(enrolled, waitlisted, already)


@transaction.atomic(durable=True)
def enrol(*, acting_user, class_code: str, cadres: Sequence, reason: str = "") -> EnrolResult:
    """Add trainees (``Cadre``s the caller found within the user's reach) to a class; beyond the quota they wait."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    return enrol_locked(acting_user, tc, cadres, reason)


STATUS_MOVES = {
    EnrolmentStatus.WITHDRAWN: {EnrolmentStatus.ENROLLED},
    EnrolmentStatus.CANCELLED: {EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED},
    EnrolmentStatus.ENROLLED: {EnrolmentStatus.WAITLISTED},
}


@transaction.atomic(durable=True)
def enrolment_set_status(*, acting_user, class_code: str, enrolment_ids: Sequence[int], status: str,
                         reason: str = "") -> int:
    """Withdraw (退学), cancel (取消报名) or admit from the waitlist; admitting respects the quota. A completed
    trainee's status does not move (revoke the completion first)."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    if status not in STATUS_MOVES:
        raise DomainError("不支持的学员状态变更", code="invalid")
    if status == EnrolmentStatus.WITHDRAWN and not reason.strip():
        raise DomainError("退学必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    rows = list(tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(pk__in=list(enrolment_ids)))
    if len(rows) != len(set(enrolment_ids)):
        raise NotFound("该班次没有这些学员")
    bad = [e for e in rows if e.status not in STATUS_MOVES[status] or e.completed]
    if bad:
        names = "、".join(e.cadre.name for e in bad[:5])
        raise DomainError(f"{names} 的当前状态不能改为「{EnrolmentStatus(status).label}」", code="invalid_move")
    if status == EnrolmentStatus.ENROLLED and tc.quota is not None:
        room = tc.quota - places_taken(tc)
        if len(rows) > room:
            raise DomainError(f"名额不足：还剩 {max(room, 0)} 个名额，不能录取 {len(rows)} 人", code="quota_full")
    for e in rows:
        e.status, e.reason = status, reason.strip()
    Enrolment.objects.bulk_update(rows, ["status", "reason"])
    record_event(actor=acting_user, event_type=EventType.ENROLMENT_CHANGED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, reason=reason,
                 extra={"status": status, "trainees": [e.cadre.person_code for e in rows][:200], "count": len(rows)})
    return len(rows)


# ---- completion and its reversal -------------------------------------------------------------------------

def scheduled_hours(tc: TrainingClass) -> Decimal:
    return tc.sessions.aggregate(total=Sum("hours"))["total"] or Decimal("0")


def record_source_of(tc: TrainingClass) -> str:
    if tc.kind == ClassKind.ONLINE:
        return RecordSource.ONLINE
    return RecordSource.FULL_TIME if tc.full_time else RecordSource.OTHER


def completion_record(tc: TrainingClass, cadre, hours: Decimal, acting_user) -> LearningRecord:
    """The ledger entry a completion writes: the class's scheduled hours and days, institution, category and flag."""
    record = LearningRecord(cadre=cadre, title=tc.name, source=record_source_of(tc),
                            content_category=tc.content_category, start_date=tc.start_date, end_date=tc.end_date,
                            days=tc.credit_days, hours=hours, is_system_training=tc.is_system_training, completed=True,
                            status=RecordStatus.APPROVED, origin=RecordOrigin.CLASS, reason=f"班次 {tc.code} 结业")
    set_institution(record, tc.institution)
    return record


def complete_locked(acting_user, tc: TrainingClass, enrolments: Sequence[Enrolment]) -> int:
    """Complete enrolled trainees of a locked class: one ledger entry each, in the caller's transaction."""
    todo = [e for e in enrolments if not e.completed and e.status == EnrolmentStatus.ENROLLED]
    if not todo:
        return 0
    hours = scheduled_hours(tc)
    records = [completion_record(tc, e.cadre, hours, acting_user) for e in todo]
    record_append_many(acting_user=acting_user, records=records, reason=f"班次 {tc.code} 结业")
    now = timezone.now()
    for e, record in zip(todo, records):
        e.completed, e.completed_at, e.record = True, now, record
    Enrolment.objects.bulk_update(todo, ["completed", "completed_at", "record"], batch_size=1000)
    return len(todo)


def revoke_locked(acting_user, tc: TrainingClass, enrolments: Sequence[Enrolment], reason: str) -> int:
    """Reverse completed trainees' ledger entries (取消结业) in the caller's transaction."""
    done = [e for e in enrolments if e.completed]
    if not done:
        return 0
    originals = list(LearningRecord.objects.select_for_update(of=("self",)).select_related("cadre")
                     .filter(pk__in=[e.record_id for e in done if e.record_id]))
    reversed_already = set(LearningRecord.objects.filter(reverses__in=originals).values_list("reverses_id", flat=True))
    record_reverse_many(acting_user=acting_user, records=[r for r in originals if r.pk not in reversed_already],
                        reason=reason)
    for e in done:
        e.completed, e.completed_at, e.record = False, None, None
    Enrolment.objects.bulk_update(done, ["completed", "completed_at", "record"], batch_size=1000)
    # their certificates stay on file, void: a printed one then verifies as revoked
    Certificate.objects.filter(enrolment__in=done, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_event(actor=acting_user, event_type=EventType.COMPLETION_REVOKED, subject_type="class",
                 subject_code=tc.code, subject_label=tc.name, reason=reason,
                 extra={"trainees": [e.cadre.person_code for e in done][:200], "count": len(done)})
    return len(done)


@transaction.atomic(durable=True)
def revoke_completion(*, acting_user, class_code: str, enrolment_ids: Sequence[int], reason: str) -> int:
    """取消结业 for some trainees: their class entries are reversed; the class stays as it is."""
    _require_writer(acting_user)
    if not reason.strip():
        raise DomainError("取消结业必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    tc = _locked_class(acting_user, class_code, open_only=False)
    rows = list(tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(pk__in=list(enrolment_ids)))
    if len(rows) != len(set(enrolment_ids)):
        raise NotFound("该班次没有这些学员")
    return revoke_locked(acting_user, tc, rows, reason.strip())


@dataclass
class EnrolmentChange:
    """One checked row of an enrolments import."""

    training_class: TrainingClass
    cadre: object
    enrolment: Enrolment | None
    completed: bool | None     # None: the file leaves 结业 as it is


def enrolment_upsert_many(*, acting_user, report, changes: Sequence[EnrolmentChange]) -> None:
    """Write a checked enrolments import in one transaction: new trainees enrolled (the quota was checked with the
    file), 结业 是 completes (one ledger entry), 结业 否 revokes an earlier completion."""
    with transaction.atomic(durable=True):
        by_class: dict[int, list[EnrolmentChange]] = {}
        for change in changes:
            by_class.setdefault(change.training_class.pk, []).append(change)
        for class_id, rows in by_class.items():
            tc = TrainingClass.objects.select_for_update(of=("self",)).select_related("institution", "organiser").get(pk=class_id)
            newcomers = [r.cadre for r in rows if r.enrolment is None or r.enrolment.status not in (
                EnrolmentStatus.ENROLLED,)]
            if newcomers:
                result = enrol_locked(acting_user, tc, newcomers, "批量导入")
                if result.waitlisted:
                    raise DomainError(f"班次 {tc.code} 名额已满（{tc.quota} 人），未导入任何数据", code="quota_full")
            current = {e.cadre_id: e for e in tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(
                cadre_id__in=[r.cadre.pk for r in rows])}
            complete_locked(acting_user, tc, [current[r.cadre.pk] for r in rows if r.completed])
            revoke_locked(acting_user, tc, [current[r.cadre.pk] for r in rows if r.completed is False],
                          "导入：结业 否")
        import_summary_event(actor=acting_user, subject_type="enrolments", report=report).save()


@transaction.atomic(durable=True)
def certificates_issued(*, acting_user, class_code: str, numbers: Sequence[str], bulk: bool = False) -> None:
    """The audit row of a certificate download (one PDF, or a class's ZIP): the certificates' numbers, never the
    holders' ID numbers."""
    tc = access_class(acting_user, class_code)
    record_event(actor=acting_user, event_type=EventType.CERTIFICATE_ISSUED, subject_type="class",
                 subject_code=tc.code, subject_label=tc.name,
                 extra={"format": "zip" if bulk else "pdf", "count": len(numbers), "certificates": list(numbers)})
