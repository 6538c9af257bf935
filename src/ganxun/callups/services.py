"""Writes of the annual plans and the call-up round trip, one transaction each, audited:

- ``annual_plan_save``, ``planned_class_set``, ``annual_plan_publish`` — a department's plan for a year;
- ``callup_save`` (a draft notice with its quotas or named persons), ``callup_issue`` (下发);
- ``nominate`` (a unit puts cadres forward within its quota; the quota row is locked while places are counted),
  ``nomination_withdraw``, ``named_confirm`` (a unit confirms a person the department named);
- ``nominations_audit`` (the department approves — the trainee is enrolled in the class — or sends back);
- ``callup_leave_request`` / ``callup_leave_decide`` (请假; approved leave leaves a 补训 owed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ganxun.audit.events import EventType, record_event
from ganxun.callups.conflicts import warnings_for
from ganxun.callups.models import (ACTIVE_STATUSES, AnnualPlan, AnnualTarget, CallUp, CallUpLeave,
                                   CallUpLeaveStatus, CallUpMode, CallUpQuota, CallUpStatus, Makeup, Nomination,
                                   NominationStatus, PlanStatus, PlannedClass)
from ganxun.callups.selectors import (access_callup, access_plan, may_audit, may_nominate_for, may_run_callups,
                                      quota_for)
from ganxun.cadres.models import Cadre
from ganxun.classes.models import EnrolmentStatus, TrainingClass
from ganxun.classes.selectors import access_class
from ganxun.classes.services import enrol_locked
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.orgs.models import Org, OrgType
from ganxun.orgs.selectors import access_org

RUN_DENIED = "只有组织部门可以制定年度计划、下发调训通知"
AUDIT_DENIED = "只有发文的组织部门可以审核这份调训通知的提名"
MAKEUP_WITHIN = timedelta(days=365)


def _fail(message: str, code: str = "invalid", **fields) -> None:
    raise DomainError(message, code=code, extra={"fields": fields} if fields else {})


def _user_row(user):
    return user if getattr(user, "is_authenticated", False) else None


def _require_runner(user) -> None:
    if not may_run_callups(user):
        raise PermissionDenied(RUN_DENIED)


# ---- annual plans --------------------------------------------------------------------------------------------

@dataclass
class TargetLine:
    group: str
    planned: int
    text: str
    tier: str = ""
    class_kind: str = ""
    institution_code: str = ""


@transaction.atomic(durable=True)
def annual_plan_save(*, acting_user, org_code: str, year: int, title: str, note: str = "",
                     targets: Sequence[TargetLine] = (), plan_id: int | None = None,
                     quotas: Sequence[tuple[str, str, int]] = ()) -> AnnualPlan:
    """Create a department's plan for ``year`` or change it (``plan_id``); ``targets`` replace the plan's lines,
    ``quotas`` (单位编码, 培训对象 of a target line or "", places) the places of its subordinate units and regions."""
    _require_runner(acting_user)
    org = access_org(acting_user, org_code)
    if org.org_type != OrgType.ORG_DEPARTMENT:
        _fail(f"{org.name} 不是组织部门，不能制定年度培训计划", org="应为组织部门的单位编码")
    if not 2000 <= int(year) <= 2100:
        _fail(f"年度“{year}”不对", year="应为四位年份")
    if not title.strip():
        _fail("计划名称不能为空", title="不能为空")
    from ganxun.resources.selectors import institutions_visible_to

    lines = []
    for i, t in enumerate(targets, start=1):
        if not t.group.strip() or t.planned <= 0:
            _fail(f"第 {i} 条指标：培训对象不能为空，计划人数应为正整数", targets=f"第 {i} 条不完整")
        institution = None
        if t.institution_code:
            institution = institutions_visible_to(acting_user).filter(code=t.institution_code).first()
            if institution is None:
                _fail(f"第 {i} 条指标：培训机构“{t.institution_code}”不存在", targets=f"第 {i} 条的培训机构不存在")
        lines.append(AnnualTarget(group=t.group.strip(), planned=t.planned, text=t.text.strip() or t.group.strip(),
                                  tier=t.tier, class_kind=t.class_kind, institution=institution, order=i))
    if plan_id is None:
        if AnnualPlan.objects.filter(org=org, year=year).exists():
            _fail(f"{org.name} 已有 {year} 年度培训计划，请直接修改", year="该年度已有计划")
        plan = AnnualPlan.objects.create(org=org, year=year, title=title.strip(), note=note.strip())
    else:
        plan = access_plan(acting_user, plan_id)
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        plan.title, plan.note = title.strip(), note.strip()
        plan.save(update_fields=["title", "note", "updated_at"])
        plan.targets.all().delete()
    for line in lines:
        line.plan = plan
    AnnualTarget.objects.bulk_create(lines)
    from ganxun.callups.models import PlanQuota
    from ganxun.orgs.selectors import scope_root

    region = scope_root(org).path
    by_group = {t.group: t for t in lines}
    rows, seen = [], set()
    for i, (unit_code, group, places) in enumerate(quotas, start=1):
        try:
            unit = access_org(acting_user, unit_code)
        except NotFound:
            unit = None
        if unit is None or not unit.path.startswith(region) or unit.pk == org.pk:
            message = f"名额分配第 {i} 行：单位“{unit_code}”不是{org.name}所辖的单位或地区"
            _fail(message, quotas=message)
        if group and group not in by_group:
            message = f"名额分配第 {i} 行：计划中没有培训对象“{group}”"
            _fail(message, quotas=message)
        if places <= 0 or (unit.pk, group) in seen:
            message = f"名额分配第 {i} 行：名额应为正整数，且每个单位每类对象只写一行"
            _fail(message, quotas=message)
        seen.add((unit.pk, group))
        rows.append(PlanQuota(plan=plan, unit=unit, target=by_group.get(group), places=places))
    plan.quotas.all().delete()
    PlanQuota.objects.bulk_create(rows)
    record_event(actor=acting_user, event_type=EventType.ANNUAL_PLAN_SAVED, subject_type="annual_plan",
                 subject_code=str(plan.pk), subject_label=plan.title,
                 extra={"year": plan.year, "org": org.code, "targets": [(t.group, t.planned) for t in lines]})
    return plan


@transaction.atomic(durable=True)
def planned_class_set(*, acting_user, plan_id: int, class_code: str, planned: int | None = None,
                      target_id: int | None = None, remove: bool = False) -> None:
    """Put a class in the plan (with its planned number and the target line it serves), or take it out."""
    _require_runner(acting_user)
    plan = access_plan(acting_user, plan_id)
    tc = access_class(acting_user, class_code)
    if remove:
        PlannedClass.objects.filter(plan=plan, training_class=tc).delete()
        return
    if tc.start_date.year != plan.year and tc.end_date.year != plan.year:
        _fail(f"班次 {tc.code} 不在 {plan.year} 年度内", class_code="班次应在计划年度内")
    target = plan.targets.filter(pk=target_id).first() if target_id else None
    if target_id and target is None:
        raise NotFound("计划中没有这条指标")
    PlannedClass.objects.update_or_create(plan=plan, training_class=tc,
                                          defaults={"planned": planned, "target": target})
    record_event(actor=acting_user, event_type=EventType.ANNUAL_PLAN_SAVED, subject_type="annual_plan",
                 subject_code=str(plan.pk), subject_label=plan.title, extra={"class": tc.code, "planned": planned})


@transaction.atomic(durable=True)
def annual_plan_publish(*, acting_user, plan_id: int) -> AnnualPlan:
    _require_runner(acting_user)
    plan = access_plan(acting_user, plan_id)
    if not plan.targets.exists():
        _fail("计划还没有任何指标，不能发布")
    plan.status = PlanStatus.PUBLISHED
    plan.save(update_fields=["status", "updated_at"])
    record_event(actor=acting_user, event_type=EventType.ANNUAL_PLAN_SAVED, subject_type="annual_plan",
                 subject_code=str(plan.pk), subject_label=plan.title, extra={"published": True})
    return plan


# ---- call-up notices -----------------------------------------------------------------------------------------

def _next_code(issuer: Org, year: int) -> str:
    prefix = f"DX-{issuer.code}-{year}-"
    last = CallUp.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


@transaction.atomic(durable=True)
def callup_save(*, acting_user, class_code: str, title: str, deadline: date, mode: str = CallUpMode.QUOTA,
                body: str = "", report_at: str = "", contact: str = "", quotas: dict[str, int] | None = None,
                named: Sequence[str] = (), code: str | None = None) -> CallUp:
    """A draft call-up for a class: by quota (``quotas``: 单位编码 → places) or named (``named``: 人员编码)."""
    _require_runner(acting_user)
    tc = access_class(acting_user, class_code)
    issuer = acting_user.scope_org if getattr(acting_user, "scope_org_id", None) else tc.organiser
    if mode not in CallUpMode.values:
        _fail("调训方式应为点名调训或按名额调训", mode="不支持的调训方式")
    if not title.strip():
        _fail("通知标题不能为空", title="不能为空")
    if deadline is None or deadline > tc.start_date:
        _fail(f"报名截止日期应早于开班日期 {tc.start_date:%Y-%m-%d}", deadline=f"应不晚于 {tc.start_date:%Y-%m-%d}")
    quota_rows = []
    for unit_code, places in (quotas or {}).items():
        try:
            unit = access_org(acting_user, unit_code)
        except NotFound:
            message = f"名额分配：单位“{unit_code}”不存在或不在您的管理范围内"
            _fail(message, quotas=message)
        if int(places) <= 0:
            _fail(f"名额分配：{unit.name} 的名额应为正整数", quotas=f"{unit.name}（{unit.code}）的名额应为正整数")
        quota_rows.append((unit, int(places)))
    total = sum(p for _, p in quota_rows)
    if tc.quota is not None and total > tc.quota:
        _fail(f"分配的名额共 {total} 个，超过班次名额 {tc.quota} 个", quotas=f"合计不能超过 {tc.quota}")
    people = []
    if mode == CallUpMode.NAMED:
        from ganxun.cadres.selectors import cadres_visible_to

        found = {c.person_code: c for c in cadres_visible_to(acting_user).filter(person_code__in=list(named))}
        missing = [p for p in named if p not in found]
        if missing:
            message = f"点名调训：人员编码 {'、'.join(missing[:5])} 不存在或不在您的管理范围内"
            _fail(message, named=message)
        if not found:
            _fail("点名调训至少要点一名干部", named="不能为空")
        people = list(found.values())
    elif not quota_rows:
        _fail("按名额调训至少要给一个单位分配名额", quotas="不能为空")
    if code:
        callup = access_callup(acting_user, code)
        callup = CallUp.objects.select_for_update().get(pk=callup.pk)
        if callup.status != CallUpStatus.DRAFT:
            _fail("调训通知已下发，不能再修改；如需调整名额请另发补充通知", code="issued")
        callup.quotas.all().delete()
        callup.nominations.all().delete()
    else:
        callup = CallUp(code=_next_code(issuer, tc.start_date.year), issuer=issuer, created_by=_user_row(acting_user))
    callup.training_class, callup.mode, callup.title, callup.body = tc, mode, title.strip(), body.strip()
    callup.deadline, callup.report_at, callup.contact = deadline, report_at.strip(), contact.strip()
    callup.save()
    CallUpQuota.objects.bulk_create([CallUpQuota(callup=callup, unit=u, places=p) for u, p in quota_rows])
    Nomination.objects.bulk_create([
        Nomination(callup=callup, cadre=c, status=NominationStatus.NAMED, nominated_by=_user_row(acting_user),
                   warnings=warnings_for(c, tc)) for c in people])
    record_event(actor=acting_user, event_type=EventType.CALLUP_SAVED, subject_type="callup", subject_code=callup.code,
                 subject_label=callup.title,
                 extra={"class": tc.code, "mode": mode, "quotas": {u.code: p for u, p in quota_rows},
                        "named": [c.person_code for c in people][:200]})
    return callup


@transaction.atomic(durable=True)
def callup_issue(*, acting_user, code: str) -> CallUp:
    _require_runner(acting_user)
    callup = CallUp.objects.select_for_update().get(pk=access_callup(acting_user, code).pk)
    if callup.status != CallUpStatus.DRAFT:
        _fail("这份调训通知已下发", code="issued")
    callup.status, callup.issued_at = CallUpStatus.ISSUED, timezone.now()
    callup.save(update_fields=["status", "issued_at"])
    record_event(actor=acting_user, event_type=EventType.CALLUP_ISSUED, subject_type="callup", subject_code=callup.code,
                 subject_label=callup.title, extra={"class": callup.training_class.code})
    return callup


# ---- nominations ---------------------------------------------------------------------------------------------

@dataclass
class NominateResult:
    nominations: list[Nomination] = field(default_factory=list)
    warnings: dict[str, list[dict]] = field(default_factory=dict)   # 人员编码 → warnings


def _open_for_units(callup: CallUp, today: date) -> None:
    if callup.status != CallUpStatus.ISSUED:
        _fail("调训通知尚未下发或已截止", code="not_open")
    if today > callup.deadline:
        _fail(f"报名已于 {callup.deadline:%Y-%m-%d} 截止", code="deadline")


@transaction.atomic(durable=True)
def nominate(*, acting_user, callup_code: str, person_codes: Sequence[str], note: str = "",
             makeup_id: int | None = None, today: date | None = None) -> NominateResult:
    """A unit nominates cadres of its own within its quota. The quota row is locked while its places are counted,
    so two clerks of one unit cannot overfill it together. Conflicts do not stop a nomination: they are shown
    now and kept on it for the department's audit."""
    today = today or timezone.localdate()
    callup = access_callup(acting_user, callup_code)
    if callup.mode != CallUpMode.QUOTA:
        _fail("点名调训的人选由组织部门确定，单位只需确认或请假", code="named")
    _open_for_units(callup, today)
    from ganxun.cadres.selectors import cadres_visible_to

    codes = list(dict.fromkeys(p.strip() for p in person_codes if p.strip()))
    if not codes:
        _fail("请选择要提名的干部", person_codes="不能为空")
    cadres = {c.person_code: c for c in cadres_visible_to(acting_user).filter(person_code__in=codes)}
    missing = [p for p in codes if p not in cadres]
    if missing:
        raise NotFound(f"干部 {'、'.join(missing[:5])} 不存在或不在您的管理范围内")
    makeup = None
    if makeup_id:
        makeup = Makeup.objects.filter(pk=makeup_id, cadre__in=list(cadres.values())).first()
        if makeup is None:
            raise NotFound("没有这条补训任务")
    result = NominateResult()
    by_quota: dict[int, list[Cadre]] = {}
    quotas: dict[int, CallUpQuota] = {}
    for code in codes:
        cadre = cadres[code]
        quota = quota_for(callup, cadre)
        if quota is None or not may_nominate_for(acting_user, quota):
            _fail(f"{cadre.name} 所在单位没有这份调训通知的名额", code="no_quota")
        quotas[quota.pk] = quota
        by_quota.setdefault(quota.pk, []).append(cadre)
    tc = callup.training_class
    for quota_id, people in by_quota.items():
        quota = CallUpQuota.objects.select_for_update().get(pk=quota_id)
        held = set(quota.nominations.filter(status__in=ACTIVE_STATUSES).values_list("cadre_id", flat=True))
        already = set(callup.nominations.filter(status__in=ACTIVE_STATUSES).values_list("cadre_id", flat=True))
        fresh = [c for c in people if c.pk not in already]
        dup = [c for c in people if c.pk in already]
        if dup:
            _fail(f"{'、'.join(c.name for c in dup[:5])} 已被提名", code="duplicate")
        if len(held) + len(fresh) > quota.places:
            _fail(f"{quotas[quota_id].unit.name} 的名额为 {quota.places} 个，已提名 {len(held)} 人，"
                  f"还能提名 {max(quota.places - len(held), 0)} 人", code="quota_full")
        for cadre in fresh:
            warnings = warnings_for(cadre, tc)
            nomination = Nomination.objects.create(
                callup=callup, cadre=cadre, quota=quota, status=NominationStatus.NOMINATED, warnings=warnings,
                note=note.strip(), makeup=makeup if makeup and makeup.cadre_id == cadre.pk else None,
                nominated_by=_user_row(acting_user))
            result.nominations.append(nomination)
            if warnings:
                result.warnings[cadre.person_code] = warnings
    record_event(actor=acting_user, event_type=EventType.NOMINATED, subject_type="callup", subject_code=callup.code,
                 subject_label=callup.title,
                 extra={"nominated": [n.cadre.person_code for n in result.nominations],
                        "warnings": sum(len(w) for w in result.warnings.values())})
    return result


