"""Importing training institutions from a table (interfaces.md, "institutions"; key 机构编码).

Every row is validated with the same checks as the dialog (``check_institution_values``), every
problem is collected, and only a clean file is written, by one service
(``resources.services.institution_upsert_many``): one transaction, one audit event per changed institution
plus one summary event. Rows that change nothing write nothing, so re-importing a file
(or our own export) is a no-op.

The acting user's scope decides which rows may write: the 所属单位编码 must be an org the user
manages (empty only for the operator at the command line, ``UNSCOPED_OPERATOR``, or a superuser).
Our own export also lists institutions above the user's scope (the province's party school …): such
a row may come back unchanged, but changing it is refused.
"""

from dataclasses import dataclass, field


from ganxun.audit.events import diff
from ganxun.core.dataio import ImportKind, register_import
from ganxun.core.errors import PermissionDenied
from ganxun.core.parsing import cell_text, parse_bool, parse_choice
from ganxun.core.tabular import ImportReport, ReportRow, Table, check_rows, conflicts_rejected, reject_errors
from ganxun.core.lookups import in_chunks
from ganxun.orgs.models import Level, Org
from ganxun.orgs.selectors import org_in_scope, orgs_visible_to, scope_of
from ganxun.resources.columns import COLUMNS, DETAIL_COLUMNS, REQUIRED_COLUMNS
from ganxun.resources.models import Institution, InstitutionKind
from ganxun.resources.selectors import (all_institutions_unscoped, can_write_institutions,
                                        institutions_visible_to)
from ganxun.resources.services import (LABELS, OWNER_NOT_FOUND, OWNER_REQUIRED, READ_ONLY,
                                       WRITE_DENIED, check_institution_details, check_institution_values,
                                       institution_upsert_many, snapshot)

OUT_OF_SCOPE = "机构编码 {code} 不在您的管理范围内"
BATCH = 1000
# Django rebuilds an enum's ``choices`` on every access.
KIND_CHOICES, LEVEL_CHOICES = InstitutionKind.choices, Level.choices


@dataclass
class _Resolved:
    number: int
    institution: Institution
    action: str
    change: dict = field(default_factory=dict)


class _Context:
    """Everything the rows are checked against, loaded once for the whole file."""

    def __init__(self, acting_user, table: Table):
        self.acting_user = acting_user
        self.scope = scope_of(acting_user)
        codes = {cell_text(r.get("机构编码")) for r in table.rows} - {""}
        owner_codes = {cell_text(r.get("所属单位编码")) for r in table.rows} - {""}
        existing = all_institutions_unscoped().select_related("owner_org")
        self.by_code: dict[str, Institution] = {}
        self.visible: set[str] = set()
        visible = institutions_visible_to(acting_user)
        for chunk in in_chunks(codes):
            self.by_code.update({i.code: i for i in existing.filter(code__in=chunk)})
            self.visible.update(visible.filter(code__in=chunk).values_list("code", flat=True))
        orgs = orgs_visible_to(acting_user)
        self.owner_by_code: dict[str, Org] = {}
        for chunk in in_chunks(owner_codes):
            self.owner_by_code.update({o.code: o for o in orgs.filter(code__in=chunk)})

    def may_write(self, institution: Institution) -> bool:
        if self.scope.everything:
            return True
        return institution.owner_org_id is not None and org_in_scope(self.scope, institution.owner_org)


