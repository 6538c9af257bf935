"""Call-ups in the API: the notices a caller sees, their nominations (ID numbers masked), nominating within a
quota and the department's audit, and the conflicts of a period in the JSON of ``ganxun conflicts``.

Every endpoint applies the caller's data scope; a notice outside it answers 404 like one that does not exist.
"""

from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ganxun.core.apierrors import READ, WRITE, answers
from ganxun.api.pagination import Pages
from ganxun.api.types import BoundedDate, Id, Year
from ganxun.callups import services
from ganxun.callups.conflicts import KINDS, find_conflicts
from ganxun.callups.schemas import AuditOut, ConflictsOut, PlanOut, RatesOut
from ganxun.callups.selectors import (access_callup, callups_visible_to, nominations_visible_to, plan_summary,
                                      with_counts)
from ganxun.core.errors import DomainError

router = Router(tags=["调训"])


class CallUpOut(Schema):
    code: str = Field(description="通知编号")
    title: str
    class_code: str = Field(description="班次编码")
    class_name: str
    start_date: date
    end_date: date
    issuer_code: str = Field(description="发文单位编码")
    mode: str = Field(description="named 点名调训、quota 按名额调训")
    deadline: date = Field(description="报名截止日期")
    status: str = Field(description="draft 草稿、issued 已下发、closed 已截止")
    places: int | None = Field(None, description="分配的名额合计")
    active: int = Field(0, description="占用名额的提名（待确认、待审核、已审核）")
    approved: int = Field(0, description="已审核（已录入班次）")

    @staticmethod
    def resolve_class_code(obj):
        return obj.training_class.code

    @staticmethod
    def resolve_class_name(obj):
        return obj.training_class.name

    @staticmethod
    def resolve_start_date(obj):
        return obj.training_class.start_date

    @staticmethod
    def resolve_end_date(obj):
        return obj.training_class.end_date

    @staticmethod
    def resolve_issuer_code(obj):
        return obj.issuer.code

    @staticmethod
    def resolve_active(obj):
        return obj.active or 0

    @staticmethod
    def resolve_approved(obj):
        return obj.approved or 0


class NominationOut(Schema):
    id: int
    person_code: str
    name: str
    id_number: str = Field(description="身份证号（脱敏）")
    org_code: str
    status: str = Field(description="named 待单位确认、nominated 待审核、approved 已审核、rejected 已退回、on_leave 已请假、"
                                    "withdrawn 已撤回")
    quota_unit_code: str | None = None
    warnings: list[dict] = Field(description="提名时的冲突提示：kind、label、detail、classes")
    audit_note: str = ""


class NominateIn(Schema):
    person_codes: list[str] = Field(description="人员编码")
    note: str = ""


class NominateOut(Schema):
    nominated: list[str]
    warnings: dict[str, list[dict]] = Field(description="人员编码 → 冲突提示")


class AuditIn(Schema):
    nomination_ids: list[Id]
    approve: bool
    note: str = Field("", description="审核意见；退回时必填")


class ConflictQuery(Schema):
    from_: BoundedDate = Field(..., alias="from", description="起始日期")
    to: BoundedDate = Field(..., description="截止日期")
    org: str | None = Field(None, description="只检查该单位编码及其下级")
    kind: str | None = Field(None, description="、".join(f"{k} {v}" for k, v in KINDS.items()))


@router.get("", response=answers(list[CallUpOut], *READ), summary="调训通知列表")
@paginate(Pages)
def list_callups(request):
    return with_counts(callups_visible_to(request.auth))


# by_alias for the key "from"; exclude_unset so that a conflict carries only the keys of its kind, as in the CLI
@router.get("conflicts", response=answers(ConflictsOut, 400, *READ), summary="调训冲突（与 ganxun conflicts 的 JSON 相同）",
            by_alias=True, exclude_unset=True)
