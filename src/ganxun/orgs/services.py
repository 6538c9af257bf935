"""Writes to the org tree. Every function is one transaction with its audit row."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from ganxun.audit.events import EventType, build_event, diff, import_summary_event, record_event, record_events
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.orgs.models import LEVEL_ORDER, Level, Org, OrgType
from ganxun.core.roles import require_org_write
from ganxun.orgs.selectors import access_org, org_in_scope, scope_of


def _snapshot(org: Org) -> dict:
    parent = Org.objects.get_parent(org)
    return {"name": org.name, "org_type": org.org_type, "level": org.level,
            "parent": parent.code if parent else ""}


def _check_level(*, parent: Org | None, level: str) -> None:
    if parent is not None and LEVEL_ORDER[Level(level)] < LEVEL_ORDER[Level(parent.level)]:
        raise DomainError(f"级别「{Level(level).label}」高于上级单位「{parent.name}」的级别「{parent.get_level_display()}」",
                          code="level_above_parent")


def org_create(*, acting_user, code: str, name: str, org_type: str, level: str,
               parent_code: str | None) -> Org:
    """Add an org under ``parent_code`` (a root only for a superuser)."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise DomainError("单位编码和单位名称不能为空", code="required")
    if org_type not in OrgType.values or level not in Level.values:
        raise DomainError("类型或级别不在可选范围内", code="invalid_choice")
    with transaction.atomic(durable=True):
        if Org.objects.filter(code=code).exists():
            raise DomainError(f"单位编码 {code} 已存在", code="duplicate_code")
        if parent_code:
            parent = access_org(acting_user, parent_code)
            require_org_write(acting_user)
            _check_level(parent=parent, level=level)
            org = Org.objects.add_child(parent, dict(code=code, name=name, org_type=org_type, level=level))
        else:
            if not scope_of(acting_user).everything:
                raise NotFound("上级单位不能为空")
            org = Org.objects.add_root(dict(code=code, name=name, org_type=org_type, level=level))
        record_event(actor=acting_user, event_type=EventType.ORG_CREATED, subject_type="org",
                     subject_code=org.code, subject_label=org.name,
                     extra={"after": _snapshot(org)})
    return org


def org_update(*, acting_user, code: str, name: str, org_type: str, level: str) -> Org:
    """Rename an org or change its type and level."""
    name = name.strip()
    if not name:
        raise DomainError("单位名称不能为空", code="required")
    if org_type not in OrgType.values or level not in Level.values:
        raise DomainError("类型或级别不在可选范围内", code="invalid_choice")
    with transaction.atomic(durable=True):
        org = access_org(acting_user, code)
        require_org_write(acting_user)
        _check_level(parent=Org.objects.get_parent(org), level=level)
        before = _snapshot(org)
        org.name, org.org_type, org.level = name, org_type, level
        org.save(update_fields=["name", "org_type", "level", "updated_at"])
        change = diff(before, _snapshot(org))
        if change["after"]:
            record_event(actor=acting_user, event_type=EventType.ORG_UPDATED, subject_type="org",
                         subject_code=org.code, subject_label=org.name, extra=change)
    return org


def org_move(*, acting_user, code: str, new_parent_code: str, reason: str = "") -> Org:
    """Put an org (and everything under it) under another parent inside the user's scope."""
    with transaction.atomic(durable=True):
        org = access_org(acting_user, code)
        parent = access_org(acting_user, new_parent_code)
        require_org_write(acting_user)
        if parent.path.startswith(org.path):
            raise DomainError("不能把单位移到它自己或它的下级单位之下", code="move_into_self")
        scope = scope_of(acting_user)
        if not scope.everything and not any(org.path != p and org.path.startswith(p) for p in scope.paths):
            raise DomainError("不能移动您管理范围的根节点", code="move_scope_root")
        _check_level(parent=parent, level=org.level)
        before = _snapshot(org)
        Org.objects.move(org, parent, pos="last-child")
        org.refresh_from_db()
        _touch_subtree(org)
        record_event(actor=acting_user, event_type=EventType.ORG_MOVED, subject_type="org",
                     subject_code=org.code, subject_label=org.name,
                     extra=diff(before, _snapshot(org)), reason=reason)
    return org


