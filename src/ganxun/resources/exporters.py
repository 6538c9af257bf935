"""Institution exports: the visible institutions only, the import columns, every export audited."""

from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.resources.columns import COLUMNS, export_row
from ganxun.resources.selectors import InstitutionFilter, institutions_filtered

SHEET = "培训机构"


def export_institutions_xlsx(user, flt: InstitutionFilter | None = None, *, target=None) -> tuple[bytes | None, int]:
    flt = flt or InstitutionFilter()
    institutions = list(institutions_filtered(user, flt))
    content = write_xlsx(COLUMNS, (export_row(i) for i in institutions), sheet=SHEET, target=target)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="institutions", subject_code="institutions",
                 extra={"count": len(institutions), "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, len(institutions)


def export_institutions_response(user, flt: InstitutionFilter | None = None):
    content, _ = export_institutions_xlsx(user, flt)
    return xlsx_response(content, f"培训机构_{date.today():%Y%m%d}.xlsx")


def export_institutions_unscoped(*, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """Every institution, for the operator's ``ganxun export institutions FILE``. Never for a page."""
    from ganxun.core.tabular import write_csv
    from ganxun.resources.selectors import all_institutions_unscoped

    institutions = list(all_institutions_unscoped().select_related("owner_org").order_by("code"))
    rows = (export_row(i) for i in institutions)
    if fmt == "csv":
        content = write_csv(COLUMNS, rows, target=target)
    else:
        content = write_xlsx(COLUMNS, rows, sheet=SHEET, target=target)
    record_event(actor=None, event_type=EventType.EXPORTED, subject_type="institutions", subject_code="institutions",
                 extra={"count": len(institutions), "unscoped": True, "format": fmt})
    return content, len(institutions)
