"""Checks of one ledger entry's values, shared by the form, the import and the API."""

from datetime import date
from decimal import Decimal, InvalidOperation

from ganxun.core.choices import ContentCategory
from ganxun.records.models import RecordSource

LABELS = {
    "title": "培训名称", "source": "培训形式", "content_category": "内容类别", "institution": "培训机构",
    "start_date": "开始日期", "end_date": "结束日期", "days": "天数", "hours": "学时",
    "is_system_training": "系统培训", "completed": "结业",
}
MAX_HOURS = Decimal("2000")
NO_DAYS_SOURCES = {RecordSource.ONLINE, RecordSource.LECTURE, RecordSource.STUDY_GROUP, RecordSource.SELF_STUDY}
# Django rebuilds an enum's values and labels on every access; an import asks 100,000 times.
SOURCE_VALUES = frozenset(RecordSource.values)
CATEGORY_VALUES = frozenset(ContentCategory.values)
FULL_TIME = RecordSource.FULL_TIME.value
SOURCE_HINT = "应为 " + "、".join(RecordSource.labels) + " 之一"
CATEGORY_HINT = "应为 " + "、".join(ContentCategory.labels) + " 之一或留空"
TENTH = Decimal("0.1")


def parse_hours(value) -> Decimal:
    """学时 with at most one decimal place; raises ValueError with a Chinese message."""
    if value is None or value == "":
        raise ValueError("不能为空")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value.strip() if type(value) is str else str(value).strip())
    except InvalidOperation:
        raise ValueError(f"应为数字（最多一位小数），而不是“{str(value)[:20]}”") from None
    if not number.is_finite() or number < 0:
        raise ValueError("应为不小于 0 的数字")
    tenths = number.quantize(TENTH)
    if number != tenths:
        raise ValueError("最多保留一位小数")
    if number > MAX_HOURS:
        raise ValueError(f"不能超过 {MAX_HOURS} 学时")
    return tenths


def check_record_values(values: dict, *, today: date | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Return cleaned values and ``(field, message)`` errors. Days of a non-full-time form are 0."""
    today = today or date.today()
    errors: list[tuple[str, str]] = []
    clean = dict(values)
    title = (values.get("title") or "").strip()
    if not title:
        errors.append(("title", "不能为空"))
    elif len(title) > 200:
        errors.append(("title", "不能超过 200 个字"))
    clean["title"] = title
    source = values.get("source")
    if source not in SOURCE_VALUES:
        errors.append(("source", SOURCE_HINT))
    category = values.get("content_category") or ""
    if category and category not in CATEGORY_VALUES:
        errors.append(("content_category", CATEGORY_HINT))
    clean["content_category"] = category
    start, end = values.get("start_date"), values.get("end_date")
    if not start:
        errors.append(("start_date", "不能为空"))
    if not end:
        errors.append(("end_date", "不能为空"))
    if start and end and end < start:
        errors.append(("end_date", "不能早于开始日期"))
    if end and end > today:
        errors.append(("end_date", "不能晚于今天（尚未结束的培训请结业后再登记）"))
    days = values.get("days")
    if days in (None, ""):
        days = (end - start).days + 1 if (source == FULL_TIME and start and end and end >= start) else 0
    try:
        days = int(days)
        if days < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(("days", "应为不小于 0 的整数"))
        days = 0
    if source in NO_DAYS_SOURCES and days:
        errors.append(("days", f"{RecordSource(source).label}不计脱产天数，应为 0 或留空"))
    if start and end and end >= start and days > (end - start).days + 1:
        errors.append(("days", f"不能超过开始至结束日期的天数（{(end - start).days + 1} 天）"))
    clean["days"] = days
    try:
        clean["hours"] = parse_hours(values.get("hours"))
    except ValueError as exc:
        errors.append(("hours", str(exc)))
    clean["is_system_training"] = bool(values.get("is_system_training"))
    clean["completed"] = values.get("completed", True) is not False
    return clean, errors
