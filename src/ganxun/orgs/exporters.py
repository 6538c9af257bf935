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
