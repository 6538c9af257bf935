from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ganxun.api.pagination import Pages
from ganxun.resources.selectors import InstitutionFilter, access_institution, institutions_filtered

router = Router(tags=["培训机构"])


class InstitutionOut(Schema):
    code: str = Field(description="机构编码")
    name: str = Field(description="机构名称")
    kind: str = Field(description="类型：party_school 党校、cadre_college 干部学院 …")
    kind_label: str = Field(description="类型（中文）")
    level: str = Field(description="级别：province、city、county、township")
    recognised: bool = Field(description="认可的培训机构")
    is_flagship: bool = Field(description="三学院三基地")
    owner_org_code: str | None = Field(None, description="所属单位编码")
    owner_org_name: str | None = Field(None, description="所属单位名称")

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_owner_org_code(obj):
        return obj.owner_org.code if obj.owner_org_id else None

    @staticmethod
    def resolve_owner_org_name(obj):
        return obj.owner_org.name if obj.owner_org_id else None


class InstitutionFilterIn(Schema):
    q: str = Field("", description="机构名称（包含）或机构编码")
    kind: str = Field("", description="类型，如 party_school")
    level: str = Field("", description="级别，如 city")
    recognised: str = Field("", description="认可：yes 或 no")
    flagship: str = Field("", description="三学院三基地：yes 或 no")


@router.get("", response=list[InstitutionOut], summary="培训机构列表（本辖区的，以及上级的可用机构）")
@paginate(Pages)
def list_institutions(request, filters: Query[InstitutionFilterIn]):
    flt = InstitutionFilter(q=filters.q, kind=filters.kind, level=filters.level, recognised=filters.recognised,
                            flagship=filters.flagship)
    return institutions_filtered(request.auth, flt)


@router.get("{code}", response=InstitutionOut, summary="培训机构详情")
def get_institution(request, code: str):
    return access_institution(request.auth, code)


ROUTERS = (("/institutions/", router),)
