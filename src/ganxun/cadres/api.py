from datetime import date
from decimal import Decimal

from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from ganxun.cadres.selectors import CadreFilter, access_cadre, cadres_filtered
from ganxun.plans.api_schemas import ComplianceOut, ComplianceQuery, plan_or_400

router = Router(tags=["干部"])


class CadreOut(Schema):
    person_code: str
    name: str
    id_number_masked: str = Field(description="身份证号（脱敏）")
    gender: str
    birth_date: date
    ethnicity: str
    political_status: str
    org_code: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    post_title: str
    rank: str
    tier: str
    is_leader: bool
    category: str
    is_team_member: bool
    local_team: str
    is_principal: bool
    is_young_talent: bool
    is_branch_secretary: bool
    rank_since: date | None
    hired_on: date | None
    managing_department_code: str | None = None

    @staticmethod
    def resolve_managing_department_code(obj):
        return obj.managing_department.code if obj.managing_department_id else None


class CadreFilterIn(Schema):
    q: str = Field("", description="姓名、人员编码或职务")
    org: str = Field("", description="单位编码（含下级）")
    tier: str = ""
    category: str = ""
    rank: str = ""
    flag: str = ""
    sort: str = "person_code"


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1)
        page_size: int = Field(50, ge=1, le=500)

    def paginate_queryset(self, queryset, pagination: Input, **params):
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": queryset[offset: offset + pagination.page_size],
            "count": self._items_count(queryset),
        }


@router.get("", response=list[CadreOut], summary="干部列表")
@paginate(Pages)
def list_cadres(request, filters: Query[CadreFilterIn]):
    flt = CadreFilter(q=filters.q, org_code=filters.org, tier=filters.tier, category=filters.category,
                      rank=filters.rank, flag=filters.flag, sort=filters.sort)
    return cadres_filtered(request.auth, flt)


@router.get("{person_code}", response=CadreOut, summary="干部详情（身份证号脱敏）")
def get_cadre(request, person_code: str):
    return access_cadre(request.auth, person_code)


class RecordOut(Schema):
    reference: str = Field(description="外部编号，没有时为 R+记录号")
    title: str
    source: str
    content_category: str
    institution_name: str
    start_date: date
    end_date: date
    days: int
    hours: Decimal
    is_system_training: bool
    completed: bool
    status: str
    kind: str = Field(description="entry 登记 / reversal 冲销")
    reverses: str | None = None
    is_reversed: bool
    credit_hours: Decimal
    credit_days: int

    @staticmethod
    def resolve_reverses(obj):
        return obj.reverses.reference if obj.reverses_id else None


@router.get("{person_code}/records", response=list[RecordOut], summary="干部的学习记录（含冲销）")
@paginate(Pages)
def cadre_records(request, person_code: str):
    from ganxun.records.selectors import records_of_cadre

    return records_of_cadre(request.auth, person_code)


@router.get("{person_code}/compliance", response=ComplianceOut, summary="干部的规划指标达标情况")
def cadre_compliance(request, person_code: str, query: Query[ComplianceQuery]):
    from ganxun.plans.compliance import cadre_verdicts, compliance_scope

    plan = plan_or_400(query.plan)
    cadres = compliance_scope(request.auth, person_code=person_code)
    return {"plan": plan.id, "as_of": query.as_of,
            "results": [v.as_dict() for v in cadre_verdicts(plan, query.as_of, cadres)]}
