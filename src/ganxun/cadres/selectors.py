"""Reads of the cadre registry that users see. The data scope is applied here and nowhere else."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from ganxun.cadres.models import Cadre
from ganxun.core import crypto
from ganxun.core.idnumbers import InvalidIdNumber, normalise_id_number
from ganxun.core.errors import NotFound
from ganxun.core.roles import Role, is_cadre, role_of
from ganxun.orgs.models import Org
from ganxun.orgs.selectors import path_q, scope_of


# The department's internal designations: never shown to the cadre themself (their pages, PDF, spreadsheet,
# the API, their 变更历史), nor filterable by them.
INTERNAL_FIELDS = frozenset({"is_young_talent"})


def hidden_fields(user) -> frozenset:
    """The cadre fields ``user`` may not see: the internal designations, for a cadre's own login."""
    return INTERNAL_FIELDS if is_cadre(user) else frozenset()


def cadres_visible_to(user) -> QuerySet[Cadre]:
    scope = scope_of(user)
    if scope.everything:
        qs = Cadre.objects.all()
    elif scope.person_id is not None:
        qs = Cadre.objects.filter(pk=scope.person_id)
    else:
        qs = Cadre.objects.filter(path_q(scope, "org__path"))
    return qs.select_related("org", "managing_department").order_by("person_code")


def access_cadre(user, person_code: str) -> Cadre:
    cadre = cadres_visible_to(user).filter(person_code=person_code).first()
    if cadre is None:
        raise NotFound("干部不存在或不在您的管理范围内")
    return cadre


def all_cadres_unscoped() -> QuerySet[Cadre]:
    """Every cadre, for operator commands and internal lookups only. Never for a user's page."""
    return Cadre.objects.all()


def id_number_taken(number: str, *, except_pk: int | None = None) -> bool:
    """Whether a normalised 身份证号 is registered (to another cadre than ``except_pk``), by its keyed hash."""
    qs = Cadre.objects.filter(id_hash=crypto.id_hash(number))
    return (qs.exclude(pk=except_pk) if except_pk else qs).exists()


def cadres_by_id_numbers(qs: QuerySet[Cadre], numbers) -> dict[str, Cadre]:
    """``{number: cadre}`` for the normalised numbers found in ``qs``: one keyed hash each, no decryption.

    ``qs`` is whatever the caller may look in (scoped or not); callers chunk long lists (``core.lookups``)."""
    by_hash = {crypto.id_hash(n): n for n in numbers}
    return {by_hash[c.id_hash]: c for c in qs.filter(id_hash__in=list(by_hash))}


@dataclass
class CadreFilter:
    """What the list page, the export and the API accept as filters."""

    q: str = ""
    org_code: str = ""
    tier: str = ""
    category: str = ""
    rank: str = ""
    gender: str = ""
    flag: str = ""  # one of FLAG_FILTERS
    sort: str = "person_code"


FLAG_FILTERS = {
    "leader": ("领导职务", Q(is_leader=True)),
    "team": ("班子成员", Q(is_team_member=True)),
    "local_team": ("地方党政班子", ~Q(local_team="")),
    "principal": ("一把手", Q(is_principal=True)),
    "young": ("优秀年轻干部", Q(is_young_talent=True)),
    "branch_secretary": ("党支部书记", Q(is_branch_secretary=True)),
    "female": ("女干部", Q(gender="female")),
    "minority": ("少数民族干部", ~Q(ethnicity="汉族") & ~Q(ethnicity="")),
    "non_party": ("党外干部", ~Q(political_status__in=("中共党员", "中共预备党员"))),
    "selected_graduate": ("选调生", Q(is_selected_graduate=True)),
}
INTERNAL_FLAG_FILTERS = frozenset({"young"})  # the filter by an internal designation
SORTS = {
    "person_code": "person_code", "-person_code": "-person_code",
    "name": "name", "-name": "-name",
    "birth_date": "birth_date", "-birth_date": "-birth_date",
    "rank_since": "rank_since", "-rank_since": "-rank_since",
    "org": "org__path", "-org": "-org__path",
}


def cadres_filtered(user, flt: CadreFilter) -> QuerySet[Cadre]:
    """The visible cadres narrowed by ``flt``. An org filter outside the scope is 'not found'."""
    qs = cadres_visible_to(user)
    if flt.org_code:
        from ganxun.orgs.selectors import access_org

        org = access_org(user, flt.org_code)
        qs = qs.filter(org__path__startswith=org.path)
    if flt.q:
        needle = flt.q.strip()
        try:  # a full 身份证号 finds its cadre exactly (by the keyed hash)
            qs = qs.filter(id_hash=crypto.id_hash(normalise_id_number(needle)))
        except InvalidIdNumber:
            qs = qs.filter(Q(name__contains=needle) | Q(person_code=needle) | Q(post_title__contains=needle))
    for field in ("tier", "category", "rank", "gender"):
        value = getattr(flt, field)
        if value:
            qs = qs.filter(**{field: value})
    if flt.flag in FLAG_FILTERS and not (flt.flag in INTERNAL_FLAG_FILTERS and hidden_fields(user)):
        qs = qs.filter(FLAG_FILTERS[flt.flag][1])
    return qs.order_by(SORTS.get(flt.sort, "person_code"), "id")


def cadre_counts(qs: QuerySet[Cadre]) -> dict:
    """Headline counts for a filtered list, in one query."""
    return qs.order_by().aggregate(
        total=Count("id"),
        leaders=Count("id", filter=Q(is_leader=True)),
        female=Count("id", filter=Q(gender="female")),
        young=Count("id", filter=Q(is_young_talent=True)),
    )


def cadre_history(user, person_code: str):
    """The audit trail of one cadre, newest first (the history tab)."""
    from ganxun.audit.models import AuditEvent

    cadre = access_cadre(user, person_code)
    return AuditEvent.objects.filter(subject_type="cadre", subject_code=cadre.person_code)


def can_reveal_id_number(user, cadre: Cadre) -> bool:
    """Only the cadre's managing department (or a superuser) may see the full 身份证号."""
    role = role_of(user)
    if role == Role.SUPERUSER:
        return True
    if role != Role.ORG_ADMIN or cadre.managing_department_id is None:
        return False
    dept: Org = cadre.managing_department
    scope = scope_of(user)
    # The department's own staff: their scope root is the department's region.
    return any(dept.path.startswith(p) and len(dept.path) == len(p) + dept.steplen for p in scope.paths)
