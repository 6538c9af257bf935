"""Writes to the teachers' library (师资库): one durable transaction each, with its audit row.

A teacher is registered (待入库), admitted (入库: ``teacher_admit``) and may exit (出库: ``teacher_exit``),
each with a date and a reason. ``check_teacher`` holds the checks of one teacher's values for the dialog,
the API and the importer alike.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, diff, import_summary_event, record_event, record_events
from ganxun.core.choices import TeacherKind
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.resources.library import (check_code, check_entry, check_holder, check_text, holder_codes,
                                      holder_lookups, raise_field_errors)
from ganxun.resources.models import CADRE_LINKED_KINDS, Teacher, TeacherStatus
from ganxun.resources.selectors import (access_teacher, can_edit_library_item, can_write_library,
                                        dictionary_entries)

TITLE_DOMAIN = "teacher_title"
LABELS = {"code": "教师编码", "name": "姓名", "kind": "教师类型", "institution": "所属机构编码",
          "owner_org": "所属单位编码", "title": "职称", "subjects": "擅长专题", "work_unit": "工作单位",
          "post": "职务", "phone": "联系电话", "cadre": "人员编码", "status": "状态", "admitted_on": "入库日期",
          "admission_reason": "入库说明", "exited_on": "出库日期", "exit_reason": "出库原因", "description": "简介"}
WRITE_DENIED = "您的角色只能查看师资库，不能修改"
READ_ONLY = "该教师属于其他单位或机构的师资库，您只能查看，不能修改"
CODE_TAKEN = "教师编码 {code} 已存在"
CADRE_KIND_ONLY = "只有「领导干部」「退休干部」类型的教师可以关联干部档案"
CADRE_NOT_FOUND = "人员编码 {code} 不存在或不在您的管理范围内"
ADMIT_STATE = "该教师已在库，无需重复入库"
EXIT_STATE = "只有在库的教师可以出库（当前状态：{status}）"
EXIT_BEFORE_ADMIT = "出库日期不能早于入库日期 {admitted}"
REASON_REQUIRED = "请填写出库原因"
TEXT_LIMITS = {"subjects": 300, "work_unit": 100, "post": 100, "phone": 32}


def snapshot(t: Teacher) -> dict:
    """The audited view of a teacher: plain values, relations by their codes."""
    return {"name": t.name, "kind": t.kind, **holder_codes(t), "title": t.title.label if t.title_id else "",
            "subjects": t.subjects, "work_unit": t.work_unit, "post": t.post, "phone": t.phone,
            "cadre": t.cadre.person_code if t.cadre_id else "", "status": t.status,
            "admitted_on": t.admitted_on.isoformat() if t.admitted_on else "",
            "admission_reason": t.admission_reason,
            "exited_on": t.exited_on.isoformat() if t.exited_on else "", "exit_reason": t.exit_reason,
            "description": t.description}


@dataclass
class TeacherLookups:
    """What one teacher's values are checked against (the services look up one at a time, an import preloads)."""

    find_institution: Callable
    find_org: Callable
    find_cadre: Callable  # person code → a cadre inside the scope, or None
    titles: list = field(default_factory=list)


def lookups_for(user) -> TeacherLookups:
    from ganxun.cadres.selectors import cadres_visible_to

    return TeacherLookups(**holder_lookups(user),
                          find_cadre=lambda code: cadres_visible_to(user).filter(person_code=code).first(),
                          titles=list(dictionary_entries(TITLE_DOMAIN)))


