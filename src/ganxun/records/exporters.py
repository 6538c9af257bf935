"""Ledger exports: the entries that stand now, in the import's columns (身份证号 masked), every export audited.

An export is meant to be edited and imported back, so it holds what counts now: entries that were not
reversed (a correction's replacement, not the original it replaced), and no reversal twins and no
self-study report still waiting for review or refused. Those stay visible on the 学习记录 page.
"""

from datetime import date

from django.db.models import QuerySet

from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.records.columns import COLUMNS, export_row
from ganxun.records.models import EntryKind, LearningRecord, RecordStatus
from ganxun.records.selectors import RecordFilter, not_reversed, records_filtered

SHEET = "学习记录"


def _standing(qs: QuerySet[LearningRecord]) -> QuerySet[LearningRecord]:
    return (not_reversed(qs.filter(kind=EntryKind.ENTRY, status=RecordStatus.APPROVED))
            .select_related("cadre", "institution")
            .order_by("cadre__person_code", "end_date", "id"))


def _write(qs: QuerySet[LearningRecord], fmt: str, target) -> tuple[bytes | None, int]:
    from ganxun.core.tabular import write_csv

    count = qs.count()
    rows = (export_row(r) for r in qs.iterator(chunk_size=2000))
    if fmt == "csv":
        return write_csv(COLUMNS, rows, target=target), count
    return write_xlsx(COLUMNS, rows, sheet=SHEET, target=target), count


def export_records_xlsx(user, flt: RecordFilter, *, target=None) -> tuple[bytes | None, int]:
    """The visible, standing entries that match the page's filter."""
    content, count = _write(_standing(records_filtered(user, flt)), "xlsx", target)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="records", subject_code="records",
                 extra={"count": count, "filter": flt.as_dict()})
    return content, count


def export_records_response(user, flt: RecordFilter):
    content, _ = export_records_xlsx(user, flt)
    return xlsx_response(content, f"学习记录_{date.today():%Y%m%d}.xlsx")


def export_records_unscoped(*, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """Every standing entry, for the operator's ``ganxun export records FILE``. Never for a page."""
    from ganxun.records.selectors import all_records_unscoped

    content, count = _write(_standing(all_records_unscoped()), fmt, target)
    record_event(actor=None, event_type=EventType.EXPORTED, subject_type="records", subject_code="records",
                 extra={"count": count, "unscoped": True, "format": fmt})
    return content, count