def _touch_subtree(org: Org, now=None) -> None:
    """A move rewrites the paths of ``org`` and everything under it (the tree's own queries, which leave
    ``updated_at`` be): mark them changed, as ``orgs.selectors.tree_generation`` reads."""
    Org.objects.filter(path__startswith=org.path).update(updated_at=now or timezone.now())


@dataclass(frozen=True)
class OrgRow:
    """One validated import row: the org as the file says it, and what it was (``existing``, ``before``)."""

    code: str
    name: str
    org_type: str
    level: str
    parent_code: str
    depth: int = 0          # in the final tree: parents are written before their children
    number: int = 0         # the file's row
    existing: Org | None = None
    before: dict | None = None


@transaction.atomic(durable=True)
def org_upsert_many(*, acting_user, rows: Sequence[OrgRow], report) -> None:
    """Write an import's validated rows: new orgs under their parents, changed names/types/levels, moves;
    one audit row per change and the import's summary row (``report``), in one transaction.

    The importer has checked scope, parents, levels and cycles for the whole file; the parents must exist
    by the time each row is placed, which the order by final depth guarantees.
    """
    require_org_write(acting_user)
    scope = scope_of(acting_user)
    if not all(org_in_scope(scope, r.existing) for r in rows if r.existing is not None):
        raise PermissionDenied("导入的单位不在您的管理范围内")
    events = []
    now = timezone.now()
    placed: dict[str, Org] = {}

    def node(code: str) -> Org:
        if code not in placed:
            placed[code] = Org.objects.get(code=code)
        return placed[code]

    for row in sorted(rows, key=lambda r: (r.depth, r.number)):
        fields = {"name": row.name, "org_type": row.org_type, "level": row.level}
        after = {**fields, "parent": row.parent_code}
        if row.existing is None:
            if row.parent_code:
                parent = node(row.parent_code)
                if not org_in_scope(scope, parent):
                    raise PermissionDenied(f"上级单位 {row.parent_code} 不在您的管理范围内")
                org = Org.objects.add_child(parent, dict(code=row.code, **fields))
            else:
                if not scope.everything:
                    raise PermissionDenied("只有系统管理员可以设置顶级单位")
                org = Org.objects.add_root(dict(code=row.code, **fields))
            placed[row.code] = org
            events.append(build_event(actor=acting_user, event_type=EventType.ORG_CREATED, subject_type="org",
                                      subject_code=org.code, subject_label=org.name, extra={"after": after}))
            continue
        before = row.before or {}
        attrs = {k: v for k, v in fields.items() if v != before.get(k)}
        if attrs:
            # An update by key, never save(): the in-memory path may be stale after earlier moves.
            Org.objects.filter(pk=row.existing.pk).update(**attrs, updated_at=now)
            events.append(build_event(actor=acting_user, event_type=EventType.ORG_UPDATED, subject_type="org",
                                      subject_code=row.code, subject_label=row.name,
                                      extra=diff({k: before.get(k) for k in fields}, fields)))
        if row.parent_code != before.get("parent", ""):
            org = node(row.code)
            if row.parent_code:
                Org.objects.move(org, node(row.parent_code), pos="last-child")
            else:
                Org.objects.move(org, Org.objects.get_last_root_node(), pos="last-sibling")
            org.refresh_from_db()
            _touch_subtree(org, now)
            events.append(build_event(actor=acting_user, event_type=EventType.ORG_MOVED, subject_type="org",
                                      subject_code=row.code, subject_label=row.name,
                                      extra=diff({"parent": before.get("parent", "")}, {"parent": row.parent_code}),
                                      reason="批量导入"))
    events.append(import_summary_event(actor=acting_user, subject_type="orgs", report=report))
    record_events(events)


__all__ = ["org_create", "org_update", "org_move", "org_upsert_many", "OrgRow", "org_in_scope"]
