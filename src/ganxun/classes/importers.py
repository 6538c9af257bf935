"""Importing classes, their timetables and their trainees (interfaces.md: classes, sessions, enrolments).

Each import checks every row first (with the same checks as the pages' forms), lists every bad row, and writes
a clean file in one transaction through ``classes.services``; re-importing a file, or our own export, changes
nothing. Rows may only touch classes the user may write (``selectors.may_write_class``): the organiser's
organisation department, or the host institution's staff.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from ganxun.audit.events import diff
from ganxun.cadres.selectors import all_cadres_unscoped, cadres_by_id_numbers, cadres_visible_to
from ganxun.classes.columns import (CLASS_COLUMNS, CLASS_REQUIRED, ENROLMENT_COLUMNS, ENROLMENT_REQUIRED,
                                    SESSION_COLUMNS, SESSION_REQUIRED)
from ganxun.classes.models import AttendanceStatus, ClassSession, EnrolmentStatus, TrainingClass
from ganxun.classes.running import Mark, attendance_upsert_many
from ganxun.classes.selectors import all_classes_unscoped, can_write_classes, classes_visible_to, may_write_class
from ganxun.classes.services import (LABELS, SESSION_FIELDS, SESSION_LABELS, WRITE_DENIED, EnrolmentChange,
                                     check_class_values, check_session_values, class_upsert_many,
                                     enrolment_upsert_many, parse_hours, session_snapshot, session_upsert_many,
                                     slot_order_of, snapshot, writer_problems)
from ganxun.core.choices import ClassKind, ContentCategory, TeacherKind, TeachingMethod
from ganxun.core.dataio import ImportKind, register_import
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.core.idnumbers import InvalidIdNumber, mask_id_number, normalise_id_number
from ganxun.core.lookups import in_chunks
from ganxun.core.parsing import cell_text, is_blank, parse_bool, parse_choice, parse_date
from ganxun.core.roles import Role, role_of
from ganxun.core.tabular import (ImportRejected, ImportReport, ReportRow, RowError, Table, check_rows,
                                 conflicts_rejected, reject_errors)
from ganxun.orgs.selectors import all_orgs_unscoped, orgs_visible_to, scope_of
from ganxun.resources.selectors import institutions_visible_to

CLASS_KINDS, CATEGORIES = ClassKind.choices, ContentCategory.choices
TEACHER_KINDS, METHODS = TeacherKind.choices, TeachingMethod.choices
UNKNOWN_CLASS = "班次编码 {code} 不存在或不在您的管理范围内（请先导入班次）"
NOT_YOURS = "班次 {code} 不能由您修改（只有主办单位所在组织部门或承办机构可以修改）"
CLOSED = "班次 {code} 已结班，不能再修改课表或学员"


def _classes_by_code(user, codes: set[str]) -> tuple[dict[str, TrainingClass], set[str]]:
    """The classes the rows name (any, for the exists check) and the codes of those the user sees."""
    by_code: dict[str, TrainingClass] = {}
    visible: set[str] = set()
    existing = all_classes_unscoped().select_related("organiser", "institution", "institution__owner_org")
    seen = classes_visible_to(user)
    for chunk in in_chunks(codes):
        by_code.update({c.code: c for c in existing.filter(code__in=chunk)})
        visible.update(seen.filter(code__in=chunk).values_list("code", flat=True))
    return by_code, visible


def _writable_class(ctx, code: str, errs: list, column: str = "班次编码") -> TrainingClass | None:
    tc = ctx.classes.get(code)
    if not code:
        errs.append((column, "不能为空"))
        return None
    if tc is None or code not in ctx.visible:
        errs.append((column, UNKNOWN_CLASS.format(code=code)))
        return None
    if not may_write_class(ctx.user, tc):
        errs.append((column, NOT_YOURS.format(code=code)))
        return None
    if tc.is_closed:
        errs.append((column, CLOSED.format(code=code)))
        return None
    return tc


@contextmanager
def refused_as_import(table):
    """A service's refusal while a checked file is written (the quota filled meanwhile, the class closed): the
    whole import is refused with the service's own words, and nothing is written."""
    try:
        yield
    except DomainError as exc:
        raise ImportRejected(errors=[RowError(0, "", exc.message)], source=table.source) from None


