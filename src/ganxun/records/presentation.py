"""How ledger audit rows read in a cadre's 变更历史 (the rows keep plain snapshots; users read Chinese)."""

from ganxun.audit.models import EventType
from ganxun.audit.presentation import register_lines
from ganxun.core.choices import ContentCategory
from ganxun.records.models import RecordSource, RecordStatus

SOURCE_LABELS = dict(RecordSource.choices)
CATEGORY_LABELS = dict(ContentCategory.choices)
STATUS_LABELS = dict(RecordStatus.choices)
SHOWN_REFERENCES = 5


def entry_line(snap: dict) -> str:
    """One entry in a line: 培训名称（起止，形式）学时, with what it counts when that differs."""
    if not snap:
        return ""
    if set(snap) == {"reference"}:
        return f"冲销记录 {snap['reference']}"
    dates = snap.get("start_date", "")
    if snap.get("end_date") and snap.get("end_date") != dates:
        dates = f"{dates}—{snap['end_date']}"
    parts = [dates, SOURCE_LABELS.get(snap.get("source"), snap.get("source") or "")]
    line = f"{snap.get('title', '')}（{'，'.join(p for p in parts if p)}）{snap.get('hours', '')} 学时"
    if snap.get("institution"):
        line += f"，{snap['institution']}"
    if snap.get("completed") is False:
        line += "，未结业"
    if snap.get("status") and snap["status"] != RecordStatus.APPROVED:
        line += f"，{STATUS_LABELS.get(snap['status'], snap['status'])}"
    if snap.get("reference"):
        line += f" [{snap['reference']}]"
    return line


def event_lines(extra: dict) -> tuple[list[str], list[str]]:
    """``(before, after)`` lines of one ledger audit row: one entry, or a batch of an import."""
    if "count" in extra:
        added = extra.get("added", [])
        corrected = extra.get("corrected", [])
        after = []
        if added:
            shown = "、".join(added[:SHOWN_REFERENCES]) + (" 等" if len(added) > SHOWN_REFERENCES else "")
            after.append(f"新增 {len(added)} 条：{shown}")
        after += [f"更正为：{entry_line(c['after'])}" for c in corrected]
        after.append(f"合计计入 {extra.get('credit_hours', '0')} 学时")
        return [entry_line(c["before"]) for c in corrected], after
    return ([entry_line(extra["before"])] if extra.get("before") else [],
            [entry_line(extra["after"])] if extra.get("after") else [])


register_lines([EventType.RECORD_ADDED, EventType.RECORD_REVERSED, EventType.RECORD_REVIEWED], event_lines)
