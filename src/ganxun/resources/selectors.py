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
    tag: str = ""  # one tag (三学院三基地 is the flag)


def tag_q(tag: str) -> Q:
    """Institutions carrying ``tag``: tags are stored joined by 、, so match it whole at either end or between."""
    from ganxun.resources.models import FLAGSHIP_TAG, TAG_SEPARATOR as S

    if tag == FLAGSHIP_TAG:
        return Q(is_flagship=True)
    return Q(tags=tag) | Q(tags__startswith=tag + S) | Q(tags__endswith=S + tag) | Q(tags__contains=S + tag + S)


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
    if flt.tag.strip():
        qs = qs.filter(tag_q(flt.tag.strip()))
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


# --- the libraries (师资库, 课程库, 教材, 案例, 现场教学点) ------------------------------------------------
#
# An entry sits in an institution's library (``institution``) or an org's own library (``owner_org``).
# Who sees it: whoever sees the institution (the rules above), or whose scope holds the org; an institution's
# staff see their own institution's library only; a cadre's login sees none (fail closed).
# Who changes it: organisation-department staff when they may edit the institution (or the org is in their
# scope), an institution's staff in their own institution's library, the superuser everywhere.

TEACHER_NOT_FOUND = "教师不存在或不在您的查看范围内"
COURSE_NOT_FOUND = "课程不存在或不在您的查看范围内"
ITEM_NOT_FOUND = "{label}不存在或不在您的查看范围内"


def library_visible(qs: QuerySet, user) -> QuerySet:
    """``qs`` (a library's rows) narrowed to what ``user`` may see."""
    scope = scope_of(user)
    if scope.everything:
        return qs
    if scope.institution_codes:
        return qs.filter(institution_q(scope, "institution__code"))
    if not scope.paths:
        return qs.none()
    institutions = institutions_visible_to(user).order_by().values("pk")
    return qs.filter(Q(institution__in=institutions) | path_q(scope, "owner_org__path"))


def can_write_library(user) -> bool:
    """The role may add to a library: organisation-department staff, or an institution's staff (their own)."""
    from ganxun.core.roles import Role, role_of

    if can_write_orgs(user):
        return True
    return role_of(user) == Role.INSTITUTION and bool(scope_of(user).institution_codes)


def can_edit_library_item(user, item) -> bool:
    """The user may change this entry (and may put an entry in its library)."""
    if not can_write_library(user):
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.institution_codes:
        return item.institution_id is not None and item.institution.code in scope.institution_codes
    if item.institution_id is not None:
        return can_edit_institution(user, item.institution)
    return item.owner_org_id is not None and org_in_scope(scope, item.owner_org)


def _holders(qs: QuerySet) -> QuerySet:
    return qs.select_related("institution", "institution__owner_org", "owner_org")


def teachers_visible_to(user):
    from ganxun.resources.models import Teacher

    return library_visible(_holders(Teacher.objects.select_related("title", "cadre")), user).order_by("code")


def access_teacher(user, code: str):
    teacher = teachers_visible_to(user).filter(code=code).first()
    if teacher is None:
        raise NotFound(TEACHER_NOT_FOUND)
    return teacher


def courses_visible_to(user):
    from ganxun.resources.models import Course

    return library_visible(_holders(Course.objects.all()), user).order_by("code")


def access_course(user, code: str):
    course = courses_visible_to(user).filter(code=code).first()
    if course is None:
        raise NotFound(COURSE_NOT_FOUND)
    return course


def items_visible_to(user, kind):
    """The materials, cases or field sites (``kind``: a ``resources.kinds.ItemKind``) ``user`` sees."""
    return library_visible(_holders(kind.model.objects.select_related("category")), user).order_by("code")


def access_item(user, kind, code: str):
    item = items_visible_to(user, kind).filter(code=code).first()
    if item is None:
        raise NotFound(ITEM_NOT_FOUND.format(label=kind.label))
    return item


def _holder_filter(qs: QuerySet, user, institution_code: str, org_code: str) -> QuerySet:
    """A filter by library; one outside the scope is 'not found'."""
    if institution_code:
        qs = qs.filter(institution=access_institution(user, institution_code))
    if org_code:
        from ganxun.orgs.selectors import access_org

        qs = qs.filter(owner_org__path__startswith=access_org(user, org_code).path)
    return qs


@dataclass
class TeacherFilter:
    q: str = ""  # name or subjects contain, or the exact code
    kind: str = ""
    status: str = ""
    institution: str = ""  # 机构编码
    org: str = ""  # 单位编码 (an org's own library, and those under it)


