"""Writes to the training institutions (培训机构): one transaction each, with its audit row.

The checks of one institution's values live in ``check_institution_values`` and serve the dialog,
the API and the importer alike; the owner org decides who may write (``can_edit_institution``).
"""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, diff, import_summary_event, record_event, record_events
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.parsing import cell_text
from ganxun.orgs.models import LEVEL_ORDER, Level, Org
from ganxun.orgs.selectors import access_org, scope_of
from ganxun.resources.models import FLAGSHIP_TAG, TAG_SEPARATOR, Institution, InstitutionKind, split_list
from ganxun.resources.selectors import access_institution, can_edit_institution, can_write_institutions

CODE_MAX, NAME_MAX = 32, 100
LABELS = {"code": "机构编码", "name": "机构名称", "kind": "类型", "level": "级别", "recognised": "认可",
          "owner_org": "所属单位编码", "is_flagship": "三学院三基地", "capacity": "容纳人数",
          "contact_person": "联系人", "contact_phone": "联系电话", "address": "地址", "tags": "标签",
          "description": "简介"}
# The details beyond the interface's columns: optional everywhere (an update that leaves one out keeps it).
DETAIL_FIELDS = ("capacity", "contact_person", "contact_phone", "address", "tags", "description")
DETAIL_LIMITS = {"contact_person": 50, "contact_phone": 32, "address": 200, "tags": 200}
CAPACITY_MAX = 100000
WRITE_DENIED = "只有组织部门管理员可以维护培训机构"
READ_ONLY = "该培训机构由上级或其他单位管理，您只能查看，不能修改"
OWNER_REQUIRED = "所属单位编码不能为空（只有系统管理员可以登记不隶属于任何单位的机构）"
OWNER_NOT_FOUND = "所属单位编码 {code} 不存在或不在您的管理范围内"
CODE_TAKEN = "机构编码 {code} 已存在"


def snapshot(institution: Institution) -> dict:
    """The audited view of an institution: plain values, the owner by its code."""
    return {"name": institution.name, "kind": institution.kind, "level": institution.level,
            "recognised": institution.recognised, "is_flagship": institution.is_flagship,
            "owner_org": institution.owner_org.code if institution.owner_org_id else "",
            "capacity": institution.capacity, "contact_person": institution.contact_person,
            "contact_phone": institution.contact_phone, "address": institution.address, "tags": institution.tags,
            "description": institution.description}


