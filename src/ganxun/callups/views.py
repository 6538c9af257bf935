"""The call-up pages: the list (a department's notices, a unit's inbox), a notice (quotas, nominations with their
conflict warnings, audit, leave), the notice form, the Word document, the conflicts report and a cadre's own
call-ups. Every view reads through ``selectors`` (outside the scope: 404) and writes through one service.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ganxun.callups import services
from ganxun.callups.conflicts import KINDS, find_conflicts
from ganxun.callups.forms import AnnualPlanForm, CallUpForm
from ganxun.callups.models import ACTIVE_STATUSES, CallUpLeaveStatus, CallUpMode, CallUpStatus, NominationStatus
from ganxun.callups.selectors import (access_callup, callups_visible_to, inbox_for, issued_by_scope, with_counts, makeups_visible_to, may_audit,
                                      may_nominate_for, may_run_callups, nominations_visible_to)
from ganxun.cadres.selectors import cadres_visible_to
from ganxun.classes.selectors import classes_visible_to
from ganxun.core.errors import DomainError
from ganxun.core.roles import Role, role_of
from ganxun.web.decorators import scoped_view
from ganxun.web.dialogs import action_feedback
from ganxun.web.paging import page_of
from ganxun.web.tables import Column

LIST_COLUMNS = [Column(label) for label in ("通知编号", "通知标题", "班次", "开班日期", "方式", "报名截止", "名额 / 提名 / 已审核",
                                            "状态")]


def _today() -> date:
    return timezone.localdate()


def _back(code: str, tab: str = ""):
    return redirect(f"/callups/{code}/" + (f"?tab={tab}" if tab else ""))


@scoped_view
def callup_list(request):
    user = request.user
    if role_of(user) == Role.CADRE:
        return redirect("callups:mine")
    runner = may_run_callups(user)
    box = request.GET.get("box", "issued" if runner else "inbox")
    qs = inbox_for(user) if box == "inbox" else issued_by_scope(user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(code__contains=q) | Q(training_class__name__contains=q))
    status = request.GET.get("status", "")
    if status in CallUpStatus.values:
        qs = qs.filter(status=status)
    qs = with_counts(qs)
    page = page_of(request, qs)
    return render(request, "callups/list.html", {
        "page": page, "rows": list(page.object_list), "columns": LIST_COLUMNS, "box": box, "q": q, "status": status,
        "statuses": CallUpStatus.choices, "runner": runner, "today": _today(), "query": request.GET.urlencode()})


def _class_choices(user):
    today = _today()
    return list(classes_visible_to(user).filter(start_date__gt=today, closed_at__isnull=True)
                .order_by("start_date", "code")[:300])


def _parse_quotas(text: str) -> dict[str, int]:
    quotas: dict[str, int] = {}
    for i, line in enumerate(text.splitlines(), start=1):
        line = line.replace("：", ":").replace("，", ",").strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace(",", ":").replace(" ", ":").split(":") if p.strip()]
        if len(parts) != 2 or not parts[1].isdigit():
            message = f"名额分配第 {i} 行“{line[:30]}”应为“单位编码:名额”"
            raise DomainError(message, code="invalid", extra={"fields": {"quotas": message}})
        quotas[parts[0]] = int(parts[1])
    return quotas


@scoped_view
def callup_new(request):
    user = request.user
    if not may_run_callups(user):
        raise Http404("无权下发调训通知")
    classes = _class_choices(user)
    initial = {"class_code": request.GET.get("class", ""), "mode": CallUpMode.QUOTA}
    form = CallUpForm(request.POST or None, classes=classes, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            callup = services.callup_save(
                acting_user=user, class_code=d["class_code"], title=d["title"], deadline=d["deadline"], mode=d["mode"],
                body=d["body"], report_at=d["report_at"], contact=d["contact"], quotas=_parse_quotas(d["quotas"]),
                named=[p for p in d["named"].replace("，", ",").replace(",", " ").split() if p])
        except DomainError as exc:
            from ganxun.web.dialogs import attach_errors

            attach_errors(form, exc)
        else:
            messages.success(request, f"已保存调训通知草稿 {callup.code}；核对无误后请点击“下发”")
            return redirect("callups:detail", callup.code)
    return render(request, "callups/form.html", {"form": form, "classes": classes})


def _nominees(user, callup, q: str):
    """Cadres the user may put forward under the quotas they hold, not already holding a place."""
    units = [quota.unit for quota in callup.quotas.select_related("unit") if may_nominate_for(user, quota)]
    if not units:
        return [], []
    under = Q()
    for unit in units:
        under |= Q(org__path__startswith=unit.path)
    qs = cadres_visible_to(user).filter(under).exclude(
        nominations__callup=callup, nominations__status__in=ACTIVE_STATUSES)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(person_code__contains=q) | Q(org__name__contains=q))
    return units, list(qs.order_by("org__path", "person_code")[:100])


@scoped_view
def callup_detail(request, code):
    user = request.user
    callup = access_callup(user, code)
    tc = callup.training_class
    auditor = may_audit(user, callup)
    nominations = list(nominations_visible_to(user).filter(callup=callup).prefetch_related("leaves")
                       .order_by("quota__unit__path", "id"))
    quotas = []
    for quota in callup.quotas.select_related("unit"):
        held = sum(1 for n in nominations if n.quota_id == quota.pk and n.holds_place)
        if auditor or may_nominate_for(user, quota):
            quotas.append({"q": quota, "held": held, "left": max(quota.places - held, 0),
                           "mine": may_nominate_for(user, quota)})
    q = request.GET.get("q", "").strip()
    open_now = callup.status == CallUpStatus.ISSUED and _today() <= callup.deadline
    room = any(row["mine"] and row["left"] for row in quotas)
    units, nominees = _nominees(user, callup, q) if open_now and room and callup.mode == CallUpMode.QUOTA else ([], [])
    pending_leaves = [(n, leave) for n in nominations for leave in n.leaves.all()
                      if leave.status == CallUpLeaveStatus.PENDING]
    return render(request, "callups/detail.html", {
        "callup": callup, "tc": tc, "auditor": auditor, "nominations": nominations, "quotas": quotas,
        "open_now": open_now, "units": units, "nominees": nominees, "q": q, "pending_leaves": pending_leaves,
        "warned": sum(1 for n in nominations if n.warnings and n.holds_place),
        "status_counts": {s: sum(1 for n in nominations if n.status == s) for s in NominationStatus.values},
    })


@scoped_view
@require_POST
def callup_issue_view(request, code):
    access_callup(request.user, code)
    action_feedback(request, lambda: services.callup_issue(acting_user=request.user, code=code),
                    "调训通知已下发，相关单位可在“调训通知”中看到并提名")
    return _back(code)


@scoped_view
@require_POST
def nominate_view(request, code):
    access_callup(request.user, code)
    try:
        result = services.nominate(acting_user=request.user, callup_code=code,
                                   person_codes=request.POST.getlist("person"), note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(code)
    messages.success(request, f"已提名 {len(result.nominations)} 人，等待组织部门审核")
    for person, warnings in result.warnings.items():
        for w in warnings:
            messages.warning(request, f"冲突提示（{w['label']}）：{w['detail']}")
    return _back(code)


def _ids(request) -> list[int]:
    return [int(i) for i in request.POST.getlist("nomination") if i.isdigit()]


@scoped_view
@require_POST
def audit_view(request, code):
    access_callup(request.user, code)
    approve = request.POST.get("approve") == "1"
    ids = _ids(request)
    if not ids:
        messages.error(request, "请先勾选要审核的提名")
        return _back(code)
    action_feedback(request, lambda: services.nominations_audit(
        acting_user=request.user, callup_code=code, nomination_ids=ids, approve=approve,
        note=request.POST.get("note", "")),
        lambda n: f"已审核通过 {n} 人，已录入班次学员名单" if approve else f"已退回 {n} 人的提名，单位可重新提名")
    return _back(code)


@scoped_view
@require_POST
def withdraw_view(request, code, nomination_id):
    access_callup(request.user, code)
    action_feedback(request, lambda: services.nomination_withdraw(acting_user=request.user, nomination_id=nomination_id,
                                                                  reason=request.POST.get("reason", "")),
                    "已撤回提名，名额已释放")
    return _back(code)


@scoped_view
@require_POST
def confirm_view(request, code, nomination_id):
    access_callup(request.user, code)
    action_feedback(request, lambda: services.named_confirm(acting_user=request.user, nomination_id=nomination_id),
                    lambda n: f"已确认 {n.cadre.name} 按时参训")
    return redirect(request.POST.get("next") or f"/callups/{code}/")


@scoped_view
@require_POST
def leave_view(request, code, nomination_id):
    access_callup(request.user, code)
    action_feedback(request, lambda: services.callup_leave_request(
        acting_user=request.user, nomination_id=nomination_id, reason=request.POST.get("reason", "")),
        "已提交请假申请，等待组织部门审批")
    return redirect(request.POST.get("next") or f"/callups/{code}/")


@scoped_view
@require_POST
def leave_decide_view(request, code, leave_id):
    access_callup(request.user, code)
    approve = request.POST.get("approve") == "1"
    action_feedback(request, lambda: services.callup_leave_decide(
        acting_user=request.user, leave_id=leave_id, approve=approve, note=request.POST.get("note", "")),
        "已批准请假，已列入补训名单" if approve else "未批准请假，调训安排不变")
    return _back(code)


@scoped_view
def notice_docx(request, code):
    from ganxun.callups.documents import notice_document

    callup = access_callup(request.user, code)
    response = HttpResponse(notice_document(callup),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, f"{callup.code} 调训通知.docx")
    return response


def _window(request) -> tuple[date, date]:
    from ganxun.core.dates import parse_day

    today = _today()
    # a missing, malformed or out-of-range date (core.dates) is this year's bound
    frm = parse_day("from", request.GET.get("from", ""))[0] or date(today.year, 1, 1)
    to = parse_day("to", request.GET.get("to", ""))[0] or date(today.year, 12, 31)
    if to < frm:
        frm, to = to, frm
    return frm, min(to, frm + timedelta(days=3 * 366))


@scoped_view
def conflicts_view(request):
    user = request.user
    if role_of(user) not in (Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER):
        raise Http404("无权查看调训冲突")
    frm, to = _window(request)
    kind = request.GET.get("kind", "")
    every = find_conflicts(user, frm, to)
    counts = {k: 0 for k in KINDS}
    for c in every:
        counts[c.kind] += 1
    found = [c for c in every if c.kind == kind] if kind in KINDS else every
    if request.GET.get("format") == "xlsx":
        from ganxun.callups.exporters import export_conflicts
        from ganxun.core.xlsx import xlsx_response

        content = export_conflicts(acting_user=user, conflicts=found, window=f"{frm}~{to}")
        return xlsx_response(content, f"调训冲突 {frm}至{to}.xlsx")
    return render(request, "callups/conflicts.html", {
        "found": found[:500], "total": len(found), "frm": frm, "to": to, "kind": kind, "kinds": KINDS.items(),
        "cards": [(k, label, counts[k]) for k, label in KINDS.items()], "query": request.GET.urlencode()})


@scoped_view
def mine(request):
    """A cadre's own call-ups, on a phone: where and when, confirm, or ask for leave."""
    user = request.user
    nominations = list(nominations_visible_to(user).exclude(status=NominationStatus.WITHDRAWN)
                       .prefetch_related("leaves").order_by("-callup__training_class__start_date"))
    return render(request, "callups/mine.html", {"nominations": nominations, "today": _today(),
                                                 "makeups": list(makeups_visible_to(user))})


