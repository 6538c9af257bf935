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
from datetime import date


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


# --- teachers (师资库) and courses (课程库) ------------------------------------------------------------------

from ganxun.core.choices import ContentCategory, TeacherKind, TeachingMethod  # noqa: E402
from ganxun.core.parsing import parse_date  # noqa: E402
from ganxun.resources import course_services, teacher_services  # noqa: E402
from ganxun.resources.columns import (COURSE_COLUMNS, COURSE_EXTRA, COURSE_REQUIRED, TEACHER_COLUMNS,  # noqa: E402
                                      TEACHER_REQUIRED)
from ganxun.resources.models import Course, Teacher, TeacherStatus, split_list  # noqa: E402
from ganxun.resources.selectors import (can_edit_library_item, can_write_library, courses_visible_to,  # noqa: E402
                                        dictionary_entries, teachers_visible_to)

LIBRARY_OUT_OF_SCOPE = "{label} {code} 不在您的管理范围内"


class _LibraryContext:
    """The rows' lookups, loaded once for the whole file: existing entries, the visible institutions and orgs."""

    def __init__(self, acting_user, table: Table, model, visible_qs, code_column: str):
        self.acting_user = acting_user
        self.scope = scope_of(acting_user)
        codes = {cell_text(r.get(code_column)) for r in table.rows} - {""}
        # an institution's staff may leave 所属机构编码 empty: their own
        inst_codes = ({cell_text(r.get("所属机构编码")) for r in table.rows} | set(self.scope.institution_codes)) - {""}
        org_codes = {cell_text(r.get("所属单位编码")) for r in table.rows} - {""}
        self.by_code, self.visible = {}, set()
        existing = _select_holders(model.objects.all())
        for chunk in in_chunks(codes):
            self.by_code.update({i.code: i for i in existing.filter(code__in=chunk)})
            self.visible.update(visible_qs.filter(code__in=chunk).values_list("code", flat=True))
        self.institutions, self.orgs = {}, {}
        for chunk in in_chunks(inst_codes):
            self.institutions.update({i.code: i for i in institutions_visible_to(acting_user).filter(code__in=chunk)})
        for chunk in in_chunks(org_codes):
            self.orgs.update({o.code: o for o in orgs_visible_to(acting_user).filter(code__in=chunk)})


def _select_holders(qs):
    return qs.select_related("institution", "institution__owner_org", "owner_org")


def _holder_values(table: Table, row, existing) -> dict:
    """所属机构编码 / 所属单位编码 as the checks take them; columns left out (or both empty on a row that exists
    already) keep the stored library."""
    values = {}
    if table.has("所属机构编码"):
        values["institution_code"] = cell_text(row.get("所属机构编码"))
    if table.has("所属单位编码"):
        values["owner_org_code"] = cell_text(row.get("所属单位编码"))
    if existing is not None and not any(values.values()):
        return {}
    if values:
        values.setdefault("institution_code", "")
        values.setdefault("owner_org_code", "")
    return values


def _read_only_row(ctx, existing, label: str, code: str, errs: list) -> bool:
    """True when the row names an entry the user may not change: refused unless it is visible (the check of
    "unchanged" follows)."""
    if can_edit_library_item(ctx.acting_user, existing):
        return False
    if code not in ctx.visible:
        errs.append((f"{label}编码", LIBRARY_OUT_OF_SCOPE.format(label=label + "编码", code=code)))
    return True