def _nomination_locked(user, nomination_id: int) -> Nomination:
    from ganxun.callups.selectors import nominations_visible_to

    if not nominations_visible_to(user).filter(pk=nomination_id).exists():
        raise NotFound("没有这条提名")
    return (Nomination.objects.select_for_update(of=("self",)).select_related("callup__training_class", "cadre")
            .get(pk=nomination_id))


@transaction.atomic(durable=True)
def nomination_withdraw(*, acting_user, nomination_id: int, reason: str = "") -> Nomination:
    """The unit takes a nomination back before the department has audited it; the place is free again."""
    n = _nomination_locked(acting_user, nomination_id)
    if n.quota is None or not may_nominate_for(acting_user, n.quota):
        raise PermissionDenied("只有提名单位可以撤回提名")
    if n.status != NominationStatus.NOMINATED:
        _fail(f"「{n.get_status_display()}」的提名不能撤回", code="invalid_move")
    n.status, n.audit_note = NominationStatus.WITHDRAWN, reason.strip()
    n.save(update_fields=["status", "audit_note"])
    record_event(actor=acting_user, event_type=EventType.NOMINATION_CHANGED, subject_type="callup",
                 subject_code=n.callup.code, subject_label=n.callup.title, reason=reason,
                 extra={"withdrawn": n.cadre.person_code})
    return n