@scoped_view
def rates_view(request):
    """调训率 and 参训率 by unit or by 干部类别 for a year, within the user's part of the tree."""
    from ganxun.callups.rates import rates, total_of

    user = request.user
    if role_of(user) not in (Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER):
        raise Http404("无权查看调训统计")
    today = _today()
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else today.year
    by = "category" if request.GET.get("by") == "category" else "unit"
    rows = rates(cadres_visible_to(user), date(year, 1, 1), date(year, 12, 31), by=by)
    total = total_of(rows)
    if request.GET.get("format") == "xlsx":
        from ganxun.callups.exporters import export_rates
        from ganxun.core.xlsx import xlsx_response

        content = export_rates(acting_user=user, rows=rows, total=total, year=year, by=by)
        return xlsx_response(content, f"{year}年调训统计（{'按干部类别' if by == 'category' else '按单位'}）.xlsx")
    shown = [r for r in rows if r.called] if request.GET.get("all") != "1" and by == "unit" else rows
    pct = {key: f"{value:.1%}" if (value := getattr(total, f"{key}_rate")) is not None else ""
           for key in ("call_up", "participation")}
    return render(request, "callups/rates.html", {
        "rows": shown, "total": total, "pct": pct, "year": year, "by": by, "all": request.GET.get("all") == "1",
        "years": list(range(today.year + 1, today.year - 6, -1)), "hidden": len(rows) - len(shown),
        "query": request.GET.urlencode()})


