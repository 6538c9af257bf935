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
from ganxun.records.columns import COLUMNS, export_row
from ganxun.records.models import EntryKind, LearningRecord, RecordStatus
from ganxun.records.selectors import RecordFilter, not_reversed, records_filtered

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
