from datetime import date

from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.orgs.columns import COLUMNS, export_rows
from ganxun.orgs.selectors import orgs_visible_to


def export_orgs_xlsx(user, *, target=None) -> tuple[bytes | None, int]:
    orgs = list(orgs_visible_to(user))
    content = write_xlsx(COLUMNS, export_rows(orgs), sheet="组织机构", target=target)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="orgs", subject_code="orgs",
                 extra={"count": len(orgs)})
    return content, len(orgs)


def export_orgs_response(user):
    content, _ = export_orgs_xlsx(user)
    return xlsx_response(content, f"组织机构_{date.today():%Y%m%d}.xlsx")


def export_orgs_unscoped(*, fmt: str = "xlsx", target=None) -> tuple[bytes | None, int]:
    """Every org, for the operator's ``ganxun export orgs FILE``. Never for a user's page."""
    from ganxun.core.tabular import write_csv
    from ganxun.orgs.selectors import all_orgs_unscoped

    orgs = list(all_orgs_unscoped().order_by("path"))
    rows = export_rows(orgs)
    if fmt == "csv":
        content = write_csv(COLUMNS, rows, target=target)
    else:
        content = write_xlsx(COLUMNS, rows, sheet="组织机构", target=target)
    record_event(actor=None, event_type=EventType.EXPORTED, subject_type="orgs", subject_code="orgs",
                 extra={"count": len(orgs), "unscoped": True, "format": fmt})
    return content, len(orgs)