def check_institution_details(details: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The optional details (容纳人数, 联系人, 联系电话, 地址, 标签, 简介) as stored values, and their problems.

    ``tags`` may be a list or one text separated by 、 or ,; 三学院三基地 among them sets ``is_flagship``
    (returned as ``flagship``) and is not stored twice.
    """
    out, errors = {}, []
    for key in DETAIL_FIELDS:
        if key not in details:
            continue
        raw = details[key]
        if key == "capacity":
            text = cell_text(raw)
            if not text:
                out[key] = None
            elif not text.isdigit() or int(text) > CAPACITY_MAX:
                errors.append((key, f"应为 0–{CAPACITY_MAX} 之间的整数"))
            else:
                out[key] = int(text)
        elif key == "tags":
            tags = list(raw) if isinstance(raw, (list, tuple)) else split_list(cell_text(raw))
            out["flagship"] = FLAGSHIP_TAG in tags
            out[key] = TAG_SEPARATOR.join(t for t in tags if t != FLAGSHIP_TAG)
            if len(out[key]) > DETAIL_LIMITS[key]:
                errors.append((key, f"合计不能超过 {DETAIL_LIMITS[key]} 个字"))
        elif key == "description":
            out[key] = cell_text(raw)[:2000]
        else:
            text = cell_text(raw)
            if len(text) > DETAIL_LIMITS[key]:
                errors.append((key, f"不能超过 {DETAIL_LIMITS[key]} 个字"))
            elif any(ord(ch) < 32 for ch in text):
                errors.append((key, "不能包含换行等控制字符"))
            out[key] = text
    return out, errors


def _apply_details(institution: Institution, details: dict | None) -> None:
    values, errors = check_institution_details(details or {})
    _raise_field_errors(errors)
    if values.pop("flagship", False):
        institution.is_flagship = True
    for key, value in values.items():
        setattr(institution, key, value)


def check_institution_values(*, code: str | None, name: str, kind: str, level: str,
                             owner: Org | None) -> list[tuple[str, str]]:
    """Problems with one institution's own values, as ``(field, message)``; empty when all is well.

    ``code`` is ``None`` when it is not being set (an update).
    """
    errors: list[tuple[str, str]] = []
    if code is not None:
        if not code:
            errors.append(("code", "不能为空"))
        elif len(code) > CODE_MAX or any(ch.isspace() for ch in code):
            errors.append(("code", f"不能超过 {CODE_MAX} 个字符，且不能包含空格"))
    if not name:
        errors.append(("name", "不能为空"))
    elif len(name) > NAME_MAX:
        errors.append(("name", f"不能超过 {NAME_MAX} 个字"))
    elif any(ord(ch) < 32 for ch in name):
        errors.append(("name", "不能包含换行等控制字符"))
    if kind not in InstitutionKind.values:
        errors.append(("kind", "应为 " + "、".join(InstitutionKind.labels) + " 之一"))
    if level not in Level.values:
        errors.append(("level", "应为 " + "、".join(Level.labels) + " 之一"))
    elif owner is not None and LEVEL_ORDER[Level(level)] < LEVEL_ORDER[Level(owner.level)]:
        errors.append(("level", f"级别「{Level(level).label}」高于所属单位「{owner.name}」的级别「{owner.get_level_display()}」"))
    return errors


def _raise_field_errors(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise DomainError("；".join(f"{LABELS.get(f, f)}：{m}" for f, m in errors), code="invalid",
                          extra={"fields": {f: m for f, m in errors}})


def _owner_for(acting_user, owner_org_code: str) -> Org | None:
    """The owner org by code: inside the user's scope; empty only for a superuser."""
    if not owner_org_code:
        if not scope_of(acting_user).everything:
            raise DomainError(OWNER_REQUIRED, code="owner_required", extra={"fields": {"owner_org": "不能为空"}})
        return None
    try:
        return access_org(acting_user, owner_org_code)
    except NotFound:
        message = OWNER_NOT_FOUND.format(code=owner_org_code)
        raise DomainError(message, code="owner_not_found", extra={"fields": {"owner_org": message}}) from None


def _require_write(acting_user) -> None:
    if not can_write_institutions(acting_user):
        raise PermissionDenied(WRITE_DENIED)


@transaction.atomic(durable=True)
def institution_create(*, acting_user, code: str, name: str, kind: str, level: str, owner_org_code: str = "",
                       recognised: bool = False, is_flagship: bool = False, details: dict | None = None
                       ) -> Institution:
    """Register an institution owned by an org inside the user's scope (``details``: 容纳人数, 联系人 …)."""
    _require_write(acting_user)
    code, name, owner_org_code = (code or "").strip(), (name or "").strip(), (owner_org_code or "").strip()
    owner = _owner_for(acting_user, owner_org_code)
    errors = check_institution_values(code=code, name=name, kind=kind, level=level, owner=owner)
    if code and Institution.objects.filter(code=code).exists():
        errors.append(("code", CODE_TAKEN.format(code=code)))
    _raise_field_errors(errors)
    institution = Institution(code=code, name=name, kind=kind, level=level, owner_org=owner,
                              recognised=bool(recognised), is_flagship=bool(is_flagship))
    _apply_details(institution, details)
    institution.full_clean()
    institution.save()
    record_event(actor=acting_user, event_type=EventType.INSTITUTION_CREATED, subject_type="institution",
                 subject_code=institution.code, subject_label=institution.name,
                 extra={"after": snapshot(institution)})
    return institution


@transaction.atomic(durable=True)
def institution_update(*, acting_user, code: str, name: str, kind: str, level: str, owner_org_code: str = "",
                       recognised: bool = False, is_flagship: bool = False, reason: str = "",
                       details: dict | None = None) -> Institution:
    """Change an institution the user may edit; a new owner must be inside the scope too. A detail left out
    of ``details`` keeps its value."""
    _require_write(acting_user)
    institution = access_institution(acting_user, code)
    if not can_edit_institution(acting_user, institution):
        raise PermissionDenied(READ_ONLY)
    name, owner_org_code = (name or "").strip(), (owner_org_code or "").strip()
    owner = _owner_for(acting_user, owner_org_code)
    _raise_field_errors(check_institution_values(code=None, name=name, kind=kind, level=level, owner=owner))
    before = snapshot(institution)
    institution.name, institution.kind, institution.level = name, kind, level
    institution.owner_org = owner
    institution.recognised, institution.is_flagship = bool(recognised), bool(is_flagship)
    _apply_details(institution, details)
    change = diff(before, snapshot(institution))
    if not change["after"]:
        return institution
    institution.full_clean()
    institution.save()
    record_event(actor=acting_user, event_type=EventType.INSTITUTION_UPDATED, subject_type="institution",
                 subject_code=institution.code, subject_label=institution.name, extra=change, reason=reason)
    return institution


BATCH = 1000
WRITTEN_FIELDS = ["name", "kind", "level", "recognised", "is_flagship", "owner_org", *DETAIL_FIELDS, "updated_at"]


@transaction.atomic(durable=True)
def institution_upsert_many(*, acting_user, created: Sequence[tuple[Institution, dict]],
                            updated: Sequence[tuple[Institution, dict]], report) -> None:
    """Write an import's validated rows: new and changed institutions, one audit row each (``change`` is
    its before/after) and the import's summary row (``report``). Each must be the user's to write."""
    _require_write(acting_user)
    if not all(can_edit_institution(acting_user, i) for i, _ in [*created, *updated]):
        raise PermissionDenied(READ_ONLY)
    now = timezone.now()
    for i in range(0, len(created), BATCH):
        Institution.objects.bulk_create([inst for inst, _ in created[i:i + BATCH]], batch_size=BATCH)
    if updated:
        for inst, _ in updated:
            inst.updated_at = now
        Institution.objects.bulk_update([inst for inst, _ in updated], WRITTEN_FIELDS, batch_size=BATCH)
    events = [build_event(actor=acting_user, event_type=EventType.INSTITUTION_CREATED, subject_type="institution",
                          subject_code=inst.code, subject_label=inst.name, extra=change, reason="批量导入")
              for inst, change in created]
    events += [build_event(actor=acting_user, event_type=EventType.INSTITUTION_UPDATED, subject_type="institution",
                           subject_code=inst.code, subject_label=inst.name, extra=change, reason="批量导入")
               for inst, change in updated]
    events.append(import_summary_event(actor=acting_user, subject_type="institutions", report=report))
    record_events(events)


__all__ = ["institution_create", "institution_update", "institution_upsert_many", "check_institution_values",
           "check_institution_details", "snapshot"]