def _may_import(user, table: Table, columns, required) -> None:
    if not can_write_classes(user):
        raise PermissionDenied(WRITE_DENIED)
    table.require_columns(columns, required)


def _resolve(kind: str, table: Table, columns, dry_run: bool, check_row) -> tuple[ImportReport, list]:
    """Every row checked (``check_row(row, errs, seen)``), every error refused at once, and the report of
    what the file would change: what each import of classes does before it writes."""
    seen: dict = {}
    resolved, errors = check_rows(table, lambda row, errs: check_row(row, errs, seen))
    reject_errors(errors, table, columns)
    report = ImportReport(kind=kind, source=table.source, dry_run=dry_run)
    for r in resolved:
        report.add(ReportRow(r.number, r.action, r.key, r.label, r.changes))
    return report, resolved


# ---- classes ---------------------------------------------------------------------------------------------

@dataclass
class _Resolved:
    number: int
    action: str
    key: str
    label: str
    obj: object
    change: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)


class _ClassContext:
    def __init__(self, user, table: Table):
        self.user = user
        self.scope = scope_of(user)
        codes = {cell_text(r.get("班次编码")) for r in table.rows} - {""}
        self.classes, self.visible = _classes_by_code(user, codes)
        org_codes = {cell_text(r.get("主办单位编码")) for r in table.rows} - {""}
        # An institution's staff name the department that organises the class; an org department its own units.
        orgs = all_orgs_unscoped() if role_of(user) == Role.INSTITUTION else orgs_visible_to(user)
        self.orgs = {}
        for chunk in in_chunks(org_codes):
            self.orgs.update({o.code: o for o in orgs.filter(code__in=chunk)})
        inst_codes = {cell_text(r.get("承办机构编码")) for r in table.rows} - {""}
        self.institutions = {}
        for chunk in in_chunks(inst_codes):
            self.institutions.update({i.code: i for i in institutions_visible_to(user).filter(code__in=chunk)})


