"""Importing the org tree from a table (interfaces.md, "orgs"; key 单位编码).

Every row is validated first and every problem collected; only a clean file is written, by one service
(``orgs.services.org_upsert_many``: one transaction, parents before children). Re-importing the same file (or our own export) changes
nothing. The acting user's scope decides which orgs a row may touch; the operator at the command line
(``UNSCOPED_OPERATOR``) sees everything.
"""

from dataclasses import dataclass

from ganxun.core.errors import ImportRejected, RowError
from ganxun.core.lookups import in_chunks
from ganxun.core.parsing import cell_text, parse_choice
from ganxun.core.tabular import ImportReport, ReportRow, Table
from ganxun.orgs.columns import COLUMNS
from ganxun.orgs.models import LEVEL_ORDER, Level, Org, OrgType
from ganxun.core.dataio import ImportKind, register_import
from ganxun.core.roles import can_write_orgs, require_org_write
from ganxun.orgs.selectors import all_orgs_unscoped, org_in_scope, scope_of
from ganxun.orgs.services import OrgRow, org_upsert_many

REQUIRED_COLUMNS = COLUMNS
CODE_MAX, NAME_MAX = 32, 100
OUT_OF_SCOPE = "不在您的管理范围内"
PARENT_NOT_FOUND = "上级编码 {code} 不存在或不在您的管理范围内"
FIELD_LABELS = {"name": "单位名称", "org_type": "类型", "level": "级别", "parent": "上级编码"}


@dataclass
class _Row:
    number: int
    code: str
    name: str
    parent_code: str
    org_type: str
    level: str
    ok: bool = True


def _parse_rows(table: Table, errors: list[RowError]) -> dict[str, _Row]:
    rows: dict[str, _Row] = {}
    for raw in table.rows:
        n = raw.number
        ok = True
        code = cell_text(raw.get("单位编码"))
        name = cell_text(raw.get("单位名称"))
        parent_code = cell_text(raw.get("上级编码"))
        if not code:
            errors.append(RowError(n, "单位编码", "不能为空"))
            ok = False
        elif len(code) > CODE_MAX or any(ch.isspace() for ch in code):
            errors.append(RowError(n, "单位编码", f"不能超过 {CODE_MAX} 个字符，且不能包含空格"))
            ok = False
        if not name:
            errors.append(RowError(n, "单位名称", "不能为空"))
            ok = False
        elif len(name) > NAME_MAX:
            errors.append(RowError(n, "单位名称", f"不能超过 {NAME_MAX} 个字"))
            ok = False
        elif any(ord(ch) < 32 for ch in name):
            errors.append(RowError(n, "单位名称", "不能包含换行等控制字符"))
            ok = False
        values = {}
        for column, field, choices in (("类型", "org_type", OrgType.choices), ("级别", "level", Level.choices)):
            try:
                values[field] = parse_choice(raw.get(column), choices)
            except ValueError as exc:
                errors.append(RowError(n, column, str(exc)))
                ok = False
        if code and parent_code == code:
            errors.append(RowError(n, "上级编码", "不能是本单位自己"))
            ok = False
        if code in rows:
            errors.append(RowError(n, "单位编码", f"单位编码 {code} 与第 {rows[code].number} 行重复"))
            continue
        if code:
            # A row with errors keeps its key, so rows naming it as their parent get no second error.
            rows[code] = _Row(n, code, name, parent_code, values.get("org_type", ""), values.get("level", ""), ok)
    return rows


def _load(codes: set[str]) -> tuple[dict[str, Org], dict[str, Org]]:
    """Orgs named in the file, and every ancestor of them (by path), in a few queries."""
    by_code: dict[str, Org] = {}
    for chunk in in_chunks(codes):
        by_code.update({o.code: o for o in all_orgs_unscoped().filter(code__in=chunk)})
    ancestor_paths = {p for o in by_code.values() for p in o.ancestor_paths()}
    by_path = {o.path: o for o in by_code.values()}
    missing = ancestor_paths - set(by_path)
    for chunk in in_chunks(missing):
        by_path.update({o.path: o for o in all_orgs_unscoped().filter(path__in=chunk)})
    return by_code, by_path


