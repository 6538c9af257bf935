"""Running a class day by day: attendance (grid, import, 扫码签到), leave, assessments, follow-up notes, the
closing documents, closing (结班) with its completions and certificates, and reopening (取消结班).

Every public function is one transaction with its audit rows, like ``services``; who may do what is checked here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, record_event
from ganxun.classes.models import (ATTENDED, Attendance, AttendanceMethod, AttendanceStatus, Certificate,
                                   ClassDocument, ClassSession, DocumentKind, Enrolment, EnrolmentStatus,
                                   LeaveRequest, LeaveStatus, Observation, TrainingClass)
from ganxun.classes.selectors import access_class, may_write_class, progress_of
from ganxun.classes.services import (SLOT_TIMES, _locked_class, _require_writer, complete_locked, revoke_locked,
                                     scheduled_hours)
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.idnumbers import mask_all_in_text
from ganxun.core.roles import Role, role_of
from ganxun.orgs.selectors import org_in_scope, scope_of

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: read aloud and typed from paper
SIGNIN_EARLY = timedelta(minutes=30)                 # the QR code signs in from half an hour before the slot
DOCUMENT_MAX = 20 * 1024 * 1024
DOCUMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".ofd", ".wps")
# When each closing document is due: before the class opens, or within a week after it ends.
DUE_AFTER_END = timedelta(days=7)


def random_code(length: int = 16) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def random_codes(count: int, length: int = 16) -> list[str]:
    """``count`` codes like ``random_code``'s from one draw of random bytes (a bulk load's certificates): each byte
    picks one of the 32 letters, so every letter is as likely (256 is a multiple of 32)."""
    assert 256 % len(CODE_ALPHABET) == 0
    raw = secrets.token_bytes(count * length)
    letters = CODE_ALPHABET * (256 // len(CODE_ALPHABET))
    text = raw.translate(bytes.maketrans(bytes(range(256)), letters.encode())).decode()
    return [text[i:i + length] for i in range(0, count * length, length)]


def _trainees(tc: TrainingClass, ids: Sequence[int]) -> list[Enrolment]:
    rows = list(tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(pk__in=list(ids)))
    if len(rows) != len(set(ids)):
        raise NotFound("该班次没有这些学员")
    return rows


# ---- attendance ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    enrolment_id: int
    session_id: int
    status: str | None      # None clears the mark


def _apply_marks(acting_user, tc: TrainingClass, marks: Sequence[Mark], method: str) -> int:
    sessions = set(tc.sessions.values_list("pk", flat=True))
    trainees = dict(tc.enrolments.filter(status=EnrolmentStatus.ENROLLED).values_list("pk", "status"))
    bad = [m for m in marks if m.session_id not in sessions or m.enrolment_id not in trainees]
    if bad:
        raise DomainError("考勤中有不属于本班次的课或不在读的学员，未作修改", code="invalid")
    wrong = [m for m in marks if m.status is not None and m.status not in AttendanceStatus.values]
    if wrong:
        raise DomainError("考勤应为 " + "、".join(AttendanceStatus.labels) + " 之一", code="invalid")
    existing = {(a.enrolment_id, a.session_id): a for a in Attendance.objects.select_for_update().filter(
        session__training_class=tc, enrolment_id__in={m.enrolment_id for m in marks})}
    user_row = acting_user if getattr(acting_user, "is_authenticated", False) else None
    new, changed, gone = [], [], []
    for m in marks:
        row = existing.get((m.enrolment_id, m.session_id))
        if m.status is None:
            if row is not None:
                gone.append(row.pk)
        elif row is None:
            new.append(Attendance(enrolment_id=m.enrolment_id, session_id=m.session_id, status=m.status,
                                  method=method, marked_by=user_row))
        elif row.status != m.status:
            row.status, row.method, row.marked_by, row.marked_at = m.status, method, user_row, timezone.now()
            changed.append(row)
    Attendance.objects.bulk_create(new, batch_size=2000)
    Attendance.objects.bulk_update(changed, ["status", "method", "marked_by", "marked_at"], batch_size=2000)
    Attendance.objects.filter(pk__in=gone).delete()
    count = len(new) + len(changed) + len(gone)
    if count:
        record_event(actor=acting_user, event_type=EventType.ATTENDANCE_MARKED, subject_type="class",
                     subject_code=tc.code, subject_label=tc.name,
                     extra={"count": count, "method": method, "created": len(new), "changed": len(changed),
                            "cleared": len(gone)})
    return count


@transaction.atomic(durable=True)
def attendance_mark(*, acting_user, class_code: str, marks: Sequence[Mark],
                    method: str = AttendanceMethod.MANUAL) -> int:
    """Mark (or clear) trainees at slots: the grid's bulk marking and the attendance import."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    return _apply_marks(acting_user, tc, marks, method)


