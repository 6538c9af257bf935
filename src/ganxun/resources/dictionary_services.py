"""Writes to the data dictionary (数据字典): adding, renaming, reordering and (de)activating an entry of a
user-maintained domain, each audited. Built-in domains are the rules engine's vocabularies: locked."""

from django.db import transaction

from ganxun.audit.events import EventType, diff, record_event
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.resources.library import check_text
from ganxun.resources.models import BUILTIN_DOMAINS, USER_DOMAINS, DictionaryEntry
from ganxun.resources.selectors import can_edit_dictionary, dictionary_entries, dictionary_entry

LABELS = {"code": "字典编码", "label": "字典标签", "order": "排序", "active": "启用"}
WRITE_DENIED = "只有组织部门管理员可以维护数据字典"
LOCKED = "系统内置，规则依据，不能修改"
UNKNOWN_DOMAIN = "没有名为 {domain} 的字典类型"
LABEL_TAKEN = "「{label}」已在{domain}中"
CODE_TAKEN = "字典编码 {code} 已在{domain}中"


def snapshot(e: DictionaryEntry) -> dict:
    return {"code": e.code, "label": e.label, "order": e.order, "active": e.active}


def _check(acting_user, domain: str) -> str:
    if not can_edit_dictionary(acting_user):
        raise PermissionDenied(WRITE_DENIED)
    if domain in BUILTIN_DOMAINS:
        raise DomainError(LOCKED, code="locked")
    if domain not in USER_DOMAINS:
        raise DomainError(UNKNOWN_DOMAIN.format(domain=domain), code="not_found")
    return USER_DOMAINS[domain]


def _check_label(domain: str, domain_label: str, label: str, *, exclude: int | None = None) -> None:
    problem = check_text(label, required=True, limit=50)
    if problem is None and dictionary_entries(domain).filter(label=label).exclude(pk=exclude).exists():
        problem = LABEL_TAKEN.format(label=label, domain=domain_label)
    if problem:
        raise DomainError(f"字典标签：{problem}", extra={"fields": {"label": problem}})


def _audit(acting_user, entry: DictionaryEntry, extra: dict) -> None:
    record_event(actor=acting_user, event_type=EventType.DICTIONARY_UPDATED, subject_type="dictionary",
                 subject_code=entry.domain, subject_label=f"{entry.domain_label}：{entry.label}",
                 extra={"code": entry.code, **extra})


@transaction.atomic(durable=True)
def dictionary_entry_add(*, acting_user, domain: str, label: str, code: str = "", order: int | None = None
                         ) -> DictionaryEntry:
    """Add a word to a user-maintained domain; without a code it gets the next number (``07``)."""
    domain_label = _check(acting_user, domain)
    label, code = (label or "").strip(), (code or "").strip()
    _check_label(domain, domain_label, label)
    existing = list(dictionary_entries(domain))
    if not code:
        numbers = [int(e.code) for e in existing if e.code.isdigit()]
        code = f"{max(numbers, default=0) + 1:02d}"
    elif len(code) > 32 or any(ch.isspace() for ch in code):
        raise DomainError("字典编码：不能超过 32 个字符，且不能包含空格", extra={"fields": {"code": "格式不正确"}})
    elif any(e.code == code for e in existing):
        message = CODE_TAKEN.format(code=code, domain=domain_label)
        raise DomainError(message, extra={"fields": {"code": message}})
    if order is None:
        order = max((e.order for e in existing), default=0) + 10
    entry = DictionaryEntry(domain=domain, code=code, label=label, order=order)
    entry.full_clean()
    entry.save()
    _audit(acting_user, entry, {"after": snapshot(entry)})
    return entry


@transaction.atomic(durable=True)
def dictionary_entry_update(*, acting_user, domain: str, code: str, label: str | None = None,
                            order: int | None = None, active: bool | None = None) -> DictionaryEntry:
    """Rename, reorder or (de)activate an entry. A deactivated word stays on the rows that use it, and is no
    longer offered for new ones; its code never changes (other rows and systems refer to it)."""
    domain_label = _check(acting_user, domain)
    entry = dictionary_entry(domain, code)
    before = snapshot(entry)
    if label is not None:
        label = label.strip()
        _check_label(domain, domain_label, label, exclude=entry.pk)
        entry.label = label
    if order is not None:
        entry.order = order
    if active is not None:
        entry.active = bool(active)
    change = diff(before, snapshot(entry))
    if change["after"]:
        entry.full_clean()
        entry.save()
        _audit(acting_user, entry, change)
    return entry


__all__ = ["dictionary_entry_add", "dictionary_entry_update", "LOCKED"]
