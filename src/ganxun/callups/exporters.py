"""The conflicts report as a spreadsheet (the page's export and ``ganxun conflicts --format xlsx``); audited."""

from __future__ import annotations

from ganxun.audit.events import EventType, record_event
from ganxun.core.xlsx import write_xlsx

CONFLICT_HEADERS = ["类型", "对象编码", "对象名称", "班次编码", "开始日期", "结束日期", "比例", "说明"]


def conflict_row(c) -> list:
    return [c.label, c.subject, c.subject_name, "、".join(c.classes), c.start, c.end,
            f"{c.share:.1%}" if c.share is not None else "", c.detail]


def export_conflicts(*, acting_user, conflicts, target=None, window: str = "") -> bytes | None:
    content = write_xlsx(CONFLICT_HEADERS, (conflict_row(c) for c in conflicts), sheet="调训冲突", target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="conflicts", subject_code="conflicts",
                 extra={"count": len(conflicts), "format": "xlsx", "window": window})
    return content