def signin_window(session: ClassSession) -> tuple[datetime, datetime]:
    """When a slot's QR code signs in: from half an hour before it starts to its end (the named half-days'
    usual times when the slot gives none)."""
    start, end = session.starts_at, session.ends_at
    if start is None or end is None:
        start, end = SLOT_TIMES.get(session.slot, (None, None))
    if start is None:
        start, end = datetime.min.time(), datetime.max.time().replace(microsecond=0)
    tz = timezone.get_current_timezone()
    opens = timezone.make_aware(datetime.combine(session.date, start), tz) - SIGNIN_EARLY
    return opens, timezone.make_aware(datetime.combine(session.date, end), tz)


@transaction.atomic(durable=True)
def signin_token_for(*, acting_user, class_code: str, session_id: int) -> str:
    """The slot's sign-in code (made once), for the QR code the class's staff show in the classroom."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    session = tc.sessions.filter(pk=session_id).first()
    if session is None:
        raise NotFound("课表中没有这节课")
    if not session.signin_token:
        session.signin_token = secrets.token_urlsafe(18)
        session.save(update_fields=["signin_token"])
    return session.signin_token


@transaction.atomic(durable=True)
def qr_signin(*, acting_user, token: str, now: datetime | None = None) -> tuple[ClassSession, bool]:
    """A trainee signs in by scanning the classroom's QR code: only their own login, only if enrolled (在读),
    only inside the slot's time. ``(session, already)``."""
    now = now or timezone.now()
    if role_of(acting_user) != Role.CADRE or not getattr(acting_user, "person_id", None):
        raise PermissionDenied("请用学员本人的账号扫码签到")
    session = ClassSession.objects.select_related("training_class").filter(signin_token=token).first()
    if session is None:
        raise NotFound("签到码无效，请扫描教室中显示的二维码")
    tc = session.training_class
    if tc.is_closed:
        raise DomainError("班次已结班，不能再签到", code="class_closed")
    enrolment = tc.enrolments.filter(cadre_id=acting_user.person_id).first()
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError(f"您不是「{tc.name}」的在读学员，不能签到", code="not_enrolled")
    opens, closes = signin_window(session)
    if not opens <= now <= closes:
        raise DomainError(f"不在签到时间内：本节课 {timezone.localtime(opens):%m月%d日 %H:%M} 至 "
                          f"{timezone.localtime(closes):%H:%M} 可签到", code="outside_time")
    row = Attendance.objects.select_for_update().filter(enrolment=enrolment, session=session).first()
    if row is not None and row.status in ATTENDED:
        return session, True
    if row is None:
        Attendance.objects.create(enrolment=enrolment, session=session, status=AttendanceStatus.PRESENT,
                                  method=AttendanceMethod.QR, marked_by=acting_user)
    else:
        row.status, row.method, row.marked_by = AttendanceStatus.PRESENT, AttendanceMethod.QR, acting_user
        row.save()
    record_event(actor=acting_user, event_type=EventType.ATTENDANCE_MARKED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, extra={"count": 1, "method": AttendanceMethod.QR, "session": session.ref})
    return session, False


# ---- leave -----------------------------------------------------------------------------------------------

