"""Reads of the training institutions (培训机构) that users see. The data scope is applied here.

Who sees which institution:

- a superuser sees every institution;
- organisation-department staff, a unit's personnel office and leaders see the institutions owned
  inside their scope, and also the ones *above* it that their cadres train at: institutions owned
  by an ancestor region of their scope or by a unit sitting directly at such a level (the
  province's party school, its 三学院三基地, the online academy, the city's party school for a
  county), and institutions with no owner org. Institutions of a sibling region (another city,
  another county) stay hidden. Reading those above is fine; writing needs the owner inside the scope;
- institution staff see their own institution (``user.institution_code``);
- a cadre's own login sees none, and so does any role that grants nothing (fail closed).

One object is fetched with ``access_institution``, which answers ``NotFound`` when it is missing or
outside, exactly alike.
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from ganxun.core.errors import NotFound
from ganxun.orgs.models import Org, OrgType
from ganxun.core.roles import can_write_orgs
from ganxun.orgs.selectors import institution_q, org_in_scope, path_q, scope_of
from ganxun.resources.models import Institution

REGION_TYPES = (OrgType.REGION, OrgType.TOWNSHIP)
NOT_FOUND = "培训机构不存在或不在您的查看范围内"


def _above_scope_q(scope_paths: tuple[str, ...]) -> Q:
    """Institutions owned at a level above the scope, in the scope's own chain of regions.

    For each proper ancestor ``A`` of a scope root: owned by ``A`` itself, or by an org under ``A``
    that is not inside a region below ``A`` (the org's step just below ``A`` is not a region).
    """
    steplen = Org.steplen
    q = Q()
    for root in scope_paths:
        ancestors = [root[:i] for i in range(steplen, len(root), steplen)]
        if not ancestors:
            continue
        q |= Q(owner_org__path__in=ancestors)
        for path in ancestors:
            child_step = Substr(OuterRef("owner_org__path"), 1, len(path) + steplen)
            in_lower_region = Org.objects.filter(path=child_step, org_type__in=REGION_TYPES)
            q |= Q(owner_org__path__startswith=path) & ~Exists(in_lower_region)
    return q


def institutions_visible_to(user) -> QuerySet[Institution]:
    qs = Institution.objects.select_related("owner_org").order_by("code")
    scope = scope_of(user)
    if scope.everything:
        return qs
    if scope.institution_codes:
        return qs.filter(institution_q(scope))
    if not scope.paths:
        return qs.none()  # a cadre's own login, or a role that grants nothing
    return qs.filter(path_q(scope, "owner_org__path") | _above_scope_q(scope.paths) | Q(owner_org__isnull=True))


def access_institution(user, code: str) -> Institution:
    institution = institutions_visible_to(user).filter(code=code).first()
    if institution is None:
        raise NotFound(NOT_FOUND)
    return institution


def all_institutions_unscoped() -> QuerySet[Institution]:
    """Every institution, for operator commands and internal lookups only. Never for a user's page."""
    return Institution.objects.all()


# --- who may write ----------------------------------------------------------------------------

def can_write_institutions(user) -> bool:
    """The role may add and change institutions (inside its scope): organisation-department staff."""
    return can_write_orgs(user)


def can_edit_institution(user, institution: Institution) -> bool:
    """The user may change this one: a writer whose scope holds its owner (no owner: superuser only)."""
    if not can_write_institutions(user):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    return institution.owner_org_id is not None and org_in_scope(scope, institution.owner_org)


# --- the list page, the export and the API -------------------------------------------------------

@dataclass
class InstitutionFilter:
    q: str = ""  # name contains, or the exact code
    kind: str = ""
    level: str = ""
    recognised: str = ""  # "yes", "no" or ""
    flagship: str = ""  # "yes", "no" or ""


def _flag(value: str) -> bool | None:
    return {"yes": True, "no": False, "1": True, "0": False, "true": True, "false": False}.get(
        (value or "").strip().lower())


def institutions_filtered(user, flt: InstitutionFilter) -> QuerySet[Institution]:
    qs = institutions_visible_to(user)
    needle = flt.q.strip()
    if needle:
        qs = qs.filter(Q(name__contains=needle) | Q(code__iexact=needle))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.level:
        qs = qs.filter(level=flt.level)
    if (recognised := _flag(flt.recognised)) is not None:
        qs = qs.filter(recognised=recognised)
    if (flagship := _flag(flt.flagship)) is not None:
        qs = qs.filter(is_flagship=flagship)
    return qs.order_by("code")


def institution_counts(qs: QuerySet[Institution]) -> dict:
    """Headline counts for a filtered list, in one query."""
    return qs.order_by().aggregate(total=Count("id"), recognised=Count("id", filter=Q(recognised=True)),
                                   flagship=Count("id", filter=Q(is_flagship=True)))


def institution_history(user, code: str):
    """The audit trail of one institution, newest first (the history tab)."""
    from ganxun.audit.models import AuditEvent

    institution = access_institution(user, code)
    return AuditEvent.objects.filter(subject_type="institution", subject_code=institution.code)
