"""身份证号 (resident ID number): validation, normalisation and the one masking function.

The number is sensitive personal information. ``mask_id_number`` is the only way it is shown in
lists, exports, API bodies, error messages, logs and audit diffs.
"""

import re
import unicodedata
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)


class InvalidIdNumber(ValueError):
    """The message is Chinese and never contains the number itself."""


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalise_id_number(raw) -> str:
    """Return the canonical 18-character form, or raise ``InvalidIdNumber``.

    Accepts full-width digits and a lowercase x; refuses a number Excel has already mangled.
    """
    if raw is None:
        raise InvalidIdNumber("不能为空")
    if isinstance(raw, float):
        raise InvalidIdNumber("被 Excel 存成了数字，末几位已丢失；请将该列设为文本格式后重新填写")
    if isinstance(raw, int):
        raw = str(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip().upper().replace(" ", "")
    if not text:
        raise InvalidIdNumber("不能为空")
    if _SCIENTIFIC.match(text):
        raise InvalidIdNumber("被 Excel 转成了科学计数法，末几位已丢失；请将该列设为文本格式后重新填写")
    if not _SHAPE.match(text):
        raise InvalidIdNumber(f"应为 18 位（17 位数字加 1 位数字或 X），实际为 {len(text)} 个字符")
    try:
        birth_date(text)
    except ValueError:
        raise InvalidIdNumber("第 7–14 位不是有效的出生日期") from None
    if check_char(text[:17]) != text[17]:
        raise InvalidIdNumber("校验位不正确，请核对号码")
    return text


def birth_date(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def gender_of(id_number: str) -> str:
    """``male`` or ``female`` from the 17th digit (odd is male)."""
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(value: str | None) -> str:
    """``4110**********123X``: the region's first 4 and the last 4 characters stay visible."""
    if not value:
        return ""
    text = str(value)
    if len(text) < 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


FULL_ID_PATTERN = re.compile(r"\d{17}[\dXx]")


def mask_all_in_text(text: str) -> str:
    """Mask every full ID number inside free text (log lines, error messages)."""
    return FULL_ID_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)
