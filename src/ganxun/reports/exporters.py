"""Exports of cadre verdicts (the dashboard's, or one drill-down list's): scoped, and every export audited."""

from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.plans.output import XLSX_HEADERS, xlsx_row
from ganxun.reports.selectors import VerdictQuery, verdicts_behind

WIDTHS = {1: 14, 2: 10, 3: 24, 4: 30, 6: 20, 7: 20, 8: 20, 9: 12, 10: 12, 12: 40}


def export_verdicts_xlsx(user, q: VerdictQuery) -> tuple[bytes, str, int]:
    """The workbook, its download name and the number of rows."""
    root, verdicts = verdicts_behind(user, q, with_evidence=True)
    content = write_xlsx(XLSX_HEADERS, (xlsx_row(v) for v in verdicts), sheet="达标明细", widths=WIDTHS)
    record_event(actor=user, event_type=EventType.EXPORTED, subject_type="compliance", subject_code=root.code,
                 subject_label=f"{root.name} · {q.plan.title}",
                 extra={"count": len(verdicts), "plan": q.plan.id, "as_of": q.as_of.isoformat(), "org": root.code,
                        "filter": {k: v for k, v in (("indicator", q.indicator), ("verdict", q.verdict),
                                                     ("list", q.list)) if v}})
    name = f"达标明细_{root.name}_{q.plan.id}_{q.as_of:%Y%m%d}.xlsx"
    return content, name, len(verdicts)


def export_verdicts_response(user, q: VerdictQuery):
    content, name, _ = export_verdicts_xlsx(user, q)
    return xlsx_response(content, name)