def check_teacher(user, values: dict, *, existing: Teacher | None, lookups: TeacherLookups) -> tuple[dict, list]:
    """One teacher's values as model attributes, and the problems as ``(field, message)``.

    ``values`` holds strings: code (new ones), name, kind, institution_code, owner_org_code, title (code or
    label), subjects, work_unit, post, phone, person_code, description. A key left out keeps the stored value.
    """
    errors: list[tuple[str, str]] = []
    out: dict = {}
    text = {k: ("" if v is None else str(v)).strip() for k, v in values.items()}
    if existing is None:
        code = text.get("code", "")
        if problem := check_code(code):
            errors.append(("code", problem))
        out["code"] = code
    if "name" in text or existing is None:
        if problem := check_text(text.get("name", ""), required=True, limit=50):
            errors.append(("name", problem))
        out["name"] = text.get("name", "")
    kind = text.get("kind", existing.kind if existing else "")
    if kind not in TeacherKind.values:
        errors.append(("kind", "应为 " + "、".join(TeacherKind.labels) + " 之一"))
    out["kind"] = kind
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
    if "title" in text:
        entry, problem = check_entry(TITLE_DOMAIN, "职称", text["title"], lookups.titles,
                                     current=existing.title if existing else None)
        if problem:
            errors.append(("title", problem))
        out["title"] = entry
    for key, limit in TEXT_LIMITS.items():
        if key in text:
            if problem := check_text(text[key], limit=limit):
                errors.append((key, problem))
            out[key] = text[key]
    if "description" in text:
        out["description"] = text["description"][:2000]
    if "person_code" in text:
        person_code = text["person_code"]
        if not person_code:
            out["cadre"] = None
        elif kind not in CADRE_LINKED_KINDS:
            errors.append(("cadre", CADRE_KIND_ONLY))
        elif existing is not None and existing.cadre_id and existing.cadre.person_code == person_code:
            out["cadre"] = existing.cadre  # unchanged: kept even when the cadre is outside the writer's scope
        elif (cadre := lookups.find_cadre(person_code)) is None:
            errors.append(("cadre", CADRE_NOT_FOUND.format(code=person_code)))
        else:
            out["cadre"] = cadre
    elif existing is not None and existing.cadre_id and kind not in CADRE_LINKED_KINDS:
        errors.append(("cadre", CADRE_KIND_ONLY + "，请先清除人员编码"))
    return out, errors


def _require_write(acting_user) -> None:
    if not can_write_library(acting_user):
        raise PermissionDenied(WRITE_DENIED)


def _editable(acting_user, code: str) -> Teacher:
    _require_write(acting_user)
    teacher = access_teacher(acting_user, code)
    if not can_edit_library_item(acting_user, teacher):
        raise PermissionDenied(READ_ONLY)
    return teacher


def _audit(acting_user, teacher: Teacher, event_type, extra: dict, reason: str = "") -> None:
    record_event(actor=acting_user, event_type=event_type, subject_type="teacher", subject_code=teacher.code,
                 subject_label=teacher.name, extra=extra, reason=reason)


@transaction.atomic(durable=True)
def teacher_create(*, acting_user, values: dict) -> Teacher:
    """Register a teacher (待入库) in a library the user may write."""
    _require_write(acting_user)
    out, errors = check_teacher(acting_user, values, existing=None, lookups=lookups_for(acting_user))
    if out.get("code") and Teacher.objects.filter(code=out["code"]).exists():
        errors.append(("code", CODE_TAKEN.format(code=out["code"])))
    raise_field_errors(errors, LABELS)
    teacher = Teacher(**out)
    teacher.full_clean()
    teacher.save()
    _audit(acting_user, teacher, EventType.TEACHER_CREATED, {"after": snapshot(teacher)})
    return teacher


@transaction.atomic(durable=True)
def teacher_update(*, acting_user, code: str, values: dict, reason: str = "") -> Teacher:
    """Change a teacher's details (not the status: ``teacher_admit``, ``teacher_exit``)."""
    teacher = _editable(acting_user, code)
    values = {k: v for k, v in values.items() if k != "code"}
    out, errors = check_teacher(acting_user, values, existing=teacher, lookups=lookups_for(acting_user))
    raise_field_errors(errors, LABELS)
    before = snapshot(teacher)
    for key, value in out.items():
        setattr(teacher, key, value)
    change = diff(before, snapshot(teacher))
    if not change["after"]:
        return teacher
    teacher.full_clean()
    teacher.save()
    _audit(acting_user, teacher, EventType.TEACHER_UPDATED, change, reason)
    return teacher


