from ninja import Query, Router, Schema

from ganxun.plans.api_schemas import ComplianceQuery, OrgComplianceOut, plan_or_400

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


@router.get("", response=list[OrgOut], summary="可见的组织机构（前 2000 个）")
def list_orgs(request):
    orgs = list(orgs_visible_to(request.auth)[:2000])
    return [_out(o, {x.path: x.code for x in orgs}) for o in orgs]


@router.get("{org_code}", response=OrgOut, summary="单位详情")
def get_org(request, org_code: str):
    org = access_org(request.auth, org_code)
    parent = Org.objects.get_parent(org)
    return _out(org, {parent.path: parent.code} if parent else {})


def _out(org, code_by_path: dict) -> dict:
    return {"code": org.code, "name": org.name, "org_type": org.org_type, "level": org.level,
            "depth": org.depth, "parent_code": code_by_path.get(org.path[: -org.steplen])}


@router.get("{org_code}/compliance", response=OrgComplianceOut,
            summary="单位或地区的指标达标情况与报告数据（调训率、参训率、人均学时等）")
def org_compliance(request, org_code: str, query: Query[ComplianceQuery], subtree: bool = False):
    from ganxun.plans.compliance import org_report

    plan = plan_or_400(query.plan)
    verdicts, figures = org_report(request.auth, plan, query.as_of, org_code=org_code, subtree=subtree)
    return {"plan": plan.id, "as_of": query.as_of, "results": [v.as_dict() for v in verdicts],
            "figures": [f.as_dict() for f in figures]}