def conflicts(request, query: Query[ConflictQuery]):
    if query.to < query.from_:
        raise DomainError("from 不能晚于 to", code="invalid_date")
    if query.kind and query.kind not in KINDS:
        raise DomainError(f"kind 应为 {'、'.join(KINDS)} 之一", code="invalid")
    found = find_conflicts(request.auth, query.from_, query.to, org_code=query.org,
                           kinds={query.kind} if query.kind else None)
    return {"from": query.from_.isoformat(), "to": query.to.isoformat(), "conflicts": [c.as_json() for c in found]}


class RatesQuery(Schema):
    year: int = Field(..., ge=2000, le=2100, description="年度（开班日期）")
    by: str = Field("unit", description="unit 按单位、category 按干部类别")


@router.get("rates", response=answers(RatesOut, 400, 422), summary="调训率与参训率（按单位或干部类别）")
def rates(request, query: Query[RatesQuery]):
    from ganxun.callups.rates import rates as compute
    from ganxun.cadres.selectors import cadres_visible_to

    if query.by not in ("unit", "category"):
        raise DomainError("by 应为 unit 或 category", code="invalid")
    rows = compute(cadres_visible_to(request.auth), date(query.year, 1, 1), date(query.year, 12, 31), by=query.by)
    return {"year": query.year, "by": query.by, "rows": [
        {"key": r.key, "label": r.label, "staff": r.staff, "called": r.called, "call_ups": r.places,
         "attended": r.attended, "completed": r.completed, "on_leave": r.on_leave, "call_up_rate": r.call_up_rate,
         "participation_rate": r.participation_rate} for r in rows]}


@router.get("plans", response=answers(list[PlanOut], 422), summary="年度培训计划（含计划与实际）")
def list_plans(request, year: Year | None = None):
    from ganxun.callups.selectors import plans_visible_to

    plans = plans_visible_to(request.auth).order_by("-year", "org__path")
    if year:
        plans = plans.filter(year=year)
    return [plan_summary(p) for p in plans[:100]]


@router.get("plans/{plan_id}", response=answers(PlanOut, *READ), summary="年度培训计划详情（含计划与实际）")
def get_plan(request, plan_id: Id):
    from ganxun.callups.selectors import access_plan

    return plan_summary(access_plan(request.auth, plan_id))


@router.get("{code}", response=answers(CallUpOut, 404), summary="调训通知详情")
def get_callup(request, code: str):
    access_callup(request.auth, code)
    return with_counts(callups_visible_to(request.auth).filter(code=code)).get()


@router.get("{code}/nominations", response=answers(list[NominationOut], 404), summary="调训通知的提名（身份证号脱敏）")
def list_nominations(request, code: str):
    callup = access_callup(request.auth, code)
    return [{"id": n.pk, "person_code": n.cadre.person_code, "name": n.cadre.name,
             "id_number": n.cadre.id_number_masked, "org_code": n.cadre.org.code, "status": n.status,
             "quota_unit_code": n.quota.unit.code if n.quota_id else None, "warnings": n.warnings,
             "audit_note": n.audit_note}
            for n in nominations_visible_to(request.auth).filter(callup=callup).order_by("id")]


@router.post("{code}/nominations", response=answers(NominateOut, *WRITE), summary="单位在名额内提名（返回冲突提示）")
def nominate(request, code: str, payload: NominateIn):
    access_callup(request.auth, code)
    result = services.nominate(acting_user=request.auth, callup_code=code, person_codes=payload.person_codes,
                               note=payload.note)
    return {"nominated": [n.cadre.person_code for n in result.nominations], "warnings": result.warnings}


@router.post("{code}/audit", response=answers(AuditOut, *WRITE), summary="组织部门审核提名：通过即录入班次学员，退回则释放名额")
def audit(request, code: str, payload: AuditIn):
    access_callup(request.auth, code)
    n = services.nominations_audit(acting_user=request.auth, callup_code=code, nomination_ids=payload.nomination_ids,
                                   approve=payload.approve, note=payload.note)
    return {"audited": n, "approved": payload.approve}


ROUTERS = (("/callups/", router),)