def _enrol_approved(acting_user, callup: CallUp, rows: list[Nomination]) -> None:
    tc = TrainingClass.objects.select_for_update(of=("self",)).get(pk=callup.training_class_id)
    if tc.is_closed:
        _fail("班次已结班，不能再录取学员", code="class_closed")
    enrol_locked(acting_user, tc, [n.cadre for n in rows], reason=f"调训 {callup.code}")
    by_cadre = {e.cadre_id: e for e in tc.enrolments.filter(cadre__in=[n.cadre_id for n in rows])}
    for n in rows:
        n.enrolment = by_cadre.get(n.cadre_id)


@transaction.atomic(durable=True)
def named_confirm(*, acting_user, nomination_id: int, today: date | None = None) -> Nomination:
    """The unit confirms that a person the department named will attend: they are enrolled in the class."""
    n = _nomination_locked(acting_user, nomination_id)
    if n.status != NominationStatus.NAMED:
        _fail(f"「{n.get_status_display()}」的调训不需要确认", code="invalid_move")
    _open_for_units(n.callup, today or timezone.localdate())
    _enrol_approved(acting_user, n.callup, [n])
    n.status, n.audited_at = NominationStatus.APPROVED, timezone.now()
    n.save(update_fields=["status", "audited_at", "enrolment"])
    record_event(actor=acting_user, event_type=EventType.NOMINATION_CHANGED, subject_type="callup",
                 subject_code=n.callup.code, subject_label=n.callup.title, extra={"confirmed": n.cadre.person_code})
    return n


