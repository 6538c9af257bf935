"""Writes to the simple libraries (教材, 案例, 现场教学点; ``resources.kinds``): one durable transaction each,
with its audit row (RESOURCE_CREATED / RESOURCE_UPDATED, subject ``resource``, ``extra.kind`` the library)."""

from django.db import transaction

from ganxun.audit.events import EventType, diff, record_event
from ganxun.core.errors import PermissionDenied
from ganxun.core.parsing import parse_bool
from ganxun.resources.kinds import ItemKind
from ganxun.resources.library import (check_code, check_entry, check_holder, check_text, holder_codes,
                                      holder_lookups, raise_field_errors)
from ganxun.resources.selectors import access_item, can_edit_library_item, can_write_library, dictionary_entries

WRITE_DENIED = "您的角色只能查看{label}，不能修改"
READ_ONLY = "该{label}属于其他单位或机构的资源库，您只能查看，不能修改"
CODE_TAKEN = "{label}编码 {code} 已存在"
YEAR_MIN, YEAR_MAX = 1900, 2100


def labels_of(kind: ItemKind) -> dict:
    return {"code": kind.code_label, "name": kind.name_label, "category": kind.category_label,
            "institution": "所属机构编码", "owner_org": "所属单位编码", "description": "简介",
            **{f.name: f.label for f in kind.extras}}


def snapshot(kind: ItemKind, item) -> dict:
    return {"name": item.name, "category": item.category.label if item.category_id else "", **holder_codes(item),
            "description": item.description, **{f.name: getattr(item, f.name) for f in kind.extras}}


def _extra_value(f, raw) -> tuple[object, str | None]:
    text = ("" if raw is None else str(raw)).strip()
    if f.kind == "bool":
        try:
            return (raw if isinstance(raw, bool) else parse_bool(text)), None
        except ValueError as exc:
            return False, str(exc)
    if f.kind in ("year", "count"):
        if not text:
            return None, None
        if not text.isdigit():
            return None, f"「{text[:20]}」不是整数"
        value = int(text)
        if f.kind == "year" and not YEAR_MIN <= value <= YEAR_MAX:
            return None, f"应为 {YEAR_MIN}–{YEAR_MAX} 之间的年份"
        if f.kind == "count" and value > 100000:
            return None, "不能超过 100000"
        return value, None
    return text, check_text(text, limit=f.max_length)


def check_item(user, kind: ItemKind, values: dict, *, existing) -> tuple[dict, list]:
    errors, out = [], {}
    text = {k: v if isinstance(v, bool) else ("" if v is None else str(v)).strip() for k, v in values.items()}
    if existing is None:
        if problem := check_code(text.get("code", "")):
            errors.append(("code", problem))
        out["code"] = text.get("code", "")
    if problem := check_text(text.get("name", ""), required=True):
        errors.append(("name", problem))
    out["name"] = text.get("name", "")
    entries = list(dictionary_entries(kind.domain))
    entry, problem = check_entry(kind.domain, kind.category_label, text.get("category", ""), entries,
                                 current=existing.category if existing is not None else None)
    if problem:
        errors.append(("category", problem))
    out["category"] = entry
    current = holder_codes(existing) if existing is not None else {"institution": "", "owner_org": ""}
    inst_code, org_code = text.get("institution_code", ""), text.get("owner_org_code", "")
    if existing is not None and (inst_code, org_code) == (current["institution"], current["owner_org"]):
        out["institution"], out["owner_org"] = existing.institution, existing.owner_org
    else:
        institution, org, problems = check_holder(user, inst_code, org_code, **holder_lookups(user))
        errors += problems
        out["institution"], out["owner_org"] = institution, org
    out["description"] = text.get("description", "")[:2000]
    for f in kind.extras:
        value, problem = _extra_value(f, values.get(f.name))
        if problem:
            errors.append((f.name, problem))
        out[f.name] = value
    return out, errors


def _audit(acting_user, kind: ItemKind, item, event_type, extra: dict, reason: str = "") -> None:
    record_event(actor=acting_user, event_type=event_type, subject_type="resource", subject_code=item.code,
                 subject_label=f"{kind.label}：{item.name}", extra={"kind": kind.key, **extra}, reason=reason)


@transaction.atomic(durable=True)
def item_create(*, acting_user, kind: ItemKind, values: dict):
    """Add a material, case or field site to a library the user may write."""
    if not can_write_library(acting_user):
        raise PermissionDenied(WRITE_DENIED.format(label=kind.label))
    out, errors = check_item(acting_user, kind, values, existing=None)
    if out.get("code") and kind.model.objects.filter(code=out["code"]).exists():
        errors.append(("code", CODE_TAKEN.format(label=kind.label, code=out["code"])))
    raise_field_errors(errors, labels_of(kind))
    item = kind.model(**out)
    item.full_clean()
    item.save()
    _audit(acting_user, kind, item, EventType.RESOURCE_CREATED, {"after": snapshot(kind, item)})
    return item


@transaction.atomic(durable=True)
def item_update(*, acting_user, kind: ItemKind, code: str, values: dict, reason: str = ""):
    """Change a material, case or field site the user may edit (every field but the code)."""
    if not can_write_library(acting_user):
        raise PermissionDenied(WRITE_DENIED.format(label=kind.label))
    item = access_item(acting_user, kind, code)
    if not can_edit_library_item(acting_user, item):
        raise PermissionDenied(READ_ONLY.format(label=kind.label))
    out, errors = check_item(acting_user, kind, values, existing=item)
    raise_field_errors(errors, labels_of(kind))
    before = snapshot(kind, item)
    for key, value in out.items():
        setattr(item, key, value)
    change = diff(before, snapshot(kind, item))
    if change["after"]:
        item.full_clean()
        item.save()
        _audit(acting_user, kind, item, EventType.RESOURCE_UPDATED, change, reason)
    return item


__all__ = ["item_create", "item_update", "check_item", "snapshot", "labels_of"]