# ---- annual plans ----------------------------------------------------------------------------------------------

def _target_lines(text: str) -> list:
    from ganxun.core.choices import ClassKind

    kinds = {label: value for value, label in ClassKind.choices}
    lines = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").split("|")]
        if len(parts) < 2 or not parts[1].isdigit():
            message = f"计划指标第 {i} 行应为“培训对象 | 计划人数 | 计划表述 | 班次类型”，计划人数为整数"
            raise DomainError(message, code="invalid", extra={"fields": {"targets": message}})
        kind = parts[3] if len(parts) > 3 else ""
        if kind and kind not in kinds and kind not in kinds.values():
            message = f"计划指标第 {i} 行：班次类型“{kind}”不对，应为{'、'.join(kinds)}之一"
            raise DomainError(message, code="invalid", extra={"fields": {"targets": message}})
        lines.append(services.TargetLine(group=parts[0], planned=int(parts[1]), text=parts[2] if len(parts) > 2 else "",
                                         class_kind=kinds.get(kind, kind)))
    return lines


def _quota_lines(text: str) -> list[tuple[str, str, int]]:
    lines = []
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.replace("｜", "|").replace("：", "|").replace(":", "|").split("|")]
        if len(parts) == 2:
            parts = [parts[0], "", parts[1]]
        if len(parts) != 3 or not parts[2].isdigit():
            message = f"名额分配第 {i} 行应为“单位编码 | 培训对象 | 名额”，名额为整数"
            raise DomainError(message, code="invalid", extra={"fields": {"quotas": message}})
        lines.append((parts[0], parts[1], int(parts[2])))
    return lines