@transaction.atomic(durable=True)
def teacher_admit(*, acting_user, code: str, on: date | None = None, reason: str = "") -> Teacher:
    """入库: the teacher joins the library on ``on`` (today by default); a teacher who exited may come back."""
    teacher = _editable(acting_user, code)
    if teacher.status == TeacherStatus.ACTIVE:
        raise DomainError(ADMIT_STATE, code="invalid_state")
    reason = (reason or "").strip()
    if problem := check_text(reason, limit=200):
        raise DomainError(f"入库说明：{problem}", extra={"fields": {"reason": problem}})
    before = snapshot(teacher)
    teacher.status, teacher.admitted_on, teacher.admission_reason = TeacherStatus.ACTIVE, on or date.today(), reason
    teacher.exited_on, teacher.exit_reason = None, ""
    teacher.save()
    _audit(acting_user, teacher, EventType.TEACHER_UPDATED, {**diff(before, snapshot(teacher)), "action": "admit"},
           reason)
    return teacher


@transaction.atomic(durable=True)
def teacher_exit(*, acting_user, code: str, reason: str, on: date | None = None) -> Teacher:
    """出库: the teacher leaves the library on ``on`` for ``reason`` (required); the record and its history stay."""
    teacher = _editable(acting_user, code)
    if teacher.status != TeacherStatus.ACTIVE:
        raise DomainError(EXIT_STATE.format(status=teacher.get_status_display()), code="invalid_state")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(REASON_REQUIRED, extra={"fields": {"reason": REASON_REQUIRED}})
    if problem := check_text(reason, limit=200):
        raise DomainError(f"出库原因：{problem}", extra={"fields": {"reason": problem}})
    on = on or date.today()
    if teacher.admitted_on and on < teacher.admitted_on:
        message = EXIT_BEFORE_ADMIT.format(admitted=teacher.admitted_on.isoformat())
        raise DomainError(message, extra={"fields": {"on": message}})
    before = snapshot(teacher)
    teacher.status, teacher.exited_on, teacher.exit_reason = TeacherStatus.EXITED, on, reason
    teacher.save()
    _audit(acting_user, teacher, EventType.TEACHER_UPDATED, {**diff(before, snapshot(teacher)), "action": "exit"},
           reason)
    return teacher


BATCH = 1000
WRITTEN_FIELDS = ["name", "kind", "institution", "owner_org", "title", "subjects", "work_unit", "post", "phone",
                  "cadre", "status", "admitted_on", "exited_on", "exit_reason", "description", "updated_at"]


@transaction.atomic(durable=True)
def teacher_upsert_many(*, acting_user, created: Sequence[tuple[Teacher, dict]],
                        updated: Sequence[tuple[Teacher, dict]], report) -> None:
    """Write an import's validated rows, one audit row per changed teacher and the import's summary row."""
    _require_write(acting_user)
    if not all(can_edit_library_item(acting_user, t) for t, _ in [*created, *updated]):
        raise PermissionDenied(READ_ONLY)
    now = timezone.now()
    Teacher.objects.bulk_create([t for t, _ in created], batch_size=BATCH)
    for t, _ in updated:
        t.updated_at = now
    if updated:
        Teacher.objects.bulk_update([t for t, _ in updated], WRITTEN_FIELDS, batch_size=BATCH)
    events = [build_event(actor=acting_user, event_type=EventType.TEACHER_CREATED, subject_type="teacher",
                          subject_code=t.code, subject_label=t.name, extra=change, reason="批量导入")
              for t, change in created]
    events += [build_event(actor=acting_user, event_type=EventType.TEACHER_UPDATED, subject_type="teacher",
                           subject_code=t.code, subject_label=t.name, extra=change, reason="批量导入")
               for t, change in updated]
    events.append(import_summary_event(actor=acting_user, subject_type="teachers", report=report))
    record_events(events)


__all__ = ["teacher_create", "teacher_update", "teacher_admit", "teacher_exit", "teacher_upsert_many",
           "check_teacher", "snapshot", "NotFound"]
