"""The bodies of the call-up API's reports: conflicts (the JSON of ``ganxun conflicts``), rates and annual plans.

They describe the dicts that ``conflicts.Conflict.as_json``, ``api.rates`` and ``selectors.plan_summary`` build;
the endpoints return those dicts unchanged. A conflict carries only the keys of its kind, so its operation is
rendered with ``exclude_unset`` and the keys it lacks stay absent (not ``null``).
"""

from datetime import date

from ninja import Field, Schema

from ganxun.callups.conflicts import KINDS


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def _absent(description: str):
    """A key present only in some conflicts: not required, never ``null`` when present."""
    return Field(None, description=description, json_schema_extra=_no_default)


class ConflictOut(Schema):
    kind: str = Field(description="冲突类型：" + "、".join(f"{k} {v}" for k, v in KINDS.items()))
    subject: str = Field(description="人员编码（单位在训人数超限时为单位编码）")
    subject_name: str = Field(description="姓名或单位名称")
    classes: list[str] = Field(description="涉及的班次编码（长期不训时为空）")
    detail: str = Field(description="中文说明")
    from_: date = Field(None, alias="from", description="冲突起始日期", json_schema_extra=_no_default)
    to: date = _absent("冲突截止日期")
    share: float = _absent("单位在训人数超限：当日同时脱产参训人数占单位干部总数的比例（最高值）")
    days_between: int = _absent("重复调训：两次培训开班相隔的天数")
    away: int = _absent("单位在训人数超限：当日同时脱产参训的人数")
    staff: int = _absent("单位在训人数超限：单位干部总数")
    allowed: int = _absent("单位在训人数超限：可同时脱产参训的人数")
    days_over: int = _absent("单位在训人数超限：超限天数")
    years: int = _absent("长期不训：未参加脱产培训的年数")


class ConflictsOut(Schema):
    from_: date = Field(alias="from", description="起始日期")
    to: date = Field(description="截止日期")
    conflicts: list[ConflictOut] = Field(description="冲突，按类型、对象、班次排序")


class RateRow(Schema):
    key: str = Field(description="单位编码（按干部类别时为类别编码）")
    label: str = Field(description="单位名称或干部类别名称")
    staff: int = Field(description="干部人数")
    called: int = Field(description="被调训的干部人数")
    call_ups: int = Field(description="调训人次（一名干部可被调训多次）")
    attended: int = Field(description="实际到班参训的人次")
    completed: int = Field(description="结业的人次")
    on_leave: int = Field(description="请假的人次")
    call_up_rate: float | None = Field(description="调训率：被调训人数 ÷ 干部人数；无干部时为 null")
    participation_rate: float | None = Field(description="参训率：到班参训人次 ÷ 调训人次；无调训时为 null")


class RatesOut(Schema):
    year: int = Field(description="年度（开班日期）")
    by: str = Field(description="unit 按单位、category 按干部类别")
    rows: list[RateRow] = Field(description="各单位或各干部类别的调训率与参训率")


class PlanTargetOut(Schema):
    group: str = Field(description="培训对象，如：县处级领导干部")
    text: str = Field(description="计划表述")
    planned: int = Field(description="计划人数")
    classes: int = Field(description="对应的计划班次数")
    enrolled: int = Field(description="这些班次的在读学员数（含已结业）")
    completed: int = Field(description="这些班次的结业学员数")


class PlanClassOut(Schema):
    class_code: str = Field(description="班次编码")
    planned: int | None = Field(description="计划人数；未填时为 null")
    called: int = Field(description="调训中的提名数（待确认、待审核、已审核）")
    enrolled: int = Field(description="在读学员数（含已结业）")
    completed: int = Field(description="结业学员数")


class PlanQuotaOut(Schema):
    unit_code: str = Field(description="单位或地区编码")
    group: str | None = Field(description="名额所属指标的培训对象；不分指标时为 null")
    places: int = Field(description="名额")
    called: int = Field(description="该单位及其下级被调训（待确认、待审核、已审核）的干部人数")
    completed: int = Field(description="该单位及其下级结业的干部人数")


class PlanOut(Schema):
    id: int = Field(description="计划 ID")
    org_code: str = Field(description="组织部门编码")
    year: int = Field(description="年度")
    title: str = Field(description="计划名称")
    status: str = Field(description="draft 草稿、published 已发布")
    targets: list[PlanTargetOut] = Field(description="计划指标及实际")
    classes: list[PlanClassOut] = Field(description="计划班次及实际")
    quotas: list[PlanQuotaOut] = Field(description="名额分配及实际")


class AuditOut(Schema):
    audited: int = Field(description="审核的提名数")
    approved: bool = Field(description="true 通过、false 退回")