def _quotas_text(plan) -> str:
    return "\n".join(" | ".join((q.unit.code, q.target.group if q.target_id else "", str(q.places)))
                     for q in plan.quotas.select_related("unit", "target"))


def _targets_text(plan) -> str:
    from ganxun.core.choices import ClassKind

    labels = dict(ClassKind.choices)
    return "\n".join(" | ".join(x for x in (t.group, str(t.planned), t.text, labels.get(t.class_kind, "")) if x)
                     for t in plan.targets.all())


@scoped_view
def plan_list(request):
    from ganxun.callups.selectors import plans_visible_to

    user = request.user
    if role_of(user) not in (Role.ORG_ADMIN, Role.LEADER, Role.SUPERUSER):
        raise Http404("无权查看年度培训计划")
    plans = list(plans_visible_to(user).order_by("-year", "org__path"))
    return render(request, "callups/plans.html", {"plans": plans, "runner": may_run_callups(user)})


def _plan_form(request, form, plan=None):
    return render(request, "callups/plan_form.html", {"form": form, "plan": plan})


@scoped_view
def plan_new(request):
    user = request.user
    if not may_run_callups(user) or not getattr(user, "scope_org_id", None):
        raise Http404("只有组织部门的账号可以制定年度培训计划")
    year = _today().year + (1 if _today().month >= 10 else 0)
    form = AnnualPlanForm(request.POST or None, initial={"year": year, "title": f"{user.scope_org.name}{year}年度干部教育培训计划"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = services.annual_plan_save(acting_user=user, org_code=user.scope_org.code, year=d["year"],
                                             title=d["title"], note=d["note"], targets=_target_lines(d["targets"]),
                                             quotas=_quota_lines(d["quotas"]))
        except DomainError as exc:
            from ganxun.web.dialogs import attach_errors

            attach_errors(form, exc)
        else:
            messages.success(request, f"已保存{plan.title}；下一步：把本年度的班次列入计划")
            return redirect("callups:plan", plan.pk)
    return _plan_form(request, form)


@scoped_view
def plan_edit(request, plan_id):
    from ganxun.callups.selectors import access_plan

    user = request.user
    plan = access_plan(user, plan_id)
    if not may_run_callups(user):
        raise Http404("无权修改年度培训计划")
    form = AnnualPlanForm(request.POST or None, initial={"year": plan.year, "title": plan.title, "note": plan.note,
                                                         "targets": _targets_text(plan),
                                                         "quotas": _quotas_text(plan)})
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.annual_plan_save(acting_user=user, org_code=plan.org.code, year=plan.year, title=d["title"],
                                      note=d["note"], targets=_target_lines(d["targets"]), plan_id=plan.pk,
                                      quotas=_quota_lines(d["quotas"]))
        except DomainError as exc:
            from ganxun.web.dialogs import attach_errors

            attach_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("callups:plan", plan.pk)
    return _plan_form(request, form, plan)


@scoped_view
def plan_detail(request, plan_id):
    from ganxun.callups.selectors import access_plan, plan_against_actual, plan_quota_rows

    user = request.user
    plan = access_plan(user, plan_id)
    targets, classes = plan_against_actual(plan)
    quota_rows = plan_quota_rows(plan)
    listed = {c["tc"].pk for c in classes}
    candidates = []
    if may_run_callups(user):
        from ganxun.orgs.selectors import scope_root

        region = scope_root(plan.org).path
        candidates = [tc for tc in classes_visible_to(user).filter(
            Q(start_date__year=plan.year) | Q(end_date__year=plan.year), organiser__path__startswith=region)
            .order_by("start_date", "code")[:400] if tc.pk not in listed]
    return render(request, "callups/plan_detail.html", {
        "plan": plan, "targets": targets, "classes": classes, "candidates": candidates, "quota_rows": quota_rows,
        "runner": may_run_callups(user), "today": _today()})


@scoped_view
@require_POST
def plan_publish_view(request, plan_id):
    from ganxun.callups.selectors import access_plan

    access_plan(request.user, plan_id)
    action_feedback(request, lambda: services.annual_plan_publish(acting_user=request.user, plan_id=plan_id),
                    "年度培训计划已发布")
    return redirect("callups:plan", plan_id)


@scoped_view
@require_POST
def plan_class_view(request, plan_id):
    from ganxun.callups.selectors import access_plan

    access_plan(request.user, plan_id)
    code = request.POST.get("class_code", "")
    remove = request.POST.get("remove") == "1"
    planned = request.POST.get("planned", "")
    target = request.POST.get("target", "")
    action_feedback(request, lambda: services.planned_class_set(
        acting_user=request.user, plan_id=plan_id, class_code=code, remove=remove,
        planned=int(planned) if planned.isdigit() else None, target_id=int(target) if target.isdigit() else None),
        "已从计划中移除该班次" if remove else f"已将班次 {code} 列入计划")
    return redirect("callups:plan", plan_id)


# ---- 报批 ---------------------------------------------------------------------------------------------------------

@scoped_view
def submissions(request):
    from ganxun.callups.forms import PlanSubmissionForm
    from ganxun.callups.selectors import submissions_visible_to
    from ganxun.orgs.selectors import path_q, scope_of

    user = request.user
    if role_of(user) not in (Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER):
        raise Http404("无权查看培训计划报批")
    can_submit = role_of(user) in (Role.UNIT_HR, Role.ORG_ADMIN) and getattr(user, "scope_org_id", None)
    form = PlanSubmissionForm(request.POST or None, request.FILES or None, initial={"year": _today().year})
    if request.method == "POST" and can_submit and form.is_valid():
        d = form.cleaned_data
        upload = d.get("proof")
        try:
            s = services.plan_submit(acting_user=user, values={**d, "team_members": d.get("team_members") or 0},
                                     proof_name=upload.name if upload else "", proof=upload.read() if upload else None)
        except DomainError as exc:
            from ganxun.web.dialogs import attach_errors

            attach_errors(form, exc)
        else:
            messages.success(request, f"已报{s.approver.name}审批：{s.title}")
            return redirect("callups:submissions")
    scope = scope_of(user)
    visible = submissions_visible_to(user)
    incoming = visible if scope.everything else visible.filter(path_q(scope, "approver__path"))
    mine = visible.filter(unit=user.scope_org) if getattr(user, "scope_org_id", None) else visible.none()
    return render(request, "callups/submissions.html", {
        "form": form, "can_submit": can_submit, "mine": list(mine[:200]),
        "incoming": list(incoming.exclude(unit=user.scope_org)[:300]) if may_run_callups(user) else [],
        "approver": may_run_callups(user)})


@scoped_view
@require_POST
def submission_decide(request, submission_id):
    from ganxun.callups.selectors import submissions_visible_to

    if not submissions_visible_to(request.user).filter(pk=submission_id).exists():
        raise Http404("没有这份报批的培训计划")
    approve = request.POST.get("approve") == "1"
    action_feedback(request, lambda: services.plan_submission_decide(
        acting_user=request.user, submission_id=submission_id, approve=approve, note=request.POST.get("note", "")),
        "已批准" if approve else "已退回报批单位")
    return redirect("callups:submissions")


@scoped_view
def submission_proof(request, submission_id):
    from django.http import FileResponse

    from ganxun.callups.selectors import submissions_visible_to

    s = submissions_visible_to(request.user).filter(pk=submission_id).first()
    if s is None or not s.proof_path:
        raise Http404("没有证明材料")
    path = services.submissions_dir() / s.proof_path
    if not path.exists():
        raise Http404("证明材料文件已不存在")
    return FileResponse(path.open("rb"), as_attachment=True, filename=s.proof_name)


# ---- 智能调训 -----------------------------------------------------------------------------------------------------

@scoped_view
def suggest(request):
    from ganxun.callups.background import queue_suggestion
    from ganxun.callups.suggest import open_callups
    from ganxun.jobs.models import Job

    user = request.user
    if not may_run_callups(user):
        raise Http404("只有组织部门可以使用智能调训")
    callups = list(with_counts(open_callups(user, _today())))
    if request.method == "POST":
        codes = [c for c in request.POST.getlist("callup") if c in {x.code for x in callups}]
        if not codes:
            messages.error(request, "请先勾选要生成建议名单的调训通知")
            return redirect("callups:suggest")
        job = queue_suggestion(user, codes)
        return redirect("callups:suggestion", job.pk)
    recent = list(Job.objects.filter(owner=user, kind="callup_suggest").order_by("-created_at")[:10])
    return render(request, "callups/suggest.html", {"callups": callups, "recent": recent})


@scoped_view
def suggestion(request, job_id):
    from ganxun.jobs.selectors import access_job

    user = request.user
    job = access_job(user, job_id)
    if job.kind != "callup_suggest":
        raise Http404("不是智能调训任务")
    if request.method == "POST" and job.status == "done":
        picks: dict[str, list[str]] = {}
        for value in request.POST.getlist("pick"):
            code, _, person = value.partition("|")
            if code in job.result.get("callups", {}):
                picks.setdefault(code, []).append(person)
        done = action_feedback(request, lambda: services.suggestion_confirm(acting_user=user, picks=picks),
                               lambda n: f"已点名调训 {n} 人，等待所在单位确认")
        if done:
            return redirect("callups:list")
    callups = {c.code: c for c in callups_visible_to(user).filter(code__in=list(job.result.get("callups", {})))}
    rows = [(callups.get(code), people) for code, people in job.result.get("callups", {}).items()]
    return render(request, "callups/suggestion.html", {"job": job, "rows": rows})