def import_institutions(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    """Create and update institutions from ``table``; all rows or none. Raises ``ImportRejected``."""
    if not can_write_institutions(acting_user):
        raise PermissionDenied(WRITE_DENIED)
    table.require_columns(COLUMNS, REQUIRED_COLUMNS)
    ctx = _Context(acting_user, table)
    seen: dict[str, int] = {}
    resolved, errors = check_rows(table, lambda row, errs: _check_row(ctx, table, row, errs, seen))
    reject_errors(errors, table, COLUMNS)

    report = ImportReport(kind="institutions", source=table.source, dry_run=dry_run)
    for r in resolved:
        changes = [] if r.action != "updated" else [LABELS.get(f, f) for f in r.change["after"]]
        report.add(ReportRow(r.number, r.action, r.institution.code, r.institution.name, changes))
    if dry_run:
        return report
    # An unchanged file still leaves its one summary row: every import is audited (security.md).
    with conflicts_rejected(table, "导入期间数据已被他人修改（机构编码重复），未导入任何数据，请重新导入"):
        institution_upsert_many(acting_user=acting_user, report=report,
                                created=[(r.institution, r.change) for r in resolved if r.action == "created"],
                                updated=[(r.institution, r.change) for r in resolved if r.action == "updated"])
    return report


def _check_row(ctx: _Context, table: Table, row, errs: list, seen: dict) -> _Resolved | None:
    n = row.number
    code = cell_text(row.get("机构编码"))
    name = cell_text(row.get("机构名称"))
    owner_code = cell_text(row.get("所属单位编码"))
    if code:
        if code in seen:
            errs.append(("机构编码", f"机构编码 {code} 与第 {seen[code]} 行重复"))
            return None
        seen[code] = n
    values: dict = {}
    for column, key, choices in (("类型", "kind", KIND_CHOICES), ("级别", "level", LEVEL_CHOICES)):
        try:
            values[key] = parse_choice(row.get(column), choices)
        except ValueError as exc:
            errs.append((column, str(exc)))
    try:
        values["recognised"] = parse_bool(row.get("认可"))
    except ValueError as exc:
        errs.append(("认可", str(exc)))
    existing = ctx.by_code.get(code) if code else None
    if table.has("三学院三基地"):
        try:
            values["is_flagship"] = parse_bool(row.get("三学院三基地"))
        except ValueError as exc:
            errs.append(("三学院三基地", str(exc)))
    else:
        values["is_flagship"] = existing.is_flagship if existing is not None else False
    details, problems = check_institution_details(
        {key: row.get(column) for column, key in DETAIL_COLUMNS.items() if table.has(column)})
    errs.extend((LABELS[f], m) for f, m in problems)
    if details.pop("flagship", False):
        values["is_flagship"] = True
    values.update(details)

    # An institution the user may only read comes back from our export: unchanged is fine.
    if existing is not None and not ctx.may_write(existing):
        if code not in ctx.visible:
            errs.append(("机构编码", OUT_OF_SCOPE.format(code=code)))
            return None
        if errs:
            return None
        after = {"name": name, **values, "owner_org": owner_code}
        if diff(snapshot(existing), after)["after"]:
            errs.append(("机构编码", f"机构编码 {code}：{READ_ONLY}"))
            return None
        return _Resolved(n, existing, "unchanged")

    owner = None
    if not owner_code:
        if not ctx.scope.everything:
            errs.append(("所属单位编码", OWNER_REQUIRED))
    elif owner_code in ctx.owner_by_code:
        owner = ctx.owner_by_code[owner_code]
    else:
        errs.append(("所属单位编码", OWNER_NOT_FOUND.format(code=owner_code)))
    flagged = {column for column, _ in errs}
    problems = check_institution_values(code=code, name=name, kind=values.get("kind", ""),
                                        level=values.get("level", ""), owner=owner)
    for f, message in problems:
        column = LABELS[f]
        if column not in flagged:
            errs.append((column, message))
    if errs:
        return None

    if existing is None:
        institution = Institution(code=code, name=name, owner_org=owner, **values)
        return _Resolved(n, institution, "created", {"after": snapshot(institution)})
    before = snapshot(existing)
    existing.name, existing.owner_org = name, owner
    for key, value in values.items():
        setattr(existing, key, value)
    change = diff(before, snapshot(existing))
    if not change["after"]:
        return _Resolved(n, existing, "unchanged")
    return _Resolved(n, existing, "updated", change)


__all__ = ["import_institutions", "COLUMNS", "REQUIRED_COLUMNS"]


# --- the registry of import kinds (the 数据导入 page, ``ganxun import institutions``) ----------------------

def template_example(user) -> list:
    """One filled row for the downloadable template: a training centre of the user's own region."""
    from ganxun.orgs.selectors import scope_root

    home = user.scope_org if getattr(user, "scope_org_id", None) else orgs_visible_to(user).first()
    region = scope_root(home) if home else None
    level = Level(region.level).label if region else "市"
    return [f"BM{region.code if region else '4199'}01", f"{region.name if region else '示例市'}示例干部培训中心",
            "部门培训机构", level, "是", home.code if home else "单位编码", "否", 120, "张老师", "0374-0000000",
            "示例路 1 号", "现场教学基地", ""]


register_import(ImportKind(
    key="institutions", label="培训机构", columns=tuple(COLUMNS), required=tuple(REQUIRED_COLUMNS),
    key_column="机构编码", run=import_institutions, allowed=can_write_institutions,
    list_url="resources:institutions", list_label="查看培训机构", example=template_example, order=30,
    help={
        "机构编码": "唯一编码，不超过 32 个字符，如 DX4199", "机构名称": "不超过 100 个字",
        "类型": "、".join(InstitutionKind.labels), "级别": "、".join(Level.labels) + "；不能高于所属单位",
        "认可": "是/否：是否为干部教育培训管理部门认可的培训机构", "所属单位编码": "您管理范围内的单位编码（见“组织机构”）",
        "三学院三基地": "是/否；可不填此列（不填则保持原值）",
        "容纳人数": "整数；可不填此列", "联系人": "可不填此列", "联系电话": "可不填此列", "地址": "可不填此列",
        "标签": "以、分隔，如 省级党性教育基地、现场教学基地（见“数据字典”的机构标签）；可不填此列", "简介": "可不填此列",
    }))
