"""The pages that run a class day by day: the attendance grid and roll call, the classroom QR code and the
trainee's sign-in, leave, assessments and follow-up notes, the closing documents and 结班 / 取消结班.

Reads go through ``selectors`` and ``running``' read helpers; every write is one call of ``running``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from ganxun.classes.models import (AttendanceStatus, ClassSession, DocumentKind, EnrolmentStatus, LeaveRequest,
                                   LeaveStatus)
from ganxun.classes.running import (AssessmentRow, Mark, assessments_record, attendance_mark, class_close,
                                    class_reopen, closing_problems, completion_verdicts, current_documents,
                                    document_add, documents_dir, due_date, leave_decide, leave_request,
                                    may_observe, may_request_leave, observation_add, qr_signin, signin_token_for,
                                    signin_window)
from ganxun.classes.selectors import (access_class, attendance_grid, enrolments_visible, may_read_documents,
                                      may_write_class, progress_of)
from ganxun.classes.services import revoke_completion
from ganxun.core.errors import DomainError, NotFound
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import action_feedback

SYMBOLS = {"present": "✓", "late": "迟", "leave": "假", "absent": "✗", "": "·"}


def _back(code: str, tab: str) -> str:
    return reverse("classes:detail", args=[code]) + f"?tab={tab}"


def _today():
    return timezone.localdate()


def attendance_context(request, tc) -> dict:
    """The grid: every 在读/退学 trainee × every slot, with 到课率 and the ones who can no longer reach the threshold."""
    sessions, rows = attendance_grid(tc)
    progress = progress_of(tc, _today())
    visible = {e.pk for e in enrolments_visible(request.user, tc)}
    grid = []
    for e, marks in rows:
        if e.pk not in visible:
            continue
        grid.append({"e": e, "raw": marks, "p": progress.get(e.pk)})
    counts = [sum(1 for r in grid if r["raw"][i] in ("present", "late")) for i in range(len(sessions))]
    return {"sessions": list(zip(sessions, counts)), "grid": grid, "symbols": SYMBOLS,
            "statuses": AttendanceStatus.choices, "can_mark": may_write_class(request.user, tc) and not tc.is_closed,
            "at_risk": sum(1 for r in grid if r["p"] and r["p"].cannot_reach and r["e"].status == "enrolled")}


@scoped_view
def roll_call(request, code, session_id):
    """点名: one slot's trainees with their marks, to mark in one go (all present by default)."""
    tc = access_class(request.user, code)
    if not may_write_class(request.user, tc):
        raise Http404("无权登记考勤")
    session = tc.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404("课表中没有这节课")
    trainees = list(tc.enrolments.filter(status=EnrolmentStatus.ENROLLED).select_related("cadre", "cadre__org")
                    .order_by("enrolled_at", "id"))
    marks = dict(session.attendance.values_list("enrolment_id", "status"))
    if request.method == "POST":
        updates = []
        for e in trainees:
            status = request.POST.get(f"m{e.pk}", "")
            updates.append(Mark(e.pk, session.pk, status or None))
        try:
            n = attendance_mark(acting_user=request.user, class_code=code, marks=updates)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记 {session.ref} {session.course_name} 的考勤（{n} 处变动）")
            return redirect(_back(code, "attendance"))
    rows = [{"e": e, "status": marks.get(e.pk, "present")} for e in trainees]
    return render(request, "classes/roll_call.html", {"tc": tc, "session": session, "rows": rows,
                                                      "statuses": AttendanceStatus.choices})


@scoped_view
@require_POST
def attendance_bulk(request, code):
    """The grid's bulk marking: the ticked trainees at one slot (or every slot of a day) get one status."""
    tc = access_class(request.user, code)
    ids = [int(i) for i in request.POST.getlist("enrolment") if i.isdigit()]
    status = request.POST.get("status", "")
    target = request.POST.get("session", "")
    sessions = [int(target)] if target.isdigit() else list(tc.sessions.values_list("pk", flat=True))
    if not ids:
        messages.error(request, "请先勾选学员")
        return redirect(_back(code, "attendance"))
    action_feedback(request, lambda: attendance_mark(
        acting_user=request.user, class_code=code, marks=[Mark(e, s, status or None) for e in ids for s in sessions]),
        lambda n: f"已登记 {n} 处考勤")
    return redirect(_back(code, "attendance"))


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_inline(scale=8, border=2, omitsize=True, svgclass="qr")