def import_classes(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    _may_import(acting_user, table, CLASS_COLUMNS, CLASS_REQUIRED)
    ctx = _ClassContext(acting_user, table)
    report, resolved = _resolve("classes", table, CLASS_COLUMNS, dry_run,
                                lambda row, errs, seen: _check_class_row(ctx, table, row, errs, seen))
    if dry_run:
        return report
    with conflicts_rejected(table, "导入期间班次已被他人修改（班次编码重复），未导入任何数据，请重新导入"):
        class_upsert_many(acting_user=acting_user, report=report,
                          created=[(r.obj, r.change) for r in resolved if r.action == "created"],
                          updated=[(r.obj, r.change) for r in resolved if r.action == "updated"])
    return report


def _check_class_row(ctx: _ClassContext, table: Table, row, errs: list, seen: dict) -> _Resolved | None:
    code = cell_text(row.get("班次编码"))
    if code:
        if code in seen:
            errs.append(("班次编码", f"班次编码 {code} 与第 {seen[code]} 行重复"))
            return None
        seen[code] = row.number
    existing = ctx.classes.get(code) if code else None
    if existing is not None:
        if code not in ctx.visible:
            errs.append(("班次编码", f"班次编码 {code} 已被其他单位使用"))
            return None
        if not may_write_class(ctx.user, existing):
            errs.append(("班次编码", NOT_YOURS.format(code=code)))
            return None
    values: dict = {"code": code, "name": cell_text(row.get("班次名称"))}
    for column, key, choices, required in (("班次类型", "kind", CLASS_KINDS, True),
                                           ("内容类别", "content_category", CATEGORIES, False)):
        try:
            values[key] = parse_choice(row.get(column), choices, required=required)
        except ValueError as exc:
            errs.append((column, str(exc)))
    for column, key in (("开始日期", "start_date"), ("结束日期", "end_date")):
        try:
            values[key] = parse_date(row.get(column))
        except ValueError as exc:
            errs.append((column, str(exc)))
            values[key] = None
    kind = values.get("kind")
    try:
        values["full_time"] = parse_bool(row.get("脱产"), default=kind not in (ClassKind.IN_SERVICE, ClassKind.ONLINE))
    except ValueError as exc:
        errs.append(("脱产", str(exc)))
    try:
        values["is_system_training"] = parse_bool(row.get("系统培训"))
    except ValueError as exc:
        errs.append(("系统培训", str(exc)))
    quota = row.get("名额")
    if is_blank(quota):
        values["quota"] = None
    else:
        text = cell_text(quota)
        if text.isdigit():
            values["quota"] = int(text)
        else:
            errs.append(("名额", f"应为正整数或留空（不限），而不是“{text[:20]}”"))
    if table.has("培训对象"):
        values["audience"] = cell_text(row.get("培训对象"))[:300]
    organiser_code = cell_text(row.get("主办单位编码"))
    values["organiser"] = ctx.orgs.get(organiser_code)
    if organiser_code and values["organiser"] is None:
        errs.append(("主办单位编码", f"单位编码 {organiser_code} 不存在或不在您的管理范围内"))
    inst_code = cell_text(row.get("承办机构编码"))
    values["institution"] = ctx.institutions.get(inst_code) if inst_code else None
    if inst_code and values["institution"] is None:
        errs.append(("承办机构编码", f"机构编码 {inst_code} 不存在或不在您的查看范围内"))
    flagged = {c for c, _ in errs}
    for f, message in check_class_values(values, existing=existing) + writer_problems(
            ctx.user, values["organiser"], values["institution"]):
        column = LABELS.get(f, f)
        if column not in flagged and not (f == "organiser" and organiser_code and values["organiser"] is None):
            errs.append((column, message))
    if errs:
        return None
    fields = {k: v for k, v in values.items() if k != "code"}
    if existing is None:
        tc = TrainingClass(**values)
        return _Resolved(row.number, "created", code, tc.name, tc, {"after": snapshot(tc)})
    before = snapshot(existing)
    for key, value in fields.items():
        setattr(existing, key, value)
    change = diff(before, snapshot(existing))
    if not change["after"]:
        return _Resolved(row.number, "unchanged", code, existing.name, existing)
    if existing.is_closed:
        errs.append(("班次编码", CLOSED.format(code=code)))
        return None
    return _Resolved(row.number, "updated", code, existing.name, existing, change,
                     [LABELS.get(f, f) for f in change["after"]])


# ---- sessions --------------------------------------------------------------------------------------------

class _SessionContext:
    def __init__(self, user, table: Table):
        self.user = user
        codes = {cell_text(r.get("班次编码")) for r in table.rows} - {""}
        self.classes, self.visible = _classes_by_code(user, codes)
        self.existing: dict[tuple[int, date, str], ClassSession] = {}
        ids = [c.pk for c in self.classes.values()]
        for chunk in in_chunks(ids):
            for s in ClassSession.objects.filter(training_class_id__in=chunk):
                self.existing[(s.training_class_id, s.date, s.slot)] = s


def import_sessions(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    _may_import(acting_user, table, SESSION_COLUMNS, SESSION_REQUIRED)
    ctx = _SessionContext(acting_user, table)
    report, resolved = _resolve("sessions", table, SESSION_COLUMNS, dry_run,
                                lambda row, errs, seen: _check_session_row(ctx, row, errs, seen))
    if dry_run:
        return report
    with conflicts_rejected(table, "导入期间课表已被他人修改（同一班次同一时段重复），未导入任何数据，请重新导入"):
        session_upsert_many(acting_user=acting_user, report=report,
                            created=[r.obj for r in resolved if r.action == "created"],
                            updated=[(r.obj, r.change) for r in resolved if r.action == "updated"])
    return report


def _slot_text(value) -> str:
    text = cell_text(value)
    return {"第1节": "1", "第2节": "2", "第3节": "3"}.get(text, text)


def _check_session_row(ctx: _SessionContext, row, errs: list, seen: dict) -> _Resolved | None:
    code = cell_text(row.get("班次编码"))
    tc = _writable_class(ctx, code, errs)
    values: dict = {"slot": _slot_text(row.get("节次")), "course_name": cell_text(row.get("课程名称")),
                    "teacher_name": cell_text(row.get("教师"))}
    try:
        values["date"] = parse_date(row.get("日期"))
    except ValueError as exc:
        errs.append(("日期", str(exc)))
        values["date"] = None
    for column, key, choices, required, default in (
            ("教师类型", "teacher_kind", TEACHER_KINDS, False, ""),
            ("内容类别", "content_category", CATEGORIES, True, ""),
            ("教学方法", "method", METHODS, False, TeachingMethod.LECTURE)):
        try:
            values[key] = parse_choice(row.get(column), choices, required=required, default=default)
        except ValueError as exc:
            errs.append((column, str(exc)))
    raw_hours = row.get("学时")
    values["hours"] = parse_hours(cell_text(raw_hours))
    if values["hours"] is None:
        errs.append(("学时", f"应为数字，如 3 或 1.5，而不是“{cell_text(raw_hours)[:20]}”"))
    try:
        values["is_party_spirit_analysis"] = parse_bool(row.get("党性分析"))
    except ValueError as exc:
        errs.append(("党性分析", str(exc)))
    if tc is None:
        return None
    flagged = {c for c, _ in errs}
    for f, message in check_session_values(tc, values):
        column = SESSION_LABELS.get(f, f)
        if column not in flagged:
            errs.append((column, message))
    if errs:
        return None
    key = (tc.pk, values["date"], values["slot"])
    if key in seen:
        errs.append(("节次", f"{values['date']:%Y-%m-%d} {values['slot']} 与第 {seen[key]} 行重复"))
        return None
    seen[key] = row.number
    label = f"{values['date']:%Y-%m-%d} {values['slot']} {values['course_name']}"
    existing = ctx.existing.get(key)
    if existing is None:
        session = ClassSession(training_class=tc, slot_order=slot_order_of(values["slot"]), **values)
        return _Resolved(row.number, "created", code, label, session)
    before = session_snapshot(existing)
    for f in SESSION_FIELDS:
        if f in values:
            setattr(existing, f, values[f])
    existing.training_class = tc
    change = diff(before, session_snapshot(existing))
    if not change["after"]:
        return _Resolved(row.number, "unchanged", code, label, existing)
    return _Resolved(row.number, "updated", code, label, existing, change,
                     [SESSION_LABELS.get(f, f) for f in change["after"]])


# ---- enrolments ------------------------------------------------------------------------------------------

class _EnrolmentContext:
    def __init__(self, user, table: Table):
        self.user = user
        codes = {cell_text(r.get("班次编码")) for r in table.rows} - {""}
        self.classes, self.visible = _classes_by_code(user, codes)
        person_codes = {cell_text(r.get("人员编码")) for r in table.rows} - {""}
        ids = set()
        for r in table.rows:
            try:
                if not is_blank(r.get("身份证号")) and "*" not in cell_text(r.get("身份证号")):
                    ids.add(normalise_id_number(r.get("身份证号")))
            except InvalidIdNumber:
                pass
        # An org department enrols the cadres of its scope; a host institution any cadre it can name exactly
        # (人员编码 or 身份证号, and the 姓名 must agree): it has no registry of its own.
        cadres = (all_cadres_unscoped() if role_of(user) == Role.INSTITUTION else cadres_visible_to(user)
                  ).select_related(None).only("id", "person_code", "id_hash", "name", "org_id")
        self.by_code, self.by_id = {}, {}
        for chunk in in_chunks(person_codes):
            self.by_code.update({c.person_code: c for c in cadres.filter(person_code__in=chunk)})
        for chunk in in_chunks(ids):
            self.by_id.update(cadres_by_id_numbers(cadres, chunk))
        self.enrolments = {}
        for chunk in in_chunks([c.pk for c in self.classes.values()]):
            from ganxun.classes.models import Enrolment

            for e in Enrolment.objects.filter(training_class_id__in=chunk):
                self.enrolments[(e.training_class_id, e.cadre_id)] = e
        self.added: dict[int, int] = {}   # new places each class takes in this file


def import_enrolments(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    _may_import(acting_user, table, ENROLMENT_COLUMNS, ENROLMENT_REQUIRED)
    if not (table.has("人员编码") or table.has("身份证号")):
        raise ImportRejected(errors=[RowError(0, "人员编码", "缺少必需的列：人员编码 和 身份证号 至少要有一列")],
                             source=table.source)
    ctx = _EnrolmentContext(acting_user, table)
    report, resolved = _resolve("enrolments", table, ENROLMENT_COLUMNS, dry_run,
                                lambda row, errs, seen: _check_enrolment_row(ctx, row, errs, seen))
    if dry_run:
        return report
    changes = [r.obj for r in resolved if r.action != "unchanged"]
    with conflicts_rejected(table, "导入期间学员已被他人修改，未导入任何数据，请重新导入"), refused_as_import(table):
        enrolment_upsert_many(acting_user=acting_user, report=report, changes=changes)
    return report


def _check_enrolment_row(ctx: _EnrolmentContext, row, errs: list, seen: dict) -> _Resolved | None:
    code = cell_text(row.get("班次编码"))
    tc = _writable_class(ctx, code, errs)
    person_code, name = cell_text(row.get("人员编码")), cell_text(row.get("姓名"))
    raw_id = row.get("身份证号")
    cadre = None
    if person_code:
        cadre = ctx.by_code.get(person_code)
        if cadre is None:
            errs.append(("人员编码", f"人员编码 {person_code} 不存在或不在您的管理范围内"))
    elif not is_blank(raw_id):
        try:
            id_number = normalise_id_number(raw_id)
        except InvalidIdNumber as exc:
            errs.append(("身份证号", str(exc)))
        else:
            cadre = ctx.by_id.get(id_number)
            if cadre is None:
                errs.append(("身份证号", f"身份证号 {mask_id_number(id_number)} 的干部不存在或不在您的管理范围内"))
    else:
        errs.append(("人员编码", "人员编码 和 身份证号 至少填一项"))
    if cadre is not None and name != cadre.name:
        # an institution's staff name trainees they cannot look up: the registry's name is not told back
        errs.append(("姓名", "与干部名册不一致" if role_of(ctx.user) == Role.INSTITUTION
                     else f"与干部名册不一致（名册为“{cadre.name}”）"))
    completed = None
    if not is_blank(row.get("结业")):
        try:
            completed = parse_bool(row.get("结业"))
        except ValueError as exc:
            errs.append(("结业", str(exc)))
    if tc is None or cadre is None or errs:
        return None
    key = (tc.pk, cadre.pk)
    if key in seen:
        errs.append(("人员编码", f"{cadre.name}（{cadre.person_code}）与第 {seen[key]} 行重复"))
        return None
    seen[key] = row.number
    enrolment = ctx.enrolments.get(key)
    label = f"{cadre.name}（{cadre.person_code}）"
    if enrolment is not None and enrolment.status not in (EnrolmentStatus.ENROLLED,):
        if completed:
            errs.append(("结业", f"学员状态为「{EnrolmentStatus(enrolment.status).label}」，不能结业"))
            return None
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        ctx.added[tc.pk] = ctx.added.get(tc.pk, 0) + 1
        if tc.quota is not None:
            taken = sum(1 for (cid, _), e in ctx.enrolments.items() if cid == tc.pk
                        and e.status == EnrolmentStatus.ENROLLED)
            if taken + ctx.added[tc.pk] > tc.quota:
                errs.append(("班次编码", f"班次 {tc.code} 名额 {tc.quota} 人已满（已有 {taken} 人在读）"))
                return None
        changes = ["报名"] + (["结业"] if completed else [])
        return _Resolved(row.number, "created", code, label, EnrolmentChange(tc, cadre, enrolment, completed),
                         changes=changes)
    if completed is None or completed == enrolment.completed:
        return _Resolved(row.number, "unchanged", code, label, None)
    return _Resolved(row.number, "updated", code, label, EnrolmentChange(tc, cadre, enrolment, completed),
                     changes=["结业" if completed else "取消结业"])


# ---- attendance (our extension: the roll of a class in a spreadsheet) --------------------------------------

ATTENDANCE_COLUMNS = ["班次编码", "人员编码", "姓名", "日期", "节次", "考勤"]
ATTENDANCE_STATUSES = AttendanceStatus.choices


class _AttendanceContext:
    def __init__(self, user, table: Table):
        self.user = user
        codes = {cell_text(r.get("班次编码")) for r in table.rows} - {""}
        self.classes, self.visible = _classes_by_code(user, codes)
        ids = [c.pk for c in self.classes.values()]
        self.sessions: dict[tuple, ClassSession] = {}
        self.trainees: dict[tuple, object] = {}
        self.marks: dict[tuple, str] = {}
        from ganxun.classes.models import Attendance, Enrolment

        for chunk in in_chunks(ids):
            for s in ClassSession.objects.filter(training_class_id__in=chunk):
                self.sessions[(s.training_class_id, s.date, s.slot)] = s
            for e in Enrolment.objects.filter(training_class_id__in=chunk).select_related("cadre"):
                self.trainees[(e.training_class_id, e.cadre.person_code)] = e
            for a in Attendance.objects.filter(session__training_class_id__in=chunk):
                self.marks[(a.enrolment_id, a.session_id)] = a.status


def import_attendance(*, acting_user, table: Table, dry_run: bool = False) -> ImportReport:
    _may_import(acting_user, table, ATTENDANCE_COLUMNS, ATTENDANCE_COLUMNS)
    ctx = _AttendanceContext(acting_user, table)
    report, resolved = _resolve("attendance", table, ATTENDANCE_COLUMNS, dry_run,
                                lambda row, errs, seen: _check_attendance_row(ctx, row, errs, seen))
    if dry_run:
        return report
    by_class: dict[str, list] = {}
    for r in resolved:
        if r.action != "unchanged":
            by_class.setdefault(r.key, []).append(r.obj)
    with refused_as_import(table):
        attendance_upsert_many(acting_user=acting_user, report=report, marks_by_class=by_class)
    return report


def _check_attendance_row(ctx: _AttendanceContext, row, errs: list, seen: dict) -> _Resolved | None:
    code = cell_text(row.get("班次编码"))
    tc = _writable_class(ctx, code, errs)
    person_code, name = cell_text(row.get("人员编码")), cell_text(row.get("姓名"))
    try:
        day = parse_date(row.get("日期"))
    except ValueError as exc:
        errs.append(("日期", str(exc)))
        day = None
    slot = _slot_text(row.get("节次"))
    try:
        status = parse_choice(row.get("考勤"), ATTENDANCE_STATUSES)
    except ValueError as exc:
        errs.append(("考勤", str(exc)))
        status = None
    if tc is None:
        return None
    enrolment = ctx.trainees.get((tc.pk, person_code))
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        errs.append(("人员编码", f"{person_code or '（空）'} 不是班次 {code} 的在读学员"))
    elif enrolment.cadre.name != name:
        errs.append(("姓名", "与学员名单不一致"))
    session = ctx.sessions.get((tc.pk, day, slot)) if day else None
    if day and session is None:
        errs.append(("节次", f"班次 {code} 的课表中没有 {day:%Y-%m-%d} {slot} 的课"))
    if errs:
        return None
    key = (enrolment.pk, session.pk)
    if key in seen:
        errs.append(("节次", f"与第 {seen[key]} 行重复"))
        return None
    seen[key] = row.number
    label = f"{enrolment.cadre.name} {day:%Y-%m-%d} {slot}"
    before = ctx.marks.get(key)
    action = "created" if before is None else ("unchanged" if before == status else "updated")
    return _Resolved(row.number, action, code, label, Mark(enrolment.pk, session.pk, status),
                     changes=["考勤"] if action == "updated" else [])


# --- the registry of import kinds -------------------------------------------------------------------------

def _first_class(user):
    return classes_visible_to(user).filter(closed_at__isnull=True).first()


def class_example(user) -> list:
    org = orgs_visible_to(user).first()
    inst = institutions_visible_to(user).filter(kind="party_school").first()
    year = date.today().year
    return [f"BC{year}001", f"{year}年春季学期县处级干部进修班", "主体班", org.code if org else "单位编码",
            inst.code if inst else "", f"{year}-03-02", f"{year}-04-10", "是", "是", "党性教育", 60, "县处级领导干部"]


def session_example(user) -> list:
    tc = _first_class(user)
    return [tc.code if tc else "BC2026001", (tc.start_date if tc else date.today()).isoformat(), "上午",
            "习近平新时代中国特色社会主义思想概论", "张教授", "专职", "理论教育", "讲授式", 3, "否"]


def enrolment_example(user) -> list:
    tc = _first_class(user)
    cadre = cadres_visible_to(user).first()
    return [tc.code if tc else "BC2026001", cadre.person_code if cadre else "GB00000001", "",
            cadre.name if cadre else "姓名", "否", "在读"]


CLASS_HELP = {
    "班次编码": "唯一编码，不超过 32 个字母、数字或连字符，如 BC2026001", "班次名称": "不超过 200 个字",
    "班次类型": "、".join(ClassKind.labels), "主办单位编码": "主办班次的单位（组织部门等）的单位编码",
    "承办机构编码": "承办的培训机构编码（见“培训机构”）", "开始日期": "YYYY-MM-DD", "结束日期": "不早于开始日期",
    "脱产": "是/否；不填时在职培训、网络专题班为否，其余为是", "系统培训": "是/否：系统理论教育和严格党性教育",
    "内容类别": "、".join(ContentCategory.labels) + "；可不填", "名额": "正整数；不填表示不限", "培训对象": "可不填",
}
SESSION_HELP = {
    "班次编码": "已导入的班次", "日期": "在班次起止日期内", "节次": "上午、下午、晚上，或 1、2、3 …",
    "课程名称": "同名的课时算作一门课程", "教师": "授课教师姓名", "教师类型": "、".join(TeacherKind.labels),
    "内容类别": "、".join(ContentCategory.labels), "教学方法": "、".join(TeachingMethod.labels) + "；不填按讲授式",
    "学时": "大于 0，最多一位小数", "党性分析": "是/否：这节课是学员党性分析",
}
ENROLMENT_HELP = {
    "班次编码": "已导入的班次", "人员编码": "干部的人员编码（与身份证号至少填一项）", "身份证号": "18 位",
    "姓名": "须与干部名册一致", "结业": "是：结业并按班次计划学时记入学习档案；否：未结业（已结业的将取消结业）；不填：不变",
    "状态": "导出时附带，导入时忽略",
}

register_import(ImportKind(
    key="classes", label="培训班次", columns=tuple(CLASS_COLUMNS), required=tuple(CLASS_REQUIRED), key_column="班次编码",
    run=import_classes, allowed=can_write_classes, list_url="classes:list", list_label="查看培训班次",
    example=class_example, order=50, help=CLASS_HELP))
register_import(ImportKind(
    key="sessions", label="课程安排（课表）", columns=tuple(SESSION_COLUMNS), required=tuple(SESSION_REQUIRED),
    key_column="班次编码", run=import_sessions, allowed=can_write_classes, list_url="classes:list",
    list_label="查看培训班次", example=session_example, order=51, help=SESSION_HELP))
register_import(ImportKind(
    key="enrolments", label="学员报名", columns=tuple(ENROLMENT_COLUMNS), required=tuple(ENROLMENT_REQUIRED),
    key_column="班次编码", run=import_enrolments, allowed=can_write_classes, list_url="classes:list",
    list_label="查看培训班次", example=enrolment_example, order=52, help=ENROLMENT_HELP))
register_import(ImportKind(
    key="attendance", label="考勤", columns=tuple(ATTENDANCE_COLUMNS), required=tuple(ATTENDANCE_COLUMNS),
    key_column="班次编码", run=import_attendance, allowed=can_write_classes, list_url="classes:list",
    list_label="查看培训班次", order=53, example=lambda user: ["BC2026001", "GB00000001", "姓名", date.today().isoformat(),
                                                                "上午", "出勤"], help={
        "班次编码": "已导入的班次", "人员编码": "在读学员的人员编码", "姓名": "须与学员名单一致", "日期": "上课日期",
        "节次": "上午、下午、晚上，或 1、2、3 …", "考勤": "、".join(AttendanceStatus.labels)}))
