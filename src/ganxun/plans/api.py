"""Compliance endpoints: ``GET /api/v1/cadres/{person_code}/compliance`` and ``GET /api/v1/orgs/{org_code}/compliance``.

The shapes are interfaces.md's "Compliance output"; the data scope of the caller applies as everywhere.
"""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from ganxun.core.apierrors import READ, answers
from ganxun.api.types import BoundedDate
from ganxun.core.errors import DomainError
from ganxun.core.dbrouting import reads_from_replica
from ganxun.plans.compliance import cadre_verdicts, compliance_scope, org_report
from ganxun.plans.catalog import load_plan
from ganxun.plans.spec import PlanFileError
from ganxun.plans.store import current_snapshot

cadres_router = Router(tags=["干部"])
orgs_router = Router(tags=["组织机构"])


class ComplianceQuery(Schema):
    plan: str = Field(..., description="规划编号，如 henan-2019-2022")
    as_of: BoundedDate = Field(default_factory=date.today, description="评估日期，默认今天（1950-01-01 至 2100-12-31）")


class VerdictOut(Schema):
    subject_type: str
    subject: str
    indicator: str
    verdict: str
    required: dict
    actual: dict
    window: list[str]
    gap: dict
    evidence: list[str]
    advisory: bool = False


class ComplianceOut(Schema):
    plan: str
    plan_version: int = Field(1, description="规划的版本（已发布的第几版）")
    as_of: date
    stored_at: datetime | None = Field(None, description="结论取自达标结论库时，该快照全量计算完成的时间（此后的变动已随时更新）；"
                                                        "现场计算时为 null")
    results: list[VerdictOut]


class FigureOut(Schema):
    code: str
    name: str
    value: float | None
    unit: str
    target: str
    note: str
    numerator: float | None
    denominator: int | None
    per: str = Field("人", description="分母的单位：人（干部）或 人次（调训）")
    window: list[str] | None = Field(None, description="统计窗口（起止日期）")


class OrgComplianceOut(ComplianceOut):
    figures: list[FigureOut]


def _stored_at(plan, as_of: date) -> datetime | None:
    """When the store's snapshot the answer is read from was computed in full; None when it is evaluated live."""
    snapshot = current_snapshot(plan, as_of)
    return snapshot.finished_at if snapshot else None


def plan_or_400(plan_id: str):
    try:
        return load_plan(plan_id)
    except PlanFileError as exc:
        raise DomainError(str(exc), code="unknown_plan") from None


@cadres_router.get("{person_code}/compliance", response=answers(ComplianceOut, 400, *READ),
                   summary="干部的规划指标达标情况")
@reads_from_replica
def cadre_compliance(request, person_code: str, query: Query[ComplianceQuery]):
    plan = plan_or_400(query.plan)
    cadres = compliance_scope(request.auth, person_code=person_code)
    return {"plan": plan.id, "plan_version": plan.version, "as_of": query.as_of,
            "stored_at": _stored_at(plan, query.as_of),
            "results": [v.as_dict() for v in cadre_verdicts(plan, query.as_of, cadres)]}


@orgs_router.get("{org_code}/compliance", response=answers(OrgComplianceOut, 400, *READ),
                 summary="单位或地区的指标达标情况与报告数据（调训率、参训率、人均学时等）")
@reads_from_replica
def org_compliance(request, org_code: str, query: Query[ComplianceQuery], subtree: bool = False):
    plan = plan_or_400(query.plan)
    verdicts, figures = org_report(request.auth, plan, query.as_of, org_code=org_code, subtree=subtree)
    return {"plan": plan.id, "plan_version": plan.version, "as_of": query.as_of,
            "stored_at": _stored_at(plan, query.as_of), "results": [v.as_dict() for v in verdicts],
            "figures": [f.as_dict() for f in figures]}


ROUTERS = (("/cadres/", cadres_router), ("/orgs/", orgs_router))