@transaction.atomic(durable=True)
def nominations_audit(*, acting_user, callup_code: str, nomination_ids: Sequence[int], approve: bool,
                      note: str = "") -> int:
    """The issuing department approves nominations (the trainees are enrolled in the class) or sends them back
    to the unit with a reason, freeing the places for another nomination."""
    callup = access_callup(acting_user, callup_code)
    if not may_audit(acting_user, callup):
        raise PermissionDenied(AUDIT_DENIED)
    if not approve and not note.strip():
        _fail("退回提名须说明原因", note="不能为空")
    rows = list(callup.nominations.select_for_update(of=("self",)).select_related("cadre")
                .filter(pk__in=list(nomination_ids)))
    if not rows or len(rows) != len(set(nomination_ids)):
        raise NotFound("这份调训通知没有这些提名")
    bad = [n for n in rows if n.status != NominationStatus.NOMINATED]
    if bad:
        _fail(f"{'、'.join(n.cadre.name for n in bad[:5])} 的提名不是待审核状态", code="invalid_move")
    now = timezone.now()
    if approve:
        _enrol_approved(acting_user, callup, rows)
    for n in rows:
        n.status = NominationStatus.APPROVED if approve else NominationStatus.REJECTED
        n.audited_by, n.audited_at, n.audit_note = _user_row(acting_user), now, note.strip()
    Nomination.objects.bulk_update(rows, ["status", "audited_by", "audited_at", "audit_note", "enrolment"])
    record_event(actor=acting_user, event_type=EventType.NOMINATION_AUDITED, subject_type="callup",
                 subject_code=callup.code, subject_label=callup.title, reason=note,
                 extra={"approved" if approve else "rejected": [n.cadre.person_code for n in rows][:200]})
    return len(rows)