@scoped_view
def session_qr(request, code, session_id):
    """The classroom screen: a big QR code the trainees scan with their phones, and the time it signs in."""
    tc = access_class(request.user, code)
    if not may_write_class(request.user, tc):
        raise Http404("无权显示签到码")
    session = tc.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404("课表中没有这节课")
    token = signin_token_for(acting_user=request.user, class_code=code, session_id=session.pk)
    url = request.build_absolute_uri(reverse("classes:signin", args=[token]))
    opens, closes = signin_window(session)
    signed = session.attendance.filter(status__in=("present", "late")).count()
    enrolled = tc.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    return render(request, "classes/qr.html", {"tc": tc, "session": session, "qr": mark_safe(qr_svg(url)),  # noqa: S308
                                               "url": url, "opens": opens, "closes": closes, "signed": signed,
                                               "enrolled": enrolled})


@login_required
def signin(request, token):
    """What a trainee's phone opens from the QR code: the slot, then 签到 (their own login only)."""
    session = ClassSession.objects.select_related("training_class", "training_class__institution").filter(
        signin_token=token).first()
    if session is None:
        return render(request, "classes/signin.html", {"problem": "签到码无效，请扫描教室中显示的二维码"}, status=404)
    result = problem = None
    if request.method == "POST":
        try:
            _, already = qr_signin(acting_user=request.user, token=token)
        except (DomainError, NotFound) as exc:
            problem = exc.message
        else:
            result = "您已签到过了" if already else "签到成功"
    opens, closes = signin_window(session)
    return render(request, "classes/signin.html", {"session": session, "tc": session.training_class, "result": result,
                                                   "problem": problem, "opens": opens, "closes": closes},
                  status=400 if problem else 200)


# ---- leave ---------------------------------------------------------------------------------------------------

def leave_context(request, tc) -> dict:
    visible = list(enrolments_visible(request.user, tc).filter(status=EnrolmentStatus.ENROLLED))
    askable = [e for e in visible if may_request_leave(request.user, e)]
    requests = (LeaveRequest.objects.filter(enrolment__training_class=tc, enrolment__in=[e.pk for e in
                                                                                        enrolments_visible(request.user, tc)])
                .select_related("enrolment__cadre").prefetch_related("sessions").order_by("status", "-requested_at"))
    progress = progress_of(tc, _today())
    rows = [{"r": r, "hours": sum((s.hours for s in r.sessions.all()), Decimal("0")),
             "p": progress.get(r.enrolment_id)} for r in requests]
    upcoming = list(tc.sessions.filter(date__gte=_today()).order_by("date", "slot_order")) or list(
        tc.sessions.order_by("date", "slot_order"))
    return {"leave_rows": rows, "askable": askable, "upcoming": upcoming, "LeaveStatus": LeaveStatus,
            "can_decide": may_write_class(request.user, tc) and not tc.is_closed}


@scoped_view
@require_POST
def leave_new(request, code):
    tc = access_class(request.user, code)
    enrolment = request.POST.get("enrolment", "")
    action_feedback(request, lambda: leave_request(
        acting_user=request.user, class_code=tc.code, enrolment_id=int(enrolment) if enrolment.isdigit() else 0,
        session_ids=[int(s) for s in request.POST.getlist("session") if s.isdigit()],
        reason=request.POST.get("reason", "")), "已提交请假申请，等待班次工作人员审批")
    return redirect(_back(code, "leave"))


