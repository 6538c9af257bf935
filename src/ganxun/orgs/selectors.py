"""Data scope (分级管理), computed in one place.

A user's scope is one ``Scope`` with three axes, each failing closed:

- ``paths``: org-tree path prefixes (an organisation department's region, a unit's subtree) — the
  registry, the ledger, dashboards;
- ``person_id``: a cadre's own login sees only their own record;
- ``institution_codes``: a training institution's staff see their institution and what happens there
  (the ledger entries of training it gave; classes and trainees once the classes module lands).

``everything`` is the superuser's and the operator's at the command line (``UNSCOPED_OPERATOR``). Every
``*_visible_to(user)`` in the project starts from ``scope_of(user)``; a single object is fetched with
``access_*`` and answers ``NotFound`` when it is missing or outside the scope. ``None`` sees nothing.
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet

from ganxun.core.errors import NotFound
from ganxun.core.roles import ORG_SCOPED_ROLES, OPERATOR_ROLE, Role, role_of
from ganxun.orgs.models import Org, OrgType


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    paths: tuple[str, ...] = ()
    # A cadre's own login sees only their own record.
    person_id: int | None = None
    # A training institution's staff see their institution (机构编码).
    institution_codes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.paths and self.person_id is None and not self.institution_codes

    @property
    def key(self) -> str:
        """A stable text of the scope (cache keys)."""
        return (f"{int(self.everything)}|{','.join(sorted(self.paths))}|{self.person_id or ''}|"
                f"{','.join(sorted(self.institution_codes))}")


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_root(org: Org) -> Org:
    """The subtree a grant on ``org`` opens: an organisation department manages its region."""
    if org.org_type == OrgType.ORG_DEPARTMENT and org.depth > 1:
        return Org.objects.get_parent(org)
    return org


def scope_of(user) -> Scope:
    """What ``user`` may see. Worked out once per user object (a request's, which a page asks many times) and
    again whenever what it rests on (role, org, person, institution) has changed on that object."""
    basis = (role_of(user), getattr(user, "scope_org_id", None), getattr(user, "person_id", None),
             getattr(user, "institution_code", ""))
    memo = getattr(user, "_gx_scope", None)
    if memo is not None and memo[0] == basis:
        return memo[1]
    scope = _scope_of(user, basis[0])
    try:
        user._gx_scope = (basis, scope)
    except AttributeError:   # an object that takes no attributes (AnonymousUser's are fine): worked out each time
        pass
    return scope


def _scope_of(user, role) -> Scope:
    if role in (Role.SUPERUSER, Role.SYS_ADMIN, OPERATOR_ROLE):  # 系统管理员 keeps the org tree
        return EVERYTHING
    if role == Role.CADRE:
        return Scope(person_id=user.person_id) if user.person_id else NOTHING
    if role in ORG_SCOPED_ROLES and user.scope_org_id:
        return Scope(paths=(scope_root(user.scope_org).path,))
    if role == Role.INSTITUTION and user.institution_code:
        return Scope(institution_codes=(user.institution_code,))
    return NOTHING


def reviewing_department(org: Org) -> Org | None:
    """The level above ``org`` in a review or approval chain (上级审核, 报批): for a unit (or a lower department)
    the organisation department of the nearest region above it. None at the top of the tree."""
    node = org
    while node.depth > 1:
        node = Org.objects.get_parent(node)
        if node.org_type != OrgType.REGION:
            continue
        department = Org.objects.filter(path__startswith=node.path, depth=node.depth + 1,
                                        org_type=OrgType.ORG_DEPARTMENT).order_by("path").first()
        if department is not None and department.pk != org.pk:
            return department
    return None


def root_org_of(user) -> Org | None:
    """The top of what a user manages: the region their grant opens, the tree's root for a superuser (or the
    operator), none for a cadre or institution staff (no org scope)."""
    scope = scope_of(user)
    if scope.everything:
        return Org.objects.filter(depth=1).order_by("path").first()
    if scope.paths and user.scope_org_id:
        return scope_root(user.scope_org)
    return None


def path_q(scope: Scope, field: str = "path") -> Q:
    """A filter on an org path field; empty scope gives a filter that matches nothing."""
    if scope.everything:
        return Q()
    if not scope.paths:
        return Q(pk__in=[])
    q = Q()
    for prefix in scope.paths:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def org_in_scope(scope: Scope, org: Org) -> bool:
    """The same predicate as ``path_q`` for one object already in memory."""
    if scope.everything:
        return True
    return any(org.path.startswith(prefix) for prefix in scope.paths)


def institution_q(scope: Scope, field: str = "code") -> Q:
    """The institution axis as a filter on a 机构编码 field; no institution grant matches nothing."""
    if scope.everything:
        return Q()
    if not scope.institution_codes:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": scope.institution_codes})


def institution_in_scope(scope: Scope, code: str | None) -> bool:
    """The same predicate as ``institution_q`` for one code."""
    return scope.everything or (code is not None and code in scope.institution_codes)


def orgs_visible_to(user) -> QuerySet[Org]:
    scope = scope_of(user)
    if scope.person_id is not None and not scope.everything:
        return Org.objects.filter(cadres__id=scope.person_id)
    return Org.objects.filter(path_q(scope)).order_by("path")


def tree_generation() -> str:
    """The org tree's state as a short string that changes with every write to it (a new org, a rename, a move:
    the services set ``updated_at`` on every org they touch; a deletion lowers the count), for results kept in
    the cache that show orgs (a dashboard's rows, its breadcrumb)."""
    found = Org.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{found['n']}.{found['last'].isoformat() if found['last'] else '-'}"


def access_org(user, code: str) -> Org:
    org = orgs_visible_to(user).filter(code=code).first()
    if org is None:
        raise NotFound("单位不存在或不在您的管理范围内")
    return org


def all_orgs_unscoped() -> QuerySet[Org]:
    """Every org, for internal lookups (an import resolving codes before it scopes them). Never for a page."""
    return Org.objects.all()


def org_tree_rows(user, *, query: str = "") -> list[dict]:
    """The visible tree as flat rows with depth and cadre counts under each node (subtree totals).

    The counts read the cadres through the tree's reverse relation (``Org.cadres``): the orgs a user sees
    hold exactly the cadres they see, but for a cadre's own login, which counts only themself.
    """
    from django.db.models import Count

    scope = scope_of(user)
    visible = orgs_visible_to(user)
    orgs = list(visible.only("id", "path", "depth", "numchild", "code", "name", "org_type", "level"))
    own = Q(cadres__id=scope.person_id) if scope.person_id is not None and not scope.everything else None
    direct = dict(visible.order_by().values("id").annotate(n=Count("cadres", filter=own)).values_list("id", "n"))
    totals: dict[str, int] = {}
    for org in orgs:
        n = direct.get(org.id, 0)
        for prefix in [org.path[:i] for i in range(org.steplen, len(org.path) + 1, org.steplen)]:
            totals[prefix] = totals.get(prefix, 0) + n
    base_depth = min((o.depth for o in orgs), default=1)
    needle = query.strip()
    matching_paths: set[str] | None = None
    if needle:
        hits = [o for o in orgs if needle in o.name or needle in o.code]
        matching_paths = set()
        for o in hits:
            matching_paths.update(o.ancestor_paths())
            matching_paths.add(o.path)
    rows = []
    for org in orgs:
        if matching_paths is not None and org.path not in matching_paths:
            continue
        rows.append({
            "org": org,
            "indent": org.depth - base_depth,
            "cadre_count": totals.get(org.path, 0),
            "direct_count": direct.get(org.id, 0),
            "hit": bool(needle) and (needle in org.name or needle in org.code),
        })
    return rows
