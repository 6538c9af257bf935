"""Turning spreadsheet cells into values. Each parser raises ``ValueError`` with a Chinese message.

The message says what was expected, so an import can put it beside the row and column as it is.
Cells arrive trimmed from ``ganxun.core.tabular``; Excel date cells arrive as ``date``/``datetime``.
"""

import re
from collections.abc import Iterable
from datetime import date, datetime

from ganxun.core.idnumbers import mask_all_in_text

TRUE_WORDS = {"是", "y", "yes", "1", "true", "t", "√"}
FALSE_WORDS = {"否", "n", "no", "0", "false", "f", "×"}
BOOL_HINT = "应为 是 或 否（也可写 Y/N、1/0、TRUE/FALSE）"
DATE_HINT = "应为日期，如 2020-01-31、2020/01/31 或 2020年1月31日"

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
)
# A datetime written as text by another system, e.g. "2020-01-31 00:00:00".
_MIDNIGHT = re.compile(r"^(.+?)[ T]00:00(:00)?$")


def shown(value, limit: int = 20) -> str:
    """A cell quoted back to the user: short, and never a full 身份证号."""
    text = mask_all_in_text(cell_text(value))
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: ``12.0`` (a number cell) becomes ``12``; a date becomes ``YYYY-MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_bool(value, default: bool = False) -> bool:
    """是/否, Y/N, 1/0, TRUE/FALSE (any case); an empty cell gives ``default``."""
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = cell_text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{shown(value)}无法识别，{BOOL_HINT}")


def parse_date(value) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日, an Excel date cell or a datetime; empty gives ``None``."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)):
        # A date typed into a cell formatted as a number (Excel serial) is ambiguous: refuse it.
        raise ValueError(DATE_HINT + "；该单元格是数字，请将其设为日期格式或按上述格式填写")
    text = str(value).strip()
    midnight = _MIDNIGHT.match(text)
    if midnight:
        text = midnight.group(1)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(f"不是有效的日期（{m.group(1)} 年 {int(m.group(2))} 月没有 {int(m.group(3))} 日）"
                                 ) from None
    raise ValueError(f"{shown(value)}无法识别，{DATE_HINT}")


def parse_choice(value, choices: Iterable[tuple[str, str]], *, required: bool = True, default: str = "") -> str:
    """Map a Chinese label to its stored value; the value itself is accepted too.

    ``choices`` is a Django ``choices`` list of ``(value, label)``.
    """
    pairs = [(str(v), str(label)) for v, label in choices]
    labels = [label for v, label in pairs if v]
    if is_blank(value):
        if required:
            raise ValueError("不能为空，应为 " + "、".join(labels) + " 之一")
        return default
    text = cell_text(value)
    for v, label in pairs:
        if text == label or (v and text == v):
            return v
    raise ValueError(f"{shown(value)}不在可选范围内，应为 " + "、".join(labels) + " 之一")
