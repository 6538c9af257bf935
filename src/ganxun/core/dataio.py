"""The registry of import and export kinds (``ganxun import KIND``, ``ganxun export KIND``, the 数据导入 page).

Each app says what it can import in its ``importers.py`` (``register_import``) and what it can export in
its ``exporters.py`` (``register_export``); the import page and the two commands loop over the registry
and know no kind by name. The apps' modules are loaded when the app registry is ready
(``ganxun.dataio``'s ``ready``), so the registry is complete before any request or command runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ganxun.core.discovery import discovery

# Every KIND the interface names (interfaces.md), with its label: a kind no app registers yet is refused
# with a message that names the ones that work.
CONTRACT_KINDS = {
    "orgs": "组织机构", "cadres": "干部名册", "institutions": "培训机构", "teachers": "师资",
    "courses": "课程", "classes": "培训班次", "sessions": "课程安排", "enrolments": "学员报名", "records": "学习记录",
}


@dataclass(frozen=True)
class ImportKind:
    """One table users can import: its columns (interfaces.md), who may, and how it runs.

    ``run(acting_user=, table=, dry_run=)`` validates the whole table and writes it all or nothing through
    the app's services, returning an ``ImportReport``; ``example(user)`` is one row for the template.
    """

    key: str
    label: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key_column: str
    run: Callable
    allowed: Callable
    list_url: str
    list_label: str
    help: dict[str, str] = field(default_factory=dict)
    example: Callable | None = None
    order: int = 100
    # Reads the file in chunks and writes it in one transaction: any size from the command line.
    streams: bool = False


@dataclass(frozen=True)
class ExportKind:
    """One table users can export: ``write(acting_user=, fmt=, target=)`` returns ``(bytes or None, count)``."""

    key: str
    label: str
    write: Callable
    order: int = 100


_imports: dict[str, ImportKind] = {}
_exports: dict[str, ExportKind] = {}
_discover = discovery("importers", "exporters")   # each app registers its kinds there (``core.discovery``)


def register_import(kind: ImportKind) -> ImportKind:
    _imports[kind.key] = kind
    return kind


def register_export(kind: ExportKind) -> ExportKind:
    _exports[kind.key] = kind
    return kind


def import_kinds() -> list[ImportKind]:
    _discover()
    return sorted(_imports.values(), key=lambda k: (k.order, k.key))


def export_kinds() -> list[ExportKind]:
    _discover()
    return sorted(_exports.values(), key=lambda k: (k.order, k.key))


def import_kind(key: str) -> ImportKind | None:
    _discover()
    return _imports.get(key)


def export_kind(key: str) -> ExportKind | None:
    _discover()
    return _exports.get(key)


def kind_label(key: str) -> str:
    _discover()
    kind = _imports.get(key) or _exports.get(key)
    return kind.label if kind else CONTRACT_KINDS.get(key, key)


_NO_SPACE = {28, 122, 27}  # ENOSPC, EDQUOT, EFBIG (a file size limit)


def _no_space(exc: BaseException | None) -> OSError | None:
    """The disk-full error behind ``exc`` (xlsxwriter wraps it in its own FileCreateError), if it is one."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError) and exc.errno in _NO_SPACE:
            return exc
        inner = next((a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)), None)
        exc = inner or exc.__cause__ or exc.__context__
        seen += 1
    return None


def export_to_file(kind: ExportKind, *, acting_user, fmt: str, target) -> int:
    """``kind.write`` into ``target`` through ``target.partial``, renamed when complete: a full disk (or any
    failure) leaves no partial file behind, and a full disk becomes a clear message. Returns the row count."""
    import os
    from pathlib import Path

    from ganxun.core.errors import DomainError

    final = Path(target)
    partial = final.with_name(final.name + ".partial")
    try:
        _, count = kind.write(acting_user=acting_user, fmt=fmt, target=str(partial))
        os.replace(partial, final)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        full = _no_space(exc)
        if full is not None:
            raise DomainError(f"磁盘空间不足，{kind.label}没有导出完（{final.parent} 所在磁盘已满：{full.strerror}）；"
                              "没有留下不完整的文件。请清理磁盘空间后重新导出", code="disk_full") from None
        raise
    return count
