"""Shapes and helpers shared by the compliance endpoints of the cadres and orgs routers."""

from datetime import date

from ninja import Field, Schema

from ganxun.core.errors import DomainError
from ganxun.plans.spec import PlanFileError, load_plan


class ComplianceQuery(Schema):
    plan: str = Field(..., description="规划编号，如 henan-2019-2022")
    as_of: date = Field(default_factory=date.today, description="评估日期，默认今天")


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
    as_of: date
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


class OrgComplianceOut(ComplianceOut):
    figures: list[FigureOut]


def plan_or_400(plan_id: str):
    try:
        return load_plan(plan_id)
    except PlanFileError as exc:
        raise DomainError(str(exc), code="unknown_plan") from None