def may_request_leave(user, enrolment: Enrolment) -> bool:
    """The trainee themselves, their unit or department (the cadre in the user's org scope), the class's staff."""
    if role_of(user) == Role.CADRE:
        return getattr(user, "person_id", None) == enrolment.cadre_id
    if may_write_class(user, enrolment.training_class):
        return True
    scope = scope_of(user)
    return role_of(user) in (Role.ORG_ADMIN, Role.UNIT_HR) and org_in_scope(scope, enrolment.cadre.org)


@transaction.atomic(durable=True)
def leave_request(*, acting_user, class_code: str, enrolment_id: int, session_ids: Sequence[int],
                  reason: str) -> LeaveRequest:
    tc = access_class(acting_user, class_code)
    enrolment = tc.enrolments.select_related("cadre", "cadre__org", "training_class").filter(pk=enrolment_id).first()
    if enrolment is None:
        raise NotFound("该班次没有这名学员")
    if not may_request_leave(acting_user, enrolment):
        raise PermissionDenied("只有学员本人、所在单位或班次工作人员可以请假")
    if tc.is_closed or enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError("只有在读学员可以请假，已结班的班次不能请假", code="invalid")
    if not reason.strip():
        raise DomainError("请填写请假事由", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    sessions = list(tc.sessions.filter(pk__in=list(session_ids)))
    if not sessions or len(sessions) != len(set(session_ids)):
        raise DomainError("请选择要请假的课（本班次课表中的）", code="invalid", extra={"fields": {"sessions": "请选择"}})
    request = LeaveRequest.objects.create(enrolment=enrolment, reason=reason.strip()[:300],
                                          requested_by=acting_user if acting_user.is_authenticated else None)
    request.sessions.set(sessions)
    hours = sum((s.hours for s in sessions), Decimal("0"))
    record_event(actor=acting_user, event_type=EventType.LEAVE_DECIDED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, reason=reason,
                 extra={"trainee": enrolment.cadre.person_code, "hours": str(hours), "status": "requested"})
    return request


@dataclass
class LeaveOutcome:
    request: LeaveRequest
    withdrawn: bool = False
    leave_hours: Decimal = Decimal("0")
    limit: Decimal = Decimal("0")


@transaction.atomic(durable=True)
def leave_decide(*, acting_user, class_code: str, request_id: int, approve: bool, note: str = "") -> LeaveOutcome:
    """Approve or refuse a leave request. Approved slots are marked 请假; a trainee whose approved leave then
    exceeds 1/7 of the class's hours is withdrawn (退学, 条例 第15条) and does not complete."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    request = LeaveRequest.objects.select_for_update(of=("self",)).select_related("enrolment", "enrolment__cadre").filter(
        pk=request_id, enrolment__training_class=tc).first()
    if request is None:
        raise NotFound("没有这条请假申请")
    if request.status != LeaveStatus.PENDING:
        raise DomainError("这条请假申请已经审批过了", code="already_decided")
    request.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    request.decided_at, request.decided_by, request.decision_note = timezone.now(), acting_user, note.strip()[:300]
    request.save()
    outcome = LeaveOutcome(request)
    enrolment = request.enrolment
    if approve and enrolment.status == EnrolmentStatus.ENROLLED:
        marks = [Mark(enrolment.pk, s.pk, AttendanceStatus.LEAVE) for s in request.sessions.all()]
        _apply_marks(acting_user, tc, marks, AttendanceMethod.LEAVE)
        progress = progress_of(tc, timezone.localdate(), [enrolment.pk])[enrolment.pk]
        outcome.leave_hours, outcome.limit = progress.leave, progress.leave_limit
        if progress.over_leave:
            enrolment.status = EnrolmentStatus.WITHDRAWN
            enrolment.reason = (f"请假 {progress.leave:g} 学时，超过总学时 {progress.total:g} 的 1/7"
                                "（《干部教育培训工作条例》第十五条）")
            enrolment.save(update_fields=["status", "reason"])
            outcome.withdrawn = True
            record_event(actor=acting_user, event_type=EventType.ENROLMENT_CHANGED, subject_type="class",
                         subject_code=tc.code, subject_label=tc.name, reason=enrolment.reason,
                         extra={"status": EnrolmentStatus.WITHDRAWN, "trainees": [enrolment.cadre.person_code],
                                "count": 1})
    record_event(actor=acting_user, event_type=EventType.LEAVE_DECIDED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, reason=note,
                 extra={"trainee": enrolment.cadre.person_code, "status": request.status,
                        "withdrawn": outcome.withdrawn})
    return outcome


# ---- assessments and follow-up notes ---------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentRow:
    enrolment_id: int
    theory_score: Decimal | None
    party_analysis_submitted: bool


@transaction.atomic(durable=True)
def assessments_record(*, acting_user, class_code: str, rows: Sequence[AssessmentRow]) -> int:
    """Theory test scores (0–100, one decimal) and 党性分析 submitted, by the class's staff."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    trainees = {e.pk: e for e in _trainees(tc, [r.enrolment_id for r in rows])}
    errors = [f"{trainees[r.enrolment_id].cadre.name}：成绩应在 0 到 100 之间" for r in rows
              if r.theory_score is not None and not Decimal("0") <= r.theory_score <= Decimal("100")]
    if errors:
        raise DomainError("；".join(errors), code="invalid")
    changed = []
    for r in rows:
        e = trainees[r.enrolment_id]
        if (e.theory_score, e.party_analysis_submitted) != (r.theory_score, r.party_analysis_submitted):
            e.theory_score, e.party_analysis_submitted = r.theory_score, r.party_analysis_submitted
            changed.append(e)
    Enrolment.objects.bulk_update(changed, ["theory_score", "party_analysis_submitted"])
    if changed:
        record_event(actor=acting_user, event_type=EventType.ASSESSMENT_RECORDED, subject_type="class",
                     subject_code=tc.code, subject_label=tc.name,
                     extra={"count": len(changed), "trainees": [e.cadre.person_code for e in changed][:200]})
    return len(changed)


def may_observe(user, enrolment: Enrolment) -> bool:
    """跟班考察: the staff of the trainee's department or unit (the cadre in their org scope), or the class's."""
    if may_write_class(user, enrolment.training_class):
        return True
    return role_of(user) in (Role.ORG_ADMIN, Role.UNIT_HR) and org_in_scope(scope_of(user), enrolment.cadre.org)


@transaction.atomic(durable=True)
def observation_add(*, acting_user, class_code: str, enrolment_id: int, text: str) -> Observation:
    tc = access_class(acting_user, class_code)
    enrolment = tc.enrolments.select_related("cadre", "cadre__org", "training_class").filter(pk=enrolment_id).first()
    # a trainee the user may not follow is not shown to them either: the same 404 as one that is not there
    if enrolment is None or not may_observe(acting_user, enrolment):
        raise NotFound("该班次没有这名学员，或不是您单位的学员")
    text = text.strip()
    if not text:
        raise DomainError("请填写考察情况", code="invalid", extra={"fields": {"text": "不能为空"}})
    note = Observation.objects.create(enrolment=enrolment, text=text[:2000], author=acting_user,
                                      author_name=getattr(acting_user, "display_name", "") or acting_user.get_username())
    record_event(actor=acting_user, event_type=EventType.ASSESSMENT_RECORDED, subject_type="class",
                 subject_code=tc.code, subject_label=tc.name,
                 extra={"trainee": enrolment.cadre.person_code, "observation": True})
    return note


# ---- the closing documents -------------------------------------------------------------------------------

def due_date(tc: TrainingClass, kind: str) -> date:
    return tc.start_date if kind in (DocumentKind.PLAN, DocumentKind.AGENDA) else tc.end_date + DUE_AFTER_END


def documents_dir() -> Path:
    return Path(settings.VAR_DIR) / "files" / "classes"


@transaction.atomic(durable=True)
def document_add(*, acting_user, class_code: str, kind: str, filename: str, content: bytes,
                 late_note: str = "", today: date | None = None) -> ClassDocument:
    """File one of the closing documents; one filed after its due date needs a note saying why (逾期说明)."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    today = today or timezone.localdate()
    errors = []
    if kind not in DocumentKind.values:
        errors.append(("kind", "应为 " + "、".join(DocumentKind.labels) + " 之一"))
    name = Path(filename or "").name[:200]
    if not name or Path(name).suffix.lower() not in DOCUMENT_TYPES:
        errors.append(("file", "应为 " + "、".join(DOCUMENT_TYPES) + " 格式的文件"))
    if not content:
        errors.append(("file", "文件是空的"))
    elif len(content) > DOCUMENT_MAX:
        errors.append(("file", "文件不能超过 20 MB"))
    if kind in DocumentKind.values and today > due_date(tc, kind) and not late_note.strip():
        errors.append(("late_note", f"已超过报送期限（{due_date(tc, kind):%Y-%m-%d}），请填写逾期说明"))
    if errors:
        raise DomainError("；".join(m for _, m in errors), code="invalid", extra={"fields": dict(errors)})
    digest = hashlib.sha256(content).hexdigest()
    folder = documents_dir() / tc.code
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{kind}-{timezone.now():%Y%m%d%H%M%S}-{digest[:12]}{Path(name).suffix.lower()}"
    # written before its row: if the transaction then fails, an unreferenced file is left, never a row without one
    stored.write_bytes(content)
    doc = ClassDocument.objects.create(training_class=tc, kind=kind, filename=name, size=len(content), sha256=digest,
                                       path=str(stored.relative_to(documents_dir())), late_note=late_note.strip()[:300],
                                       uploaded_by=acting_user if acting_user.is_authenticated else None)
    record_event(actor=acting_user, event_type=EventType.CLASS_UPDATED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, reason=late_note,
                 extra={"document": DocumentKind(kind).label, "file": mask_all_in_text(name), "late": bool(late_note)})
    return doc


def current_documents(tc: TrainingClass) -> dict[str, ClassDocument]:
    """The newest document of each kind."""
    out: dict[str, ClassDocument] = {}
    for doc in tc.documents.order_by("kind", "-uploaded_at", "-id"):
        out.setdefault(doc.kind, doc)
    return out


# ---- closing ---------------------------------------------------------------------------------------------

@dataclass
class Verdict:
    """Whether one trainee completes at closing, and why not."""

    enrolment: Enrolment
    completes: bool
    reasons: list[str] = field(default_factory=list)


def completion_verdicts(tc: TrainingClass, today: date) -> list[Verdict]:
    """Each 在读 trainee against the completion rule: attendance at the class's threshold of scheduled hours, leave
    within 1/7, the theory test passed (when the class has one), 党性分析 submitted (when the timetable has one)."""
    enrolments = list(tc.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("cadre")
                      .order_by("enrolled_at", "id"))
    progress = progress_of(tc, max(today, tc.end_date), [e.pk for e in enrolments])
    needs_analysis = tc.sessions.filter(is_party_spirit_analysis=True).exists()
    out = []
    for e in enrolments:
        p = progress[e.pk]
        reasons = []
        if p.final_rate < tc.completion_threshold:
            reasons.append(f"到课率 {p.final_rate:.1%}，低于 {tc.completion_threshold:.0%}")
        if p.over_leave:
            reasons.append(f"请假 {p.leave:g} 学时，超过总学时的 1/7")
        if tc.theory_test and (e.theory_score is None or e.theory_score < tc.pass_score):
            reasons.append("理论考试未参加" if e.theory_score is None else f"理论考试 {e.theory_score:g} 分，未及格")
        if needs_analysis and not e.party_analysis_submitted:
            reasons.append("未提交党性分析")
        out.append(Verdict(e, not reasons, reasons))
    return out


def closing_problems(tc: TrainingClass, today: date) -> list[str]:
    problems = []
    if tc.is_closed:
        problems.append("班次已结班")
    if today < tc.end_date:
        problems.append(f"班次 {tc.end_date:%Y-%m-%d} 结束，结束后才能结班")
    if not tc.sessions.exists():
        problems.append("课表中没有课程")
    documents = current_documents(tc)
    missing = [DocumentKind(k).label for k in DocumentKind.values if k not in documents]
    if missing:
        problems.append("缺少材料：" + "、".join(missing))
    return problems


@dataclass
class CloseResult:
    completed: list[Enrolment]
    not_completed: list[Verdict]
    certificates: list[Certificate]


def _issue_certificates(tc: TrainingClass, enrolments: Sequence[Enrolment], hours: Decimal) -> list[Certificate]:
    taken = Certificate.objects.filter(enrolment__training_class=tc).count()
    now = timezone.now()
    institution = tc.institution.name if tc.institution_id else tc.organiser.name
    certificates = []
    for i, e in enumerate(enrolments, start=taken + 1):
        name = e.cadre.name
        certificates.append(Certificate(
            enrolment=e, number=f"{tc.code}-{i:04d}", code=random_code(), name_masked=name[0] + "*" * (len(name) - 1),
            class_name=tc.name, institution_name=institution, hours=hours, start_date=tc.start_date,
            end_date=tc.end_date, issued_at=now))
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    return certificates


@transaction.atomic(durable=True)
def class_close(*, acting_user, class_code: str, today: date | None = None) -> CloseResult:
    """结班: the four documents filed and the class over; every 在读 trainee who meets the completion rule
    completes (one ledger entry each, ``record_append_many``) and gets a 结业证书."""
    _require_writer(acting_user)
    tc = _locked_class(acting_user, class_code)
    today = today or timezone.localdate()
    problems = closing_problems(tc, today)
    if problems:
        raise DomainError("不能结班：" + "；".join(problems), code="cannot_close")
    verdicts = completion_verdicts(tc, today)
    completing = [v.enrolment for v in verdicts if v.completes]
    locked = {e.pk: e for e in tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(
        pk__in=[e.pk for e in completing])}
    completing = [locked[e.pk] for e in completing]
    complete_locked(acting_user, tc, completing)
    certificates = _issue_certificates(tc, completing, scheduled_hours(tc))
    tc.closed_at, tc.closed_by = timezone.now(), acting_user if acting_user.is_authenticated else None
    tc.save(update_fields=["closed_at", "closed_by"])
    record_event(actor=acting_user, event_type=EventType.CLASS_CLOSED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name,
                 extra={"completed": len(completing), "not_completed": len(verdicts) - len(completing),
                        "trainees": [v.enrolment.cadre.person_code for v in verdicts if not v.completes][:200]})
    return CloseResult(completing, [v for v in verdicts if not v.completes], certificates)


@transaction.atomic(durable=True)
def class_reopen(*, acting_user, class_code: str, reason: str) -> int:
    """取消结班: every completion of the class is revoked (its ledger entries reversed, certificates void)."""
    _require_writer(acting_user)
    if not reason.strip():
        raise DomainError("取消结班必须填写原因", code="reason_required", extra={"fields": {"reason": "不能为空"}})
    tc = _locked_class(acting_user, class_code, open_only=False)
    if not tc.is_closed:
        raise DomainError("班次尚未结班", code="not_closed")
    done = list(tc.enrolments.select_for_update(of=("self",)).select_related("cadre").filter(completed=True))
    revoke_locked(acting_user, tc, done, f"取消结班：{reason.strip()}")
    tc.closed_at = tc.closed_by = None
    tc.save(update_fields=["closed_at", "closed_by"])
    record_event(actor=acting_user, event_type=EventType.CLASS_REOPENED, subject_type="class", subject_code=tc.code,
                 subject_label=tc.name, reason=reason, extra={"count": len(done)})
    return len(done)


def attendance_upsert_many(*, acting_user, report, marks_by_class: dict[str, Sequence[Mark]]) -> int:
    """Write a checked attendance import: every class's marks in one transaction, and the import's summary row."""
    from ganxun.audit.events import import_summary_event

    with transaction.atomic(durable=True):
        count = 0
        for code, marks in marks_by_class.items():
            tc = _locked_class(acting_user, code)
            count += _apply_marks(acting_user, tc, marks, AttendanceMethod.IMPORT)
        import_summary_event(actor=acting_user, subject_type="attendance", report=report).save()
    return count
