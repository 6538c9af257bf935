"""Institution exports: the visible institutions only, the import columns, every export audited."""

from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.core.dataio import ExportKind, register_export
from ganxun.core.xlsx import write_table, xlsx_response
from ganxun.resources.columns import COLUMNS, export_row
from ganxun.resources.selectors import InstitutionFilter, institutions_filtered

SHEET = "培训机构"


def export_institutions(*, acting_user, flt: InstitutionFilter | None = None, fmt: str = "xlsx",
                        target=None) -> tuple[bytes | None, int]:
    """The institutions ``acting_user`` sees (narrowed by ``flt``), in the import's columns."""
    flt = flt or InstitutionFilter()
    institutions = list(institutions_filtered(acting_user, flt))
    content = write_table(COLUMNS, (export_row(i) for i in institutions), fmt=fmt, sheet=SHEET, target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="institutions",
                 subject_code="institutions",
                 extra={"count": len(institutions), "format": fmt,
                        "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, len(institutions)


def export_institutions_response(user, flt: InstitutionFilter | None = None):
    content, _ = export_institutions(acting_user=user, flt=flt)
    return xlsx_response(content, f"培训机构_{date.today():%Y%m%d}.xlsx")


register_export(ExportKind("institutions", "培训机构", export_institutions, order=30))


# --- teachers and courses ----------------------------------------------------------------------------------

def export_teachers(*, acting_user, flt=None, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """The teachers ``acting_user`` sees (narrowed by ``flt``), in the import's columns."""
    from ganxun.resources.columns import TEACHER_COLUMNS, teacher_row
    from ganxun.resources.selectors import TeacherFilter, teachers_filtered

    flt = flt or TeacherFilter()
    teachers = list(teachers_filtered(acting_user, flt))
    content = write_table(TEACHER_COLUMNS, (teacher_row(t) for t in teachers), fmt=fmt, sheet="师资库", target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="teachers", subject_code="teachers",
                 extra={"count": len(teachers), "format": fmt, "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, len(teachers)


def export_courses(*, acting_user, flt=None, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """The courses ``acting_user`` sees (narrowed by ``flt``), in the import's columns; teachers in one query."""
    from ganxun.resources.columns import COURSE_COLUMNS, COURSE_EXTRA, course_row
    from ganxun.resources.selectors import CourseFilter, courses_filtered

    flt = flt or CourseFilter()
    courses = list(courses_filtered(acting_user, flt).prefetch_related("teachers"))
    rows = (course_row(c, sorted(t.code for t in c.teachers.all())) for c in courses)
    content = write_table([*COURSE_COLUMNS, *COURSE_EXTRA], rows, fmt=fmt, sheet="课程库", target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="courses", subject_code="courses",
                 extra={"count": len(courses), "format": fmt, "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, len(courses)


def export_teachers_response(user, flt=None):
    content, _ = export_teachers(acting_user=user, flt=flt)
    return xlsx_response(content, f"师资库_{date.today():%Y%m%d}.xlsx")


def export_courses_response(user, flt=None):
    content, _ = export_courses(acting_user=user, flt=flt)
    return xlsx_response(content, f"课程库_{date.today():%Y%m%d}.xlsx")


register_export(ExportKind("teachers", "师资", export_teachers, order=32))
register_export(ExportKind("courses", "课程", export_courses, order=34))