def import_teachers(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    """Create and update teachers from ``table``; all rows or none. Raises ``ImportRejected``."""
    if not can_write_library(acting_user):
        raise PermissionDenied(teacher_services.WRITE_DENIED)
    table.require_columns(TEACHER_COLUMNS, TEACHER_REQUIRED)
    ctx = _LibraryContext(acting_user, table, Teacher, teachers_visible_to(acting_user), "教师编码")
    person_codes = {cell_text(r.get("人员编码")) for r in table.rows} - {""}
    from ganxun.cadres.selectors import cadres_visible_to

    cadres = {}
    for chunk in in_chunks(person_codes):
        cadres.update({c.person_code: c for c in cadres_visible_to(acting_user).filter(person_code__in=chunk)})
    lookups = teacher_services.TeacherLookups(find_institution=ctx.institutions.get, find_org=ctx.orgs.get,
                                              find_cadre=cadres.get,
                                              titles=list(dictionary_entries(teacher_services.TITLE_DOMAIN)))
    seen: dict[str, int] = {}
    resolved, errors = check_rows(table, lambda row, errs: _check_teacher_row(ctx, lookups, table, row, errs, seen))
    reject_errors(errors, table, TEACHER_COLUMNS)
    report = ImportReport(kind="teachers", source=table.source, dry_run=dry_run)
    for r in resolved:
        changes = [] if r.action != "updated" else [teacher_services.LABELS.get(f, f) for f in r.change["after"]]
        report.add(ReportRow(r.number, r.action, r.institution.code, r.institution.name, changes))
    if dry_run:
        return report
    with conflicts_rejected(table, "导入期间数据已被他人修改（教师编码重复），未导入任何数据，请重新导入"):
        teacher_services.teacher_upsert_many(
            acting_user=acting_user, report=report,
            created=[(r.institution, r.change) for r in resolved if r.action == "created"],
            updated=[(r.institution, r.change) for r in resolved if r.action == "updated"])
    return report


TEACHER_COLUMN_OF = {"code": "教师编码", "name": "姓名", "kind": "教师类型", "institution": "所属机构编码",
                     "owner_org": "所属单位编码", "title": "职称", "subjects": "擅长专题", "cadre": "人员编码"}
TEACHER_TEXT_COLUMNS = {"职称": "title", "擅长专题": "subjects", "人员编码": "person_code"}
STATUS_CHOICES = TeacherStatus.choices


def _check_teacher_row(ctx, lookups, table: Table, row, errs: list, seen: dict):
    n = row.number
    code = cell_text(row.get("教师编码"))
    if code:
        if code in seen:
            errs.append(("教师编码", f"教师编码 {code} 与第 {seen[code]} 行重复"))
            return None
        seen[code] = n
    existing = ctx.by_code.get(code) if code else None
    values: dict = {"code": code, "name": cell_text(row.get("姓名"))}
    try:
        values["kind"] = parse_choice(row.get("教师类型"), TeacherKind.choices)
    except ValueError as exc:
        errs.append(("教师类型", str(exc)))
        values["kind"] = ""
    values.update(_holder_values(table, row, existing))
    for column, key in TEACHER_TEXT_COLUMNS.items():
        if table.has(column):
            values[key] = cell_text(row.get(column))
    status = existing.status if existing is not None else TeacherStatus.PENDING
    admitted_on = existing.admitted_on if existing is not None else None
    if table.has("入库日期"):
        try:
            admitted_on = parse_date(row.get("入库日期"))
        except ValueError as exc:
            errs.append(("入库日期", str(exc)))
        if existing is None and admitted_on is not None:
            status = TeacherStatus.ACTIVE
    if table.has("状态") and cell_text(row.get("状态")):
        try:
            status = parse_choice(row.get("状态"), STATUS_CHOICES)
        except ValueError as exc:
            errs.append(("状态", str(exc)))
    if status == TeacherStatus.ACTIVE and admitted_on is None and not errs:
        errs.append(("入库日期", "状态为在库时不能为空"))

    if existing is not None and _read_only_row(ctx, existing, "教师", code, errs):
        if errs:
            return None
        probe, problems = teacher_services.check_teacher(ctx.acting_user, values, existing=existing, lookups=lookups)
        before = teacher_services.snapshot(existing)
        if problems or _teacher_would_change(existing, probe, status, admitted_on):
            errs.append(("教师编码", f"教师编码 {code}：{teacher_services.READ_ONLY}"))
            return None
        return _Resolved(n, existing, "unchanged", {"before": before})

    out, problems = teacher_services.check_teacher(ctx.acting_user, values, existing=existing, lookups=lookups)
    flagged = {column for column, _ in errs}
    for f, message in problems:
        column = TEACHER_COLUMN_OF.get(f, f)
        if column not in flagged:
            errs.append((column, message))
    if existing is None and code and not errs and code in ctx.by_code:
        errs.append(("教师编码", teacher_services.CODE_TAKEN.format(code=code)))
    if errs:
        return None
    if existing is None:
        teacher = Teacher(**out, status=status, admitted_on=admitted_on if status != TeacherStatus.PENDING else None)
        if status == TeacherStatus.EXITED:
            teacher.exited_on, teacher.exit_reason = date.today(), "批量导入"
        return _Resolved(n, teacher, "created", {"after": teacher_services.snapshot(teacher)})
    before = teacher_services.snapshot(existing)
    for key, value in out.items():
        setattr(existing, key, value)
    if status == TeacherStatus.EXITED and existing.status != TeacherStatus.EXITED:
        existing.exited_on, existing.exit_reason = date.today(), "批量导入"
    elif status != TeacherStatus.EXITED:
        existing.exited_on, existing.exit_reason = None, ""
    existing.status, existing.admitted_on = status, admitted_on
    change = diff(before, teacher_services.snapshot(existing))
    if not change["after"]:
        return _Resolved(n, existing, "unchanged")
    return _Resolved(n, existing, "updated", change)


def _teacher_would_change(existing, out: dict, status, admitted_on) -> bool:
    if status != existing.status or admitted_on != existing.admitted_on:
        return True
    return any(getattr(existing, key) != value for key, value in out.items())


def import_courses(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    """Create and update courses from ``table``; all rows or none. A changed content makes a new version."""
    if not can_write_library(acting_user):
        raise PermissionDenied(course_services.WRITE_DENIED)
    table.require_columns([*COURSE_COLUMNS, *COURSE_EXTRA], COURSE_REQUIRED)
    ctx = _LibraryContext(acting_user, table, Course, courses_visible_to(acting_user), "课程编码")
    teacher_codes = set()
    for r in table.rows:
        teacher_codes.update(split_list(cell_text(r.get("授课教师编码"))))
    teachers = {}
    for chunk in in_chunks(teacher_codes):
        teachers.update({t.code: t for t in teachers_visible_to(acting_user).filter(code__in=chunk)})
    lookups = course_services.CourseLookups(
        find_institution=ctx.institutions.get, find_org=ctx.orgs.get,
        find_teachers=lambda codes: {c: teachers[c] for c in codes if c in teachers})
    seen: dict[str, int] = {}
    resolved, errors = check_rows(table, lambda row, errs: _check_course_row(ctx, lookups, table, row, errs, seen))
    reject_errors(errors, table, [*COURSE_COLUMNS, *COURSE_EXTRA])
    report = ImportReport(kind="courses", source=table.source, dry_run=dry_run)
    for r in resolved:
        report.add(ReportRow(r.number, r.action, r.institution.code, r.institution.name, r.change.get("labels", [])))
    if dry_run:
        return report
    with conflicts_rejected(table, "导入期间数据已被他人修改（课程编码重复），未导入任何数据，请重新导入"):
        course_services.course_upsert_many(
            acting_user=acting_user, report=report,
            created=[(r.institution, r.change["teachers"], {}) for r in resolved if r.action == "created"],
            updated=[(r.institution, r.change["out"], r.change["teachers"]) for r in resolved
                     if r.action == "updated"])
    return report


COURSE_COLUMN_OF = {"code": "课程编码", "name": "课程名称", "category": "内容类别", "method": "教学方法", "hours": "学时",
                    "teachers": "授课教师编码", "featured": "精品课程", "institution": "所属机构编码",
                    "owner_org": "所属单位编码"}


def _check_course_row(ctx, lookups, table: Table, row, errs: list, seen: dict):
    n = row.number
    code = cell_text(row.get("课程编码"))
    if code:
        if code in seen:
            errs.append(("课程编码", f"课程编码 {code} 与第 {seen[code]} 行重复"))
            return None
        seen[code] = n
    existing = ctx.by_code.get(code) if code else None
    values = {"code": code, "name": cell_text(row.get("课程名称")), "category": cell_text(row.get("内容类别")),
              "method": cell_text(row.get("教学方法")), "hours": cell_text(row.get("学时"))}
    if table.has("授课教师编码"):
        values["teachers"] = cell_text(row.get("授课教师编码"))
    if table.has("精品课程"):
        values["featured"] = cell_text(row.get("精品课程")) or "否"
    values.update(_holder_values(table, row, existing))
    read_only = existing is not None and _read_only_row(ctx, existing, "课程", code, errs)
    if errs:
        return None
    out, teachers, problems = course_services.check_course(ctx.acting_user, values, existing=existing,
                                                           lookups=lookups)
    for f, message in problems:
        errs.append((COURSE_COLUMN_OF.get(f, f), message))
    if existing is None and code and not errs and code in ctx.by_code:
        errs.append(("课程编码", course_services.CODE_TAKEN.format(code=code)))
    if errs:
        return None
    if existing is None:
        return _Resolved(n, Course(**out), "created", {"teachers": teachers or []})
    labels = course_services.course_would_change(existing, out, teachers)
    if not labels:
        return _Resolved(n, existing, "unchanged")
    if read_only:
        errs.append(("课程编码", f"课程编码 {code}：{course_services.READ_ONLY}"))
        return None
    return _Resolved(n, existing, "updated", {"out": out, "teachers": teachers, "labels": labels})


register_import(ImportKind(
    key="teachers", label="师资", columns=tuple(TEACHER_COLUMNS), required=tuple(TEACHER_REQUIRED),
    key_column="教师编码", run=import_teachers, allowed=can_write_library,
    list_url="resources:teachers", list_label="查看师资库", order=32,
    example=lambda user: ["JS0001", "王明", "兼职", (scope_of(user).institution_codes or ("DX4199",))[0], "", "副教授",
                          "习近平新时代中国特色社会主义思想、党史", "", "2024-03-01", "在库"],
    help={
        "教师编码": "唯一编码，不超过 32 个字符", "姓名": "不超过 50 个字", "教师类型": "、".join(TeacherKind.labels),
        "所属机构编码": "教师所在培训机构的机构编码；与所属单位编码二选一（机构工作人员可不填，即本机构）",
        "所属单位编码": "单位自己的师资库所属单位编码；与所属机构编码二选一",
        "职称": "数据字典“职称”中启用的一项，如 教授、副教授、讲师；可不填",
        "擅长专题": "多个以、分隔", "人员编码": "领导干部、退休干部教师可填本人的人员编码（您管理范围内），关联干部档案",
        "入库日期": "YYYY-MM-DD；填写且未填状态时为在库", "状态": "、".join(TeacherStatus.labels) + "；可不填",
    }))

register_import(ImportKind(
    key="courses", label="课程", columns=(*COURSE_COLUMNS, *COURSE_EXTRA), required=tuple(COURSE_REQUIRED),
    key_column="课程编码", run=import_courses, allowed=can_write_library,
    list_url="resources:courses", list_label="查看课程库", order=34,
    example=lambda user: ["KC0001", "新时代党的建设总要求", "理论教育", "讲授式", 3, "JS0001", "否",
                          (scope_of(user).institution_codes or ("DX4199",))[0], ""],
    help={
        "课程编码": "唯一编码，不超过 32 个字符", "课程名称": "不超过 100 个字", "内容类别": "、".join(ContentCategory.labels),
        "教学方法": "、".join(TeachingMethod.labels), "学时": "大于 0，最多一位小数，如 3 或 1.5",
        "授课教师编码": "师资库中的教师编码，多个以、或 , 分隔", "精品课程": "是/否",
        "所属机构编码": "课程所属培训机构的机构编码（机构工作人员可不填，即本机构）",
        "所属单位编码": "可不填此列；单位自己的课程库所属单位编码，与所属机构编码二选一",
    }))