def teachers_filtered(user, flt: TeacherFilter) -> QuerySet:
    qs = _holder_filter(teachers_visible_to(user), user, flt.institution.strip(), flt.org.strip())
    needle = flt.q.strip()
    if needle:
        qs = qs.filter(Q(name__contains=needle) | Q(subjects__contains=needle) | Q(code__iexact=needle))
    if flt.kind:
        qs = qs.filter(kind=flt.kind)
    if flt.status:
        qs = qs.filter(status=flt.status)
    return qs.order_by("code")


def teacher_counts(qs: QuerySet) -> dict:
    from ganxun.resources.models import CADRE_LINKED_KINDS, TeacherStatus

    return qs.order_by().aggregate(total=Count("id"), active=Count("id", filter=Q(status=TeacherStatus.ACTIVE)),
                                   leaders=Count("id", filter=Q(kind__in=CADRE_LINKED_KINDS)))


@dataclass
class CourseFilter:
    q: str = ""  # name contains, or the exact code
    category: str = ""
    method: str = ""
    featured: str = ""  # "yes", "no" or ""
    institution: str = ""
    org: str = ""
    teacher: str = ""  # 教师编码


def courses_filtered(user, flt: CourseFilter) -> QuerySet:
    qs = _holder_filter(courses_visible_to(user), user, flt.institution.strip(), flt.org.strip())
    needle = flt.q.strip()
    if needle:
        qs = qs.filter(Q(name__contains=needle) | Q(code__iexact=needle))
    if flt.category:
        qs = qs.filter(category=flt.category)
    if flt.method:
        qs = qs.filter(method=flt.method)
    if (featured := _flag(flt.featured)) is not None:
        qs = qs.filter(featured=featured)
    if flt.teacher.strip():
        qs = qs.filter(teachers=access_teacher(user, flt.teacher.strip()))
    return qs.order_by("code")


def course_counts(qs: QuerySet) -> dict:
    from django.db.models import Sum

    return qs.order_by().aggregate(total=Count("id"), featured=Count("id", filter=Q(featured=True)),
                                   hours=Sum("hours"))


@dataclass
class ItemFilter:
    q: str = ""
    category: str = ""  # a dictionary code
    institution: str = ""
    org: str = ""


def items_filtered(user, kind, flt: ItemFilter) -> QuerySet:
    qs = _holder_filter(items_visible_to(user, kind), user, flt.institution.strip(), flt.org.strip())
    needle = flt.q.strip()
    if needle:
        qs = qs.filter(Q(name__contains=needle) | Q(code__iexact=needle))
    if flt.category:
        qs = qs.filter(category__code=flt.category)
    return qs.order_by("code")


def library_history(subject_type: str, code: str, kind: str = ""):
    """The audit trail of one library entry (already fetched through its ``access_*``), newest first."""
    from ganxun.audit.models import AuditEvent

    qs = AuditEvent.objects.filter(subject_type=subject_type, subject_code=code)
    return qs.filter(extra__kind=kind) if kind else qs


# --- 数据字典 ---------------------------------------------------------------------------------------

def can_edit_dictionary(user) -> bool:
    """Organisation-department staff and the superuser maintain the user domains of the dictionary."""
    return can_write_orgs(user)


def dictionary_entries(domain: str = "", *, active_only: bool = False) -> QuerySet:
    """The dictionary is shared by the whole system (no scope): every logged-in role reads its labels."""
    from ganxun.resources.models import DictionaryEntry

    qs = DictionaryEntry.objects.all()
    if domain:
        qs = qs.filter(domain=domain)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("domain", "order", "code")


def dictionary_choices(domain: str, *, keep=None) -> list[tuple[str, str]]:
    """A picker's options: the domain's active entries (and ``keep``, the entry a row already has)."""
    entries = list(dictionary_entries(domain, active_only=True))
    if keep is not None and keep.pk not in {e.pk for e in entries}:
        entries.append(keep)
    return [(e.code, e.label + ("" if e.active else "（已停用）")) for e in entries]


def dictionary_entry(domain: str, code: str):
    entry = dictionary_entries(domain).filter(code=code).first()
    if entry is None:
        raise NotFound("字典项不存在")
    return entry


def institution_libraries(institution) -> list[dict]:
    """The size of each library of one institution (already fetched through ``access_institution``): whoever
    sees an institution sees its libraries."""
    from django.urls import reverse

    from ganxun.resources.kinds import ITEM_KINDS
    from ganxun.resources.models import Course, Teacher

    rows = [("师资", Teacher, reverse("resources:teachers")), ("课程", Course, reverse("resources:courses"))]
    rows += [(k.label, k.model, reverse("resources:items", args=[k.key])) for k in ITEM_KINDS.values()]
    return [{"label": label, "count": model.objects.filter(institution=institution).count(),
             "url": f"{url}?institution={institution.code}"} for label, model, url in rows]
