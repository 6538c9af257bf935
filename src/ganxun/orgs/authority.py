"""干部管理权限: which organisation department manages a cadre by default.

The province's department manages bureau tier and above; a city's manages division tier in its
region; a county's manages section tier and below in its region. Where the cadre's org has no
region of that level above it (a division-tier cadre in a province-level agency), the nearest
region above it manages. Overridable per cadre.
"""

from ganxun.orgs.models import Level, Org, OrgType

TIER_REGION_LEVEL = {
    "ministerial": Level.PROVINCE,
    "bureau": Level.PROVINCE,
    "division": Level.CITY,
    "section": Level.COUNTY,
    "staff": Level.COUNTY,
}
_LEVEL_RANK = {Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3, Level.TOWNSHIP: 4}


class AuthorityIndex:
    """Answers ``department_for(org, tier)`` for many cadres with one query over the tree."""

    def __init__(self, orgs=None):
        orgs = list(orgs if orgs is not None else Org.objects.only("id", "path", "org_type", "level", "depth"))
        self.by_path = {o.path: o for o in orgs}
        self.department_of_region: dict[str, Org] = {}
        for o in orgs:
            if o.org_type == OrgType.ORG_DEPARTMENT and o.depth > 1:
                parent_path = o.path[: -o.steplen]
                self.department_of_region.setdefault(parent_path, o)

    def department_for(self, org: Org, tier: str) -> Org | None:
        wanted = _LEVEL_RANK[TIER_REGION_LEVEL.get(tier, Level.COUNTY)]
        step = org.steplen
        chain = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
        best = None
        # Walk from the root down: keep the deepest region whose level is not below the wanted one.
        for path in chain:
            node = self.by_path.get(path)
            if node is None or node.org_type not in (OrgType.REGION, OrgType.TOWNSHIP):
                continue
            if _LEVEL_RANK[Level(node.level)] <= wanted and path in self.department_of_region:
                best = self.department_of_region[path]
        return best


def default_managing_department(org: Org, tier: str) -> Org | None:
    """For one cadre: the org's ancestors and the departments directly under them, two small queries."""
    from django.db.models import Q

    step = org.steplen
    chain = [org.path[:i] for i in range(step, len(org.path) + 1, step)]
    departments = Q(pk__in=[])
    for path in chain:
        departments |= Q(path__startswith=path, depth=len(path) // step + 1, org_type=OrgType.ORG_DEPARTMENT)
    related = list(Org.objects.filter(path__in=chain)) + list(Org.objects.filter(departments))
    return AuthorityIndex(related).department_for(org, tier)
