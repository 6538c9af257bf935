"""Cadre exports: the visible cadres only, 身份证号 masked, every export audited."""

from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.cadres.columns import COLUMNS, export_row
from ganxun.cadres.selectors import CadreFilter, cadres_filtered
from ganxun.core.dataio import ExportKind, register_export
from ganxun.core.xlsx import write_table, xlsx_response


def export_cadres(*, acting_user, flt: CadreFilter | None = None, fmt: str = "xlsx",
                  target=None) -> tuple[bytes | None, int]:
    """The cadres ``acting_user`` sees (narrowed by ``flt``), in the import's columns."""
    flt = flt or CadreFilter()
    qs = cadres_filtered(acting_user, flt)
    count = qs.count()
    rows = (export_row(c) for c in qs.iterator(chunk_size=2000))
    content = write_table(COLUMNS, rows, fmt=fmt, sheet="干部名册", target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="cadres", subject_code="cadres",
                 extra={"count": count, "format": fmt, "filter": {k: v for k, v in vars(flt).items() if v}})
    return content, count


def export_cadres_response(user, flt: CadreFilter):
    content, _ = export_cadres(acting_user=user, flt=flt)
    return xlsx_response(content, f"干部名册_{date.today():%Y%m%d}.xlsx")


register_export(ExportKind("cadres", "干部名册", export_cadres, order=20))