# ---- leave and make-up ---------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def callup_leave_request(*, acting_user, nomination_id: int, reason: str) -> CallUpLeave:
    """请假 from a call-up, by the cadre's unit or the cadre: the department decides."""
    n = _nomination_locked(acting_user, nomination_id)
    if n.status not in ACTIVE_STATUSES:
        _fail(f"「{n.get_status_display()}」的调训不能请假", code="invalid_move")
    if not reason.strip():
        _fail("请假须填写事由", reason="不能为空")
    if n.leaves.filter(status=CallUpLeaveStatus.PENDING).exists():
        _fail("已有待审批的请假申请", code="pending")
    leave = CallUpLeave.objects.create(nomination=n, reason=reason.strip(), requested_by=_user_row(acting_user))
    record_event(actor=acting_user, event_type=EventType.CALLUP_LEAVE_REQUESTED, subject_type="callup",
                 subject_code=n.callup.code, subject_label=n.callup.title, reason=reason,
                 extra={"cadre": n.cadre.person_code})
    return leave


@transaction.atomic(durable=True)
def callup_leave_decide(*, acting_user, leave_id: int, approve: bool, note: str = "") -> CallUpLeave:
    """Approved: the cadre leaves the call-up (and the class, if enrolled) and owes a make-up (补训) of the same
    kind within a year of the class; refused: the call-up stands."""
    from ganxun.callups.selectors import leaves_visible_to

    leave = leaves_visible_to(acting_user).filter(pk=leave_id).first()
    if leave is None:
        raise NotFound("没有这条请假申请")
    callup = leave.nomination.callup
    if not may_audit(acting_user, callup):
        raise PermissionDenied("只有发文的组织部门可以审批调训请假")
    leave = CallUpLeave.objects.select_for_update(of=("self",)).get(pk=leave.pk)
    if leave.status != CallUpLeaveStatus.PENDING:
        _fail("这条请假申请已审批", code="decided")
    n = Nomination.objects.select_for_update(of=("self",)).select_related("cadre", "enrolment").get(
        pk=leave.nomination_id)
    leave.status = CallUpLeaveStatus.APPROVED if approve else CallUpLeaveStatus.REJECTED
    leave.decided_by, leave.decided_at, leave.decision_note = _user_row(acting_user), timezone.now(), note.strip()
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        tc = callup.training_class
        if n.enrolment_id and n.enrolment.completed:
            _fail(f"{n.cadre.name} 已结业，不能再请假", code="completed")
        if n.enrolment_id and n.enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
            e = n.enrolment
            e.status, e.reason = EnrolmentStatus.CANCELLED, f"调训请假：{leave.reason}"[:300]
            e.save(update_fields=["status", "reason"])
        n.status = NominationStatus.ON_LEAVE
        n.save(update_fields=["status"])
        Makeup.objects.create(cadre=n.cadre, leave=leave, missed_class=tc, class_kind=tc.kind,
                              due_by=tc.end_date + MAKEUP_WITHIN)
    record_event(actor=acting_user, event_type=EventType.CALLUP_LEAVE_DECIDED, subject_type="callup",
                 subject_code=callup.code, subject_label=callup.title, reason=note,
                 extra={"cadre": n.cadre.person_code, "approved": approve})
    return leave


