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
