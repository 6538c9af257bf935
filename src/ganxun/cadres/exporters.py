"""Cadre exports: the visible cadres only, 身份证号 masked, every export audited."""

from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.cadres.columns import COLUMNS, export_row
from ganxun.cadres.selectors import CadreFilter, cadres_filtered
from ganxun.core.xlsx import write_xlsx, xlsx_response


def export_cadres_xlsx(user, flt: CadreFilter, *, target=None) -> tuple[bytes | None, int]:
    qs = cadres_filtered(user, flt)
    count = qs.count()
    rows = (export_row(c) for c in qs.iterator(chunk_size=2000))
    content = write_xlsx(COLUMNS, rows, sheet="干部名册", target=target)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="cadres", subject_code="cadres",
                 extra={"count": count, "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, count


def export_cadres_response(user, flt: CadreFilter):
    content, _ = export_cadres_xlsx(user, flt)
    return xlsx_response(content, f"干部名册_{date.today():%Y%m%d}.xlsx")


def export_cadres_unscoped(*, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """Every cadre (身份证号 masked), for the operator's ``ganxun export cadres FILE``. Never for a page."""
    from ganxun.cadres.selectors import all_cadres_unscoped
    from ganxun.core.tabular import write_csv

    qs = all_cadres_unscoped().select_related("org").order_by("person_code")
    count = qs.count()
    rows = (export_row(c) for c in qs.iterator(chunk_size=2000))
    if fmt == "csv":
        content = write_csv(COLUMNS, rows, target=target)
    else:
        content = write_xlsx(COLUMNS, rows, sheet="干部名册", target=target)
    record_event(actor=None, event_type=EventType.EXPORTED, subject_type="cadres", subject_code="cadres",
                 extra={"count": count, "unscoped": True, "format": fmt})
    return content, count
