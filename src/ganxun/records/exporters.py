"""Ledger exports: the entries that stand now, in the import's columns (身份证号 masked), every export audited.

An export is meant to be edited and imported back, so it holds what counts now: entries that were not
reversed (a correction's replacement, not the original it replaced), and no reversal twins and no
self-study report still waiting for review or refused. Those stay visible on the 学习记录 page.
"""

from datetime import date

from django.db.models import QuerySet

from ganxun.audit.events import EventType, record_event
from ganxun.core.dataio import ExportKind, register_export
from ganxun.core.xlsx import write_table, xlsx_response
from ganxun.records.columns import CATEGORY_LABELS, COLUMNS, SOURCE_LABELS, export_row
from ganxun.records.models import EntryKind, LearningRecord, RecordStatus
from ganxun.records.selectors import RecordFilter, TraineeFilter, not_reversed, records_filtered, trainee_entries

SHEET = "学习记录"


def _standing(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    return (not_reversed(qs.filter(kind=EntryKind.ENTRY, status=RecordStatus.APPROVED))
            .select_related("cadre", "institution")
            .order_by("cadre__person_code", "end_date", "id"))


def export_records(*, acting_user, flt: RecordFilter | None = None, fmt: str = "xlsx",
                   target=None) -> tuple[bytes | None, int]:
    """The standing entries ``acting_user`` sees that match ``flt``."""
    flt = flt or RecordFilter()
    qs = _standing(records_filtered(acting_user, flt))
    count = qs.count()
    content = write_table(COLUMNS, (export_row(r) for r in qs.iterator(chunk_size=2000)), fmt=fmt, sheet=SHEET,
                          target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="records", subject_code="records",
                 extra={"count": count, "format": fmt, "filter": flt.as_dict()})
    return content, count


def export_records_response(user, flt: RecordFilter):
    content, _ = export_records(acting_user=user, flt=flt)
    return xlsx_response(content, f"学习记录_{date.today():%Y%m%d}.xlsx")


register_export(ExportKind("records", "学习记录", export_records, order=40))


# --- 学员学时: one institution's trainees, as its page lists them ------------------------------------

TRAINEE_COLUMNS = ["姓名", "人员编码", "身份证号", "单位", "培训名称", "培训形式", "内容类别", "开始日期", "结束日期",
                   "天数", "学时", "计入学时", "结业", "状态", "外部编号"]
STATUS_LABELS = dict(RecordStatus.choices)


def _number(value):
    return int(value) if value == value.to_integral_value() else float(value)


def trainee_row(r: LearningRecord) -> list:
    c = r.cadre
    return [c.name, c.person_code, c.id_number_masked, c.org.name, r.title, SOURCE_LABELS[r.source],
            CATEGORY_LABELS.get(r.content_category, ""), r.start_date, r.end_date, r.days, _number(r.hours),
            _number(r.credit_hours), r.completed, STATUS_LABELS.get(r.status, r.status), r.external_id or ""]


def export_trainees(*, acting_user, code: str, flt: TraineeFilter | None = None,
                    fmt: str = "xlsx") -> tuple[bytes | None, int, str]:
    """The entries the 学员学时 page lists for institution ``code`` (same selector, same filters), oldest first;
    身份证号 masked. Audited as an export of ledger data. ``NotFound`` outside the user's scope."""
    flt = flt or TraineeFilter()
    institution, qs = trainee_entries(acting_user, code, flt)
    qs = qs.order_by("end_date", "cadre__person_code", "id")
    count = qs.count()
    content = write_table(TRAINEE_COLUMNS, (trainee_row(r) for r in qs.iterator(chunk_size=2000)), fmt=fmt,
                          sheet="学员学时")
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="records",
                 subject_code=institution.code, subject_label=f"{institution.name} 学员学时",
                 extra={"count": count, "format": fmt, "filter": flt.as_dict(), "institution": institution.code})
    return content, count, institution.name


def export_trainees_response(user, code: str, flt: TraineeFilter):
    content, _, name = export_trainees(acting_user=user, code=code, flt=flt)
    year = f"{flt.year}年_" if flt.year else ""
    return xlsx_response(content, f"学员学时_{name}_{year}{date.today():%Y%m%d}.xlsx")
