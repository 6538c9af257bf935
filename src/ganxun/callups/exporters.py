"""The conflicts and the rates as spreadsheets (the pages' exports, ``ganxun conflicts`` and ``ganxun callups rates``
with ``--format xlsx``); each export is audited."""

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


RATE_HEADERS = ["单位/类别", "编码", "干部数", "调训人数", "调训率", "调训人次", "实际参训", "参训率", "已结业", "请假"]


def _pct(value: float | None) -> str:
    return f"{value:.1%}" if value is not None else ""


def rate_row(r) -> list:
    return [r.label, r.key, r.staff, r.called, _pct(r.call_up_rate), r.places, r.attended,
            _pct(r.participation_rate), r.completed, r.on_leave]


def export_rates(*, acting_user, rows, total, target=None, year: int, by: str) -> bytes | None:
    content = write_xlsx(RATE_HEADERS, [*(rate_row(r) for r in rows), rate_row(total)], sheet=f"{year}年调训统计",
                         target=target)
    record_event(actor=acting_user, event_type=EventType.EXPORTED, subject_type="callup_rates",
                 subject_code=str(year), extra={"count": len(rows), "format": "xlsx", "by": by})
    return content
