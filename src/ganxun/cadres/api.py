"""The registry's endpoints: ``GET /api/v1/cadres/`` and ``GET /api/v1/cadres/{person_code}`` (身份证号 masked).

A cadre's ledger is served by ``records/api.py`` and their compliance by ``plans/api.py``, under the same
prefix.
"""

from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ganxun.core.apierrors import READ, answers
from ganxun.api.pagination import Pages
from ganxun.cadres.selectors import CadreFilter, access_cadre, cadres_filtered, hidden_fields

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
    is_young_talent: bool | None = Field(None, description="优秀年轻干部（组织部门内部标识，干部本人调用时为空）")
    is_branch_secretary: bool
    rank_since: date | None
    hired_on: date | None
    managing_department_code: str | None = None

    @staticmethod
    def resolve_is_young_talent(obj, context):
        request = (context or {}).get("request")
        return None if request is not None and hidden_fields(request.auth) else obj.is_young_talent

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


@router.get("", response=answers(list[CadreOut], *READ), summary="干部列表")
@paginate(Pages)
def list_cadres(request, filters: Query[CadreFilterIn]):
    flt = CadreFilter(q=filters.q, org_code=filters.org, tier=filters.tier, category=filters.category,
                      rank=filters.rank, flag=filters.flag, sort=filters.sort)
    return cadres_filtered(request.auth, flt)


@router.get("{person_code}", response=answers(CadreOut, 404), summary="干部详情（身份证号脱敏）")
def get_cadre(request, person_code: str):
    return access_cadre(request.auth, person_code)


ROUTERS = (("/cadres/", router),)
