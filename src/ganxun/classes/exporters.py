"""Class exports: the classes a user sees, their timetables and their trainees, in the import's columns.

Every export is audited. The enrolments export masks 身份证号; it re-imports by 人员编码 unchanged.
"""

from __future__ import annotations

from ganxun.audit.events import EventType, record_event
from ganxun.classes.columns import (CLASS_COLUMNS, ENROLMENT_COLUMNS, SESSION_COLUMNS, class_row, enrolment_row,
                                    session_row)
from ganxun.classes.models import ClassSession
from ganxun.classes.selectors import classes_visible_to, enrolments_visible
from ganxun.core.dataio import ExportKind, register_export
from ganxun.core.xlsx import write_table


def _audit(user, kind: str, count: int, fmt: str, **extra) -> None:
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type=kind, subject_code=kind,
                 extra={"count": count, "format": fmt, **extra})


def export_classes(*, acting_user, fmt: str = "xlsx", target=None, classes=None) -> tuple[bytes | None, int]:
    classes = list(classes if classes is not None else classes_visible_to(acting_user))
    content = write_table(CLASS_COLUMNS, (class_row(c) for c in classes), fmt=fmt, sheet="培训班次", target=target)
    _audit(acting_user, "classes", len(classes), fmt)
    return content, len(classes)


def export_sessions(*, acting_user, fmt: str = "xlsx", target=None, classes=None) -> tuple[bytes | None, int]:
    classes = {c.pk: c.code for c in (classes if classes is not None else classes_visible_to(acting_user))}
    sessions = ClassSession.objects.filter(training_class_id__in=list(classes)).order_by(
        "training_class_id", "date", "slot_order", "slot")
    rows = [session_row(s, classes[s.training_class_id]) for s in sessions]
    content = write_table(SESSION_COLUMNS, rows, fmt=fmt, sheet="课程安排", target=target)
    _audit(acting_user, "sessions", len(rows), fmt)
    return content, len(rows)


def export_enrolments(*, acting_user, fmt: str = "xlsx", target=None, classes=None) -> tuple[bytes | None, int]:
    rows = []
    for tc in (classes if classes is not None else classes_visible_to(acting_user)):
        rows += [enrolment_row(e, tc.code) for e in enrolments_visible(acting_user, tc)]
    content = write_table(ENROLMENT_COLUMNS, rows, fmt=fmt, sheet="学员名单", target=target)
    _audit(acting_user, "enrolments", len(rows), fmt)
    return content, len(rows)


register_export(ExportKind("classes", "培训班次", export_classes, order=50))
register_export(ExportKind("sessions", "课程安排（课表）", export_sessions, order=51))
register_export(ExportKind("enrolments", "学员报名", export_enrolments, order=52))


ATTENDANCE_LABELS = {"present": "出勤", "late": "迟到", "leave": "请假", "absent": "缺勤", "": ""}


def export_attendance_grid(*, acting_user, training_class, today, fmt: str = "xlsx", target=None):
    """The attendance grid as a table: one row per trainee, one column per slot headed with its date, slot, course
    and hours, then the hours attended and 到课率 (the trainees the user sees only)."""
    from ganxun.classes.selectors import attendance_grid, progress_of

    sessions, rows = attendance_grid(training_class)
    visible = {e.pk for e in enrolments_visible(acting_user, training_class)}
    progress = progress_of(training_class, today)
    headers = ["姓名", "人员编码", "单位", "状态"] + [
        f"{s.date:%m-%d} {s.slot} {s.course_name}（{s.hours.normalize():f}学时）" for s in sessions] + [
        "到课学时", "请假学时", "缺勤学时", "到课率"]
    table = []
    for e, marks in rows:
        if e.pk not in visible:
            continue
        p = progress[e.pk]
        table.append([e.cadre.name, e.cadre.person_code, e.cadre.org.name, e.get_status_display(),
                      *[ATTENDANCE_LABELS[m] for m in marks], float(p.attended), float(p.leave), float(p.absent),
                      f"{p.rate:.1%}" if p.held else ""])
    content = write_table(headers, table, fmt=fmt, sheet="考勤", target=target)
    _audit(acting_user, "attendance", len(table), fmt, **{"class": training_class.code})
    return content, len(table)