# ---- 报批: units' own training plans -----------------------------------------------------------------------------

PROOF_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".doc", ".docx")


def submissions_dir():
    from pathlib import Path

    from django.conf import settings

    return Path(settings.VAR_DIR) / "files" / "submissions"


@transaction.atomic(durable=True)
def plan_submit(*, acting_user, values: dict, proof_name: str = "", proof: bytes | None = None):
    """A unit sends its own annual or ad-hoc training plan to the department above for approval. With 党政班子成员
    taking part the proof is required (the arrangement approved by the unit's party group)."""
    import secrets

    from ganxun.callups.models import PlanSubmission, SubmissionKind
    from ganxun.core.roles import Role, role_of
    from ganxun.orgs.selectors import reviewing_department

    if role_of(acting_user) not in (Role.UNIT_HR, Role.ORG_ADMIN) or not getattr(acting_user, "scope_org_id", None):
        raise PermissionDenied("只有单位组织人事部门或下级组织部门可以报批培训计划")
    unit = acting_user.scope_org
    errors = {}
    kind = values.get("kind")
    if kind not in SubmissionKind.values:
        errors["kind"] = "应为年度培训计划或临时培训计划"
    for name, label in (("title", "计划名称"), ("content", "主要内容")):
        if not str(values.get(name) or "").strip():
            errors[name] = f"{label}不能为空"
    participants, team = values.get("participants"), values.get("team_members") or 0
    if not isinstance(participants, int) or participants <= 0:
        errors["participants"] = "应为正整数"
    elif not isinstance(team, int) or not 0 <= team <= participants:
        errors["team_members"] = "应为 0 到参训人数之间的整数"
    start, end = values.get("start_date"), values.get("end_date")
    if kind == SubmissionKind.ADHOC and (start is None or end is None):
        errors["start_date"] = "临时培训计划须填写起止日期"
    elif start and end and end < start:
        errors["end_date"] = "结束日期不能早于开始日期"
    if team and not proof:
        errors["proof"] = "有党政班子成员参训的，须上传证明材料（如党组会议纪要）"
    if proof and not proof_name.lower().endswith(PROOF_TYPES):
        errors["proof"] = "证明材料应为 PDF、图片或 Word 文件"
    if proof and len(proof) > 20 * 1024 * 1024:
        errors["proof"] = "证明材料不能超过 20 MB"
    if errors:
        raise DomainError("；".join(errors.values()), code="invalid", extra={"fields": errors})
    approver = reviewing_department(unit)
    if approver is None:
        raise DomainError(f"{unit.name}没有上级组织部门，不需要报批", code="top_level")
    year = int(values.get("year") or (start.year if start else timezone.localdate().year))
    path = ""
    if proof:
        folder = submissions_dir() / unit.code
        folder.mkdir(parents=True, exist_ok=True)
        path = f"{unit.code}/{secrets.token_hex(8)}{proof_name[proof_name.rfind('.'):].lower()}"
        (submissions_dir() / path).write_bytes(proof)   # the file first: a failed transaction leaves a stray file
    submission = PlanSubmission.objects.create(
        unit=unit, approver=approver, kind=kind, year=year, title=values["title"].strip(),
        content=values["content"].strip(), start_date=start, end_date=end, participants=participants,
        team_members=team, proof_name=proof_name[-200:] if proof else "", proof_path=path,
        submitted_by=_user_row(acting_user))
    record_event(actor=acting_user, event_type=EventType.PLAN_SUBMITTED, subject_type="plan_submission",
                 subject_code=str(submission.pk), subject_label=submission.title,
                 extra={"unit": unit.code, "approver": approver.code, "kind": kind, "team_members": team})
    return submission