def import_orgs(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    """Create and update orgs from ``table``; all rows or none. Raises ``ImportRejected``."""
    require_org_write(acting_user)
    table.require_columns(COLUMNS, REQUIRED_COLUMNS)
    scope = scope_of(acting_user)
    errors: list[RowError] = []
    rows = _parse_rows(table, errors)
    by_code, by_path = _load(set(rows) | {r.parent_code for r in rows.values() if r.parent_code})

    def current_parent(org: Org) -> Org | None:
        return by_path.get(org.path[: -org.steplen]) if org.depth > 1 else None

    def scope_root_of_user(org: Org) -> bool:
        return not scope.everything and not any(org.path != p and org.path.startswith(p) for p in scope.paths)

    def refuse(row: _Row, column: str, message: str) -> None:
        errors.append(RowError(row.number, column, message))
        row.ok = False

    # Scope: the row's org and its (new) parent must be the user's to manage.
    for row in rows.values():
        if not row.ok:
            continue
        existing = by_code.get(row.code)
        if existing is not None and not org_in_scope(scope, existing):
            refuse(row, "单位编码", f"单位编码 {row.code} {OUT_OF_SCOPE}")
            continue
        old_parent = current_parent(existing) if existing is not None else None
        old_parent_code = old_parent.code if old_parent is not None else ""
        if not row.parent_code:
            if existing is not None and existing.depth == 1:
                continue
            if not scope.everything:
                refuse(row, "上级编码", "不能为空（只有系统管理员可以设置顶级单位）")
            continue
        if existing is not None and row.parent_code == old_parent_code:
            parent_ok = True
        elif row.parent_code in rows:
            parent_ok = True
        else:
            parent = by_code.get(row.parent_code)
            parent_ok = parent is not None and org_in_scope(scope, parent)
        if not parent_ok:
            refuse(row, "上级编码", PARENT_NOT_FOUND.format(code=row.parent_code))
            continue
        if existing is not None and row.parent_code != old_parent_code and scope_root_of_user(existing):
            refuse(row, "上级编码", "不能调整您管理范围的根节点的上级单位")

    def final_parent_code(code: str) -> str:
        if code in rows:
            return rows[code].parent_code
        org = by_code.get(code)
        parent = current_parent(org) if org is not None else None
        if parent is not None:
            by_code.setdefault(parent.code, parent)
        return parent.code if parent is not None else ""

    # Cycles: walk each row up the final tree.
    depth: dict[str, int] = {}
    for row in rows.values():
        if not row.ok:
            continue
        chain, code = [], row.code
        while code and code not in depth and code not in chain:
            chain.append(code)
            code = final_parent_code(code)
        if code in chain:
            loop = chain[chain.index(code):] + [code]
            if row.code in loop:
                refuse(row, "上级编码", "隶属关系形成循环：" + " → ".join(loop))
            continue
        base = depth.get(code, 0) if code else 0
        for i, c in enumerate(reversed(chain), start=1):
            depth[c] = base + i

    # Level not above the parent's (the parent's level as it will be after the import).
    for row in rows.values():
        if not row.ok or not row.parent_code:
            continue
        parent_row = rows.get(row.parent_code)
        parent = by_code.get(row.parent_code)
        parent_level = parent_row.level if parent_row is not None else (parent.level if parent else "")
        parent_name = parent_row.name if parent_row is not None else (parent.name if parent else row.parent_code)
        if parent_level and row.level and LEVEL_ORDER[Level(row.level)] < LEVEL_ORDER[Level(parent_level)]:
            refuse(row, "级别", f"级别「{Level(row.level).label}」高于上级单位「{parent_name}」"
                              f"的级别「{Level(parent_level).label}」")

    if errors:
        raise ImportRejected(errors=sorted(errors, key=lambda e: (e.row, e.column)), source=table.source)

    report = ImportReport(kind="orgs", source=table.source, dry_run=dry_run)
    plan = []
    for row in sorted(rows.values(), key=lambda r: r.number):
        existing = by_code.get(row.code)
        after = {"name": row.name, "org_type": row.org_type, "level": row.level, "parent": row.parent_code}
        if existing is None:
            report.add(ReportRow(row.number, "created", row.code, row.name))
            plan.append((row, None, None, after))
            continue
        old_parent = current_parent(existing)
        before = {"name": existing.name, "org_type": existing.org_type, "level": existing.level,
                  "parent": old_parent.code if old_parent is not None else ""}
        changed = [k for k in after if after[k] != before[k]]
        report.add(ReportRow(row.number, "updated" if changed else "unchanged", row.code, row.name,
                             [FIELD_LABELS[k] for k in changed]))
        if changed:
            plan.append((row, existing, before, after))
    if dry_run:
        return report
    # An unchanged file still leaves its one summary row: every import is audited (security.md).
    org_upsert_many(acting_user=acting_user, rows=[
        OrgRow(code=row.code, name=row.name, org_type=row.org_type, level=row.level, parent_code=row.parent_code,
               depth=depth.get(row.code, 0), number=row.number, existing=existing, before=before)
        for row, existing, before, _after in plan], report=report)
    return report


# --- the registry of import kinds (the 数据导入 page, ``ganxun import orgs``) ------------------------------

def template_example(user) -> list:
    """One filled row for the downloadable template: a unit under the user's own region."""
    from ganxun.orgs.selectors import orgs_visible_to, scope_root

    home = user.scope_org if getattr(user, "scope_org_id", None) else orgs_visible_to(user).first()
    parent = scope_root(home) if home else None
    if parent is None:
        return ["41", "示例单位", "", "地区", "省"]
    return [f"{parent.code}X01", "示例单位", parent.code, "机关", Level(parent.level).label]


register_import(ImportKind(
    key="orgs", label="组织机构", columns=tuple(COLUMNS), required=tuple(COLUMNS), key_column="单位编码",
    run=import_orgs, allowed=can_write_orgs, list_url="orgs:tree", list_label="查看组织机构",
    example=template_example, order=20,
    help={
        "单位编码": "唯一编码，不超过 32 个字符", "单位名称": "不超过 100 个字",
        "上级编码": "上级单位的单位编码；可以是本文件中的另一行", "类型": "、".join(OrgType.labels),
        "级别": "、".join(Level.labels) + "；不能高于上级单位",
    }))