@scoped_view
@require_POST
def leave_decision(request, code, request_id):
    tc = access_class(request.user, code)
    try:
        outcome = leave_decide(acting_user=request.user, class_code=tc.code, request_id=request_id,
                               approve=request.POST.get("approve") == "1", note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if outcome.withdrawn:
            messages.warning(request, f"已批准。{outcome.request.enrolment.cadre.name} 累计请假 {outcome.leave_hours:g} 学时，"
                                      f"超过总学时的 1/7（{outcome.limit:.1f} 学时），按规定作退学处理")
        else:
            messages.success(request, "已审批")
    return redirect(_back(code, "leave"))


# ---- assessments ---------------------------------------------------------------------------------------------

def assessment_context(request, tc) -> dict:
    trainees = list(enrolments_visible(request.user, tc).filter(status=EnrolmentStatus.ENROLLED)
                    .prefetch_related("observations"))
    return {"assess_rows": [{"e": e, "may_observe": may_observe(request.user, e)} for e in trainees],
            "can_assess": may_write_class(request.user, tc) and not tc.is_closed,
            "needs_analysis": tc.sessions.filter(is_party_spirit_analysis=True).exists()}


def _score(text: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation:
        raise DomainError(f"成绩“{text[:10]}”不是数字", code="invalid") from None


@scoped_view
@require_POST
def assessments_save(request, code):
    tc = access_class(request.user, code)
    ids = [int(i) for i in request.POST.getlist("enrolment") if i.isdigit()]

    def save():
        rows = [AssessmentRow(i, _score(request.POST.get(f"score{i}")), request.POST.get(f"analysis{i}") == "on")
                for i in ids]
        return assessments_record(acting_user=request.user, class_code=tc.code, rows=rows)

    action_feedback(request, save, lambda n: f"已保存考核情况（{n} 人有变动）")
    return redirect(_back(code, "assessment"))


@scoped_view
@require_POST
def observation_new(request, code):
    tc = access_class(request.user, code)
    enrolment = request.POST.get("enrolment", "")
    action_feedback(request, lambda: observation_add(
        acting_user=request.user, class_code=tc.code, enrolment_id=int(enrolment) if enrolment.isdigit() else 0,
        text=request.POST.get("text", "")), "已记录跟班考察情况")
    return redirect(_back(code, "assessment"))


# ---- closing -------------------------------------------------------------------------------------------------

def closing_context(request, tc) -> dict:
    today = _today()
    documents = current_documents(tc)
    doc_rows = [{"kind": k, "label": label, "doc": documents.get(k), "due": due_date(tc, k),
                 "late_now": today > due_date(tc, k)} for k, label in DocumentKind.choices]
    context = {"doc_rows": doc_rows, "problems": closing_problems(tc, today),
               "can_close": may_write_class(request.user, tc)}
    if not tc.is_closed:
        verdicts = completion_verdicts(tc, today)
        progress = progress_of(tc, max(today, tc.end_date))
        context["preview"] = [{"v": v, "p": progress.get(v.enrolment.pk)} for v in verdicts]
        context["never_came"] = [v.enrolment for v in verdicts if progress.get(v.enrolment.pk)
                                 and progress[v.enrolment.pk].attended == 0]
    else:
        from ganxun.classes.models import Certificate

        context["certificates"] = list(Certificate.objects.filter(enrolment__training_class=tc, revoked_at__isnull=True)
                                       .select_related("enrolment__cadre").order_by("number"))
    return context


@scoped_view
@require_POST
def document_upload(request, code):
    tc = access_class(request.user, code)
    upload = request.FILES.get("file")

    def add():
        if upload is None:
            raise DomainError("请选择要上传的文件", code="invalid")
        if upload.size > 20 * 1024 * 1024:
            raise DomainError("文件不能超过 20 MB", code="invalid")
        document_add(acting_user=request.user, class_code=tc.code, kind=request.POST.get("kind", ""),
                     filename=upload.name, content=upload.read(), late_note=request.POST.get("late_note", ""))

    action_feedback(request, add, lambda _: f"已上传{DocumentKind(request.POST['kind']).label}")
    return redirect(_back(code, "closing"))


@scoped_view
def document_download(request, code, document_id):
    tc = access_class(request.user, code)
    doc = tc.documents.filter(pk=document_id).first()
    if doc is None or not may_read_documents(request.user, tc):
        raise Http404("没有这份材料")
    path = documents_dir() / doc.path
    if not path.exists():
        raise Http404("材料文件已不存在，请重新上传")
    return FileResponse(path.open("rb"), as_attachment=True, filename=doc.filename)


@scoped_view
@require_POST
def close_view(request, code):
    tc = access_class(request.user, code)
    action_feedback(request, lambda: class_close(acting_user=request.user, class_code=tc.code),
                    lambda result: f"已结班：{len(result.completed)} 人结业，学时已记入学习档案；"
                                   f"{len(result.not_completed)} 人未结业")
    return redirect(_back(code, "closing"))


@scoped_view
@require_POST
def reopen_view(request, code):
    tc = access_class(request.user, code)
    action_feedback(request, lambda: class_reopen(acting_user=request.user, class_code=tc.code,
                                                  reason=request.POST.get("reason", "")),
                    lambda n: f"已取消结班：{n} 人的结业和学时记录已冲销，结业证书作废")
    return redirect(_back(code, "closing"))


@scoped_view
@require_POST
def revoke_view(request, code):
    tc = access_class(request.user, code)
    ids = [int(i) for i in request.POST.getlist("enrolment") if i.isdigit()]
    action_feedback(request, lambda: revoke_completion(acting_user=request.user, class_code=tc.code,
                                                       enrolment_ids=ids, reason=request.POST.get("reason", "")),
                    lambda n: f"已取消 {n} 人的结业")
    return redirect(_back(code, "closing"))
