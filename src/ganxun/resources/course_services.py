"""Writes to the course library (课程库): one durable transaction each, with its audit row.

A course's content (name, 内容类别, 教学方法, 学时, 教学大纲) is versioned: the first version is written with
the course, and every change of content adds the next numbered ``CourseVersion`` (the old ones stay).
Teachers, the 精品课程 flag, the library and the description change the course without a new version.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, diff, import_summary_event, record_event, record_events
from ganxun.core.choices import ContentCategory, TeachingMethod
from ganxun.core.errors import PermissionDenied
from ganxun.core.parsing import parse_bool
from ganxun.resources.library import (check_code, check_holder, check_text, holder_codes, holder_lookups,
                                      raise_field_errors)
from ganxun.resources.models import Course, CourseVersion, split_list
from ganxun.resources.selectors import (access_course, can_edit_library_item, can_write_library,
                                        teachers_visible_to)

LABELS = {"code": "课程编码", "name": "课程名称", "category": "内容类别", "method": "教学方法", "hours": "学时",
          "outline": "教学大纲", "featured": "精品课程", "teachers": "授课教师编码", "institution": "所属机构编码",
          "owner_org": "所属单位编码", "description": "简介", "version": "版本"}
CONTENT_FIELDS = ("name", "category", "method", "hours", "outline")
WRITE_DENIED = "您的角色只能查看课程库，不能修改"
READ_ONLY = "该课程属于其他单位或机构的课程库，您只能查看，不能修改"
CODE_TAKEN = "课程编码 {code} 已存在"
TEACHERS_NOT_FOUND = "教师编码 {codes} 不存在或不在您的查看范围内"
HOURS_MAX = Decimal("999.9")


def snapshot(c: Course, teacher_codes: list[str] | None = None) -> dict:
    """The audited view of a course (``teacher_codes`` when the teachers are not saved yet)."""
    codes = teacher_codes if teacher_codes is not None else (
        sorted(t.code for t in c.teachers.all()) if c.pk else [])
    return {"name": c.name, "category": c.category, "method": c.method, "hours": str(c.hours),
            "outline": c.outline, "featured": c.featured, "teachers": codes, **holder_codes(c),
            "description": c.description, "version": c.version}


def parse_hours(value) -> tuple[Decimal | None, str | None]:
    """学时: a positive number with at most one decimal place, up to 999.9."""
    text = ("" if value is None else str(value)).strip()
    if not text:
        return None, "不能为空，应为大于 0 的数字（最多一位小数），如 3 或 1.5"
    try:
        hours = Decimal(text)
    except InvalidOperation:
        return None, f"「{text[:20]}」不是数字，应为大于 0 的数字（最多一位小数），如 3 或 1.5"
    if not hours.is_finite() or hours <= 0 or hours > HOURS_MAX:
        return None, f"应大于 0 且不超过 {HOURS_MAX}"
    if hours != hours.quantize(Decimal("0.1")):
        return None, f"「{text[:20]}」最多保留一位小数"
    return hours.quantize(Decimal("0.1")), None


@dataclass
class CourseLookups:
    find_institution: Callable
    find_org: Callable
    find_teachers: Callable  # codes → {code: Teacher} inside the scope


def lookups_for(user) -> CourseLookups:
    def find_teachers(codes):
        return {t.code: t for t in teachers_visible_to(user).filter(code__in=list(codes))}

    return CourseLookups(**holder_lookups(user), find_teachers=find_teachers)


def _choice(value: str, enum) -> str | None:
    for v, label in enum.choices:
        if value in (v, label):
            return v
    return None


def check_course(user, values: dict, *, existing: Course | None, lookups: CourseLookups) -> tuple[dict, list, list]:
    """One course's values as attributes, its teachers (or ``None``: unchanged) and the problems.

    ``values`` holds: code (new ones), name, category, method (value or label), hours, outline, featured,
    teachers (codes, a list or one string separated by 、 or ,), institution_code, owner_org_code,
    description. A key left out keeps the stored value.
    """
    errors: list[tuple[str, str]] = []
    out: dict = {}
    text = {k: v if isinstance(v, (list, tuple, bool)) else ("" if v is None else str(v)).strip()
            for k, v in values.items()}
    if existing is None:
        if problem := check_code(text.get("code", "")):
            errors.append(("code", problem))
        out["code"] = text.get("code", "")
    if "name" in text or existing is None:
        if problem := check_text(text.get("name", ""), required=True):
            errors.append(("name", problem))
        out["name"] = text.get("name", "")
    for key, enum in (("category", ContentCategory), ("method", TeachingMethod)):
        if key in text or existing is None:
            value = _choice(text.get(key, ""), enum)
            if value is None:
                errors.append((key, "应为 " + "、".join(enum.labels) + " 之一"))
            out[key] = value or ""
    if "hours" in text or existing is None:
        hours, problem = parse_hours(text.get("hours"))
        if problem:
            errors.append(("hours", problem))
        out["hours"] = hours
    if "outline" in text:
        out["outline"] = text["outline"][:20000]
    if "description" in text:
        out["description"] = text["description"][:2000]
    if "featured" in text:
        try:
            out["featured"] = parse_bool(text["featured"]) if not isinstance(text["featured"], bool) else text["featured"]
        except ValueError as exc:
            errors.append(("featured", str(exc)))
    if "institution_code" in text or "owner_org_code" in text or existing is None:
        current = holder_codes(existing) if existing else {"institution": "", "owner_org": ""}
        inst_code = text.get("institution_code", current["institution"])
        org_code = text.get("owner_org_code", current["owner_org"])
        if existing is not None and (inst_code, org_code) == (current["institution"], current["owner_org"]):
            out["institution"], out["owner_org"] = existing.institution, existing.owner_org
        else:
            institution, org, problems = check_holder(user, inst_code, org_code,
                                                      find_institution=lookups.find_institution,
                                                      find_org=lookups.find_org)
            errors += problems
            out["institution"], out["owner_org"] = institution, org
    teachers = None
    if "teachers" in text:
        raw = text["teachers"]
        codes = list(dict.fromkeys(c.strip() for c in raw if c.strip())) if isinstance(raw, (list, tuple)) \
            else split_list(raw)
        kept = {t.code: t for t in existing.teachers.all()} if existing is not None and existing.pk else {}
        wanted = [c for c in codes if c not in kept]
        found = lookups.find_teachers(wanted) if wanted else {}
        missing = [c for c in wanted if c not in found]
        if missing:
            errors.append(("teachers", TEACHERS_NOT_FOUND.format(codes="、".join(missing))))
        teachers = [kept.get(c) or found.get(c) for c in codes if c in kept or c in found]
    return out, teachers, errors


def _require_write(acting_user) -> None:
    if not can_write_library(acting_user):
        raise PermissionDenied(WRITE_DENIED)


def _actor_name(acting_user) -> str:
    from ganxun.core.roles import OPERATOR_LABEL, is_operator

    if is_operator(acting_user):
        return OPERATOR_LABEL
    get = getattr(acting_user, "get_username", None)
    return get() if get else ""


def _add_version(course: Course, acting_user, reason: str = "") -> CourseVersion:
    return CourseVersion.objects.create(course=course, number=course.version, name=course.name,
                                        category=course.category, method=course.method, hours=course.hours,
                                        outline=course.outline, created_by=_actor_name(acting_user),
                                        reason=reason[:200])


@transaction.atomic(durable=True)
def course_create(*, acting_user, values: dict) -> Course:
    """Register a course (version 1) in a library the user may write."""
    _require_write(acting_user)
    out, teachers, errors = check_course(acting_user, values, existing=None, lookups=lookups_for(acting_user))
    if out.get("code") and Course.objects.filter(code=out["code"]).exists():
        errors.append(("code", CODE_TAKEN.format(code=out["code"])))
    raise_field_errors(errors, LABELS)
    course = Course(**out, version=1)
    course.full_clean()
    course.save()
    if teachers:
        course.teachers.set(teachers)
    _add_version(course, acting_user)
    record_event(actor=acting_user, event_type=EventType.COURSE_CREATED, subject_type="course",
                 subject_code=course.code, subject_label=course.name, extra={"after": snapshot(course)})
    return course


def _apply(course: Course, out: dict, teachers, acting_user, reason: str) -> dict:
    """Set the new values; a change of content adds the next version. Returns the before/after change."""
    before = snapshot(course)
    content_before = {f: before[f] for f in CONTENT_FIELDS}
    for key, value in out.items():
        setattr(course, key, value)
    codes = sorted(t.code for t in teachers) if teachers is not None else before["teachers"]
    after = snapshot(course, codes)
    if {f: after[f] for f in CONTENT_FIELDS} != content_before:
        course.version += 1
        after["version"] = course.version
    change = diff(before, after)
    if change["after"]:
        course.full_clean()
        course.save()
        if teachers is not None and codes != before["teachers"]:
            course.teachers.set(teachers)
        if "version" in change["after"]:
            _add_version(course, acting_user, reason)
    return change


@transaction.atomic(durable=True)
def course_update(*, acting_user, code: str, values: dict, reason: str = "") -> Course:
    """Change a course; changed content makes a new numbered version (the old ones are kept)."""
    _require_write(acting_user)
    course = access_course(acting_user, code)
    if not can_edit_library_item(acting_user, course):
        raise PermissionDenied(READ_ONLY)
    values = {k: v for k, v in values.items() if k != "code"}
    out, teachers, errors = check_course(acting_user, values, existing=course, lookups=lookups_for(acting_user))
    raise_field_errors(errors, LABELS)
    change = _apply(course, out, teachers, acting_user, reason)
    if change["after"]:
        record_event(actor=acting_user, event_type=EventType.COURSE_UPDATED, subject_type="course",
                     subject_code=course.code, subject_label=course.name, extra=change, reason=reason)
    return course


@transaction.atomic(durable=True)
def course_upsert_many(*, acting_user, created: Sequence[tuple[Course, list, dict]],
                       updated: Sequence[tuple[Course, dict, list | None]], report) -> None:
    """Write an import's validated rows: ``created`` as (course, teachers, values), ``updated`` as (course, the
    checked values, teachers or None); one audit row per changed course and the import's summary row."""
    _require_write(acting_user)
    if not all(can_edit_library_item(acting_user, c) for c, _, _ in [*created, *updated]):
        raise PermissionDenied(READ_ONLY)
    events = []
    for course, teachers, _ in created:
        course.version = 1
        course.full_clean()
        course.save()
        if teachers:
            course.teachers.set(teachers)
        _add_version(course, acting_user, "批量导入")
        events.append(build_event(actor=acting_user, event_type=EventType.COURSE_CREATED, subject_type="course",
                                  subject_code=course.code, subject_label=course.name,
                                  extra={"after": snapshot(course)}, reason="批量导入"))
    now = timezone.now()
    for course, out, teachers in updated:
        course.updated_at = now
        change = _apply(course, out, teachers, acting_user, "批量导入")
        if change["after"]:
            events.append(build_event(actor=acting_user, event_type=EventType.COURSE_UPDATED, subject_type="course",
                                      subject_code=course.code, subject_label=course.name, extra=change,
                                      reason="批量导入"))
    events.append(import_summary_event(actor=acting_user, subject_type="courses", report=report))
    record_events(events)


def course_would_change(course: Course, out: dict, teachers) -> list[str]:
    """The labels of what an import row would change (nothing written)."""
    before = snapshot(course)
    after = dict(before)
    for key, value in out.items():
        if key in ("institution", "owner_org"):
            after[key] = value.code if value is not None else ""
        elif key == "hours":
            after[key] = str(value)
        else:
            after[key] = value
    if teachers is not None:
        after["teachers"] = sorted(t.code for t in teachers)
    return [LABELS.get(k, k) for k in diff(before, after)["after"]]


__all__ = ["course_create", "course_update", "course_upsert_many", "check_course", "snapshot", "parse_hours"]