@transaction.atomic(durable=True)
def plan_submission_decide(*, acting_user, submission_id: int, approve: bool, note: str = ""):
    from ganxun.callups.models import PlanSubmission, SubmissionStatus
    from ganxun.callups.selectors import submissions_visible_to
    from ganxun.orgs.selectors import org_in_scope, scope_of

    found = submissions_visible_to(acting_user).filter(pk=submission_id).first()
    if found is None:
        raise NotFound("没有这份报批的培训计划")
    scope = scope_of(acting_user)
    if not may_run_callups(acting_user) or not (scope.everything or org_in_scope(scope, found.approver)):
        raise PermissionDenied(f"这份计划由{found.approver.name}审批")
    submission = PlanSubmission.objects.select_for_update().get(pk=found.pk)
    if submission.status != SubmissionStatus.SUBMITTED:
        _fail("这份计划已审批", code="decided")
    if not approve and not note.strip():
        _fail("退回须填写意见", note="不能为空")
    submission.status = SubmissionStatus.APPROVED if approve else SubmissionStatus.REJECTED
    submission.reviewed_by, submission.reviewed_at = _user_row(acting_user), timezone.now()
    submission.review_note = note.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record_event(actor=acting_user, event_type=EventType.PLAN_SUBMISSION_DECIDED, subject_type="plan_submission",
                 subject_code=str(submission.pk), subject_label=submission.title, reason=note,
                 extra={"approved": approve})
    return submission


