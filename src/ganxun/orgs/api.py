"""The org tree's endpoints: ``GET /api/v1/orgs/`` and ``GET /api/v1/orgs/{org_code}``."""

from ninja import Router, Schema

from ganxun.core.apierrors import answers
from ganxun.orgs.models import Org
from ganxun.orgs.selectors import access_org, orgs_visible_to

router = Router(tags=["组织机构"])


class OrgOut(Schema):
    code: str
    name: str
    org_type: str
    level: str
    depth: int
    parent_code: str | None = None


@router.get("", response=answers(list[OrgOut]), summary="可见的组织机构（前 2000 个）")
def list_orgs(request):
    orgs = list(orgs_visible_to(request.auth)[:2000])
    return [_out(o, {x.path: x.code for x in orgs}) for o in orgs]


@router.get("{org_code}", response=answers(OrgOut, 404), summary="单位详情")
def get_org(request, org_code: str):
    org = access_org(request.auth, org_code)
    parent = Org.objects.get_parent(org)
    return _out(org, {parent.path: parent.code} if parent else {})


def _out(org, code_by_path: dict) -> dict:
    return {"code": org.code, "name": org.name, "org_type": org.org_type, "level": org.level,
            "depth": org.depth, "parent_code": code_by_path.get(org.path[: -org.steplen])}


ROUTERS = (("/orgs/", router),)
