"""How audit rows read for people (变更历史, 操作日志): Chinese lines, never field names or stored codes.

The rows keep plain snapshots (``{"before": {...}, "after": {...}}`` with model field names and stored
values). Each app says how its rows read, in its own ``presentation.py`` (loaded when the apps are ready):
``register_fields(subject_type, labels, values)`` for field-by-field changes, ``register_lines(event_types,
fn)`` where a row needs its own wording (a ledger entry, an import batch). Nothing here names an app.
"""

from __future__ import annotations

import json

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ganxun.core.discovery import discovery

_labels: dict[str, dict[str, str]] = {}
_values: dict[str, dict[str, Callable]] = {}
_lines: dict[str, Callable[[dict], tuple[list[str], list[str]]]] = {}
_discover = discovery("presentation")   # each app says how its rows read there (``core.discovery``)
SUMMARIES = {"imported": "导入", "exported": "导出"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def register_fields(subject_type: str, labels: dict[str, str], values: dict[str, Callable] | None = None) -> None:
    """``labels``: field → Chinese label; ``values``: field → a function turning a stored value into words."""
    _labels.setdefault(subject_type, {}).update(labels)
    _values.setdefault(subject_type, {}).update(values or {})


def register_lines(event_types: Iterable[str], fn: Callable[[dict], tuple[list[str], list[str]]]) -> None:
    """``fn(extra) -> (before lines, after lines)`` for the rows of these event types."""
    for event_type in event_types:
        _lines[str(event_type)] = fn


def shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        # a nested object (a plan's indicator, say) by its name where it has one, else in JSON, never as Python
        if value.get("name"):
            return f"{value['name']}（{value['code']}）" if value.get("code") else str(value["name"])
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (list, tuple)):
        return "、".join(shown(v) for v in value) or "—"
    return str(value)


def _value(subject_type: str, field: str, value) -> str:
    _discover()
    fn = _values.get(subject_type, {}).get(field)
    if fn is not None and value not in (None, ""):
        try:
            return shown(fn(value))
        except (KeyError, ValueError):
            pass
    return shown(value)


def label_of(subject_type: str, field: str) -> str:
    _discover()
    return _labels.get(subject_type, {}).get(field, field)


def changes(event, *, hide: frozenset = frozenset()) -> list[Change]:
    """Field-by-field changes of a row that keeps before/after snapshots (labels and values in words), less the
    fields in ``hide`` (what the reader may not see)."""
    extra = event.extra or {}
    before, after = extra.get("before") or {}, extra.get("after") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    kind = event.subject_type
    return [Change(label_of(kind, f), _value(kind, f, before.get(f)) if f in before else "—", _value(kind, f, v))
            for f, v in after.items() if f not in hide]


def lines(event, *, hide: frozenset = frozenset()) -> tuple[list[str], list[str]]:
    """``(before, after)`` lines of one row, as the 变更历史 tab and 操作日志 show them (less the fields in ``hide``)."""
    _discover()
    extra = event.extra or {}
    fn = _lines.get(event.event_type)
    if fn is not None:
        return fn(extra)
    if event.event_type in SUMMARIES and ("created" in extra or "count" in extra):
        return [], [summary_line(event.event_type, extra)]
    found = changes(event, hide=hide)
    if not (extra.get("before") or {}) and found:
        return [], [f"{c.label}：{c.after}" for c in found]
    return [f"{c.label}：{c.before}" for c in found], [f"{c.label}：{c.after}" for c in found]


def summary_line(event_type: str, extra: dict) -> str:
    if event_type == "imported":
        return (f"新增 {extra.get('created', 0)} 条，修改 {extra.get('updated', 0)} 条，"
                f"{extra.get('unchanged', 0)} 条无变化")
    fmt = {"csv": "CSV", "xlsx": "Excel"}.get(extra.get("format", ""), "")
    return f"共 {extra.get('count', 0)} 条" + (f"（{fmt}）" if fmt else "")


# the audit's own rows: a token's API call, an export of the audit, an archive
register_lines(["api_call"], lambda x: ([], [f"令牌 {x.get('token_prefix', '')}…：{x.get('method', '')} "
                                             f"{x.get('path', '')} → {x.get('status', '')}"]))
register_lines(["audit_exported"], lambda x: ([], [f"导出 {x.get('rows', 0)} 行"
                                                   + (f"（筛选：{x['filters']}）" if x.get("filters") else "")]))
register_lines(["audit_archived"], lambda x: ([], [f"归档 {x.get('count', 0)} 行（{x.get('before', '')} 以前），"
                                                   f"文件 SHA-256 {x.get('file_sha256', '')[:16]}…"]))