# ---- 智能调训: the officer's confirmed proposal ---------------------------------------------------------------------

@transaction.atomic(durable=True)
def suggestion_confirm(*, acting_user, picks: dict[str, list[str]]) -> int:
    """Name the chosen cadres in their call-ups (点名, waiting for their unit to confirm or ask leave), each under
    the quota of their unit, locked while its places are counted. All or nothing."""
    from ganxun.cadres.selectors import cadres_visible_to

    _require_runner(acting_user)
    total = 0
    for code, person_codes in picks.items():
        callup = access_callup(acting_user, code)
        if not may_audit(acting_user, callup):
            raise PermissionDenied(AUDIT_DENIED)
        if callup.status != CallUpStatus.ISSUED:
            _fail(f"{callup.code} 不是已下发的调训通知", code="not_open")
        cadres = {c.person_code: c for c in cadres_visible_to(acting_user).filter(person_code__in=person_codes)}
        missing = [p for p in person_codes if p not in cadres]
        if missing:
            raise NotFound(f"干部 {'、'.join(missing[:5])} 不存在或不在您的管理范围内")
        already = set(callup.nominations.filter(status__in=ACTIVE_STATUSES).values_list("cadre_id", flat=True))
        by_quota: dict[int, list] = {}
        for person in person_codes:
            cadre = cadres[person]
            if cadre.pk in already:
                _fail(f"{cadre.name} 已在 {callup.code} 中", code="duplicate")
            quota = quota_for(callup, cadre)
            if quota is None:
                _fail(f"{cadre.name} 所在单位在 {callup.code} 中没有名额", code="no_quota")
            by_quota.setdefault(quota.pk, []).append(cadre)
        for quota_id, people in by_quota.items():
            quota = CallUpQuota.objects.select_for_update().select_related("unit").get(pk=quota_id)
            held = quota.nominations.filter(status__in=ACTIVE_STATUSES).count()
            if held + len(people) > quota.places:
                _fail(f"{callup.code}：{quota.unit.name} 的名额为 {quota.places} 个，已占 {held} 个，"
                      f"不能再点名 {len(people)} 人", code="quota_full")
            Nomination.objects.bulk_create([
                Nomination(callup=callup, cadre=c, quota=quota, status=NominationStatus.NAMED,
                           warnings=warnings_for(c, callup.training_class), note="智能调训建议，组织部门点名",
                           nominated_by=_user_row(acting_user)) for c in people])
            total += len(people)
        record_event(actor=acting_user, event_type=EventType.NOMINATED, subject_type="callup",
                     subject_code=callup.code, subject_label=callup.title,
                     extra={"named": list(person_codes)[:200], "suggested": True})
    if not total:
        _fail("没有选择任何人员", code="nothing_selected")
    return total
