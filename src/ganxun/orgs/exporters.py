"""Org exports: the visible orgs only, in the import's columns; every export audited."""

from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.core.dataio import ExportKind, register_export
from ganxun.core.xlsx import write_table, xlsx_response
from ganxun.orgs.columns import COLUMNS, export_rows
from ganxun.orgs.selectors import orgs_visible_to


def export_orgs(*, acting_user, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """The orgs ``acting_user`` sees, parents before children (the operator: all of them)."""
    orgs = list(orgs_visible_to(acting_user))
    content = write_table(COLUMNS, export_rows(orgs), fmt=fmt, sheet="组织机构", target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="orgs", subject_code="orgs",
                 extra={"count": len(orgs), "format": fmt})
    return content, len(orgs)


def export_orgs_response(user):
    content, _ = export_orgs(acting_user=user)
    return xlsx_response(content, f"组织机构_{date.today():%Y%m%d}.xlsx")


register_export(ExportKind("orgs", "组织机构", export_orgs, order=10))
