"""One check for every piece of text a user sends in: no control characters, no bidirectional controls.

A name with a newline breaks every list and export it appears in; one with a right-to-left override (U+202E)
shows something other than what is stored (``张三\u202e1X`` reads backwards). Refused are the C0 and C1
control characters (U+0000–U+001F, U+007F–U+009F: tab and newline included) and the bidirectional
embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
Multi-line free text (备注, 说明 and the like) may keep a newline, a carriage return and a tab; nothing else.

The same function answers the imports (``ganxun.core.tabular``, every cell of every kind), the forms (every
``forms.CharField``, hooked in ``ganxun.core.apps``; a ``Textarea`` is multi-line) and the API (every string
in a JSON body, ``TextCheckMiddleware``).
"""

import re

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_NAMES = {
    "\t": "制表符", "\n": "换行符", "\r": "回车符", "\x00": "空字符", "\x7f": "删除符",
    "\u200e": "从左至右标记", "\u200f": "从右至左标记", "\u061c": "阿拉伯文字母标记",
    "\u202a": "从左至右嵌入", "\u202b": "从右至左嵌入", "\u202c": "方向格式结束", "\u202d": "从左至右强制",
    "\u202e": "从右至左强制", "\u2066": "从左至右隔离", "\u2067": "从右至左隔离", "\u2068": "首字符方向隔离",
    "\u2069": "方向隔离结束",
}
MULTILINE_ALLOWED = frozenset("\n\r\t")
# Columns and fields that are free text over several lines; everything else is one line.
MULTILINE_FIELDS = frozenset({"备注", "说明", "remarks", "remark", "note", "notes", "description", "comment"})


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """The first refused character of ``text``, or ``None``."""
    for m in _FORBIDDEN.finditer(text):
        if multiline and m.group() in MULTILINE_ALLOWED:
            continue
        return m.group()
    return None


def describe(ch: str) -> str:
    name = _NAMES.get(ch, "控制字符")
    return f"U+{ord(ch):04X}（{name}）"


def problem(text, *, multiline: bool = False) -> str | None:
    """A Chinese message if ``text`` holds a refused character, else ``None``."""
    if type(text) is not str or not _FORBIDDEN.search(text):
        return None
    ch = bad_character(text, multiline=multiline)
    if ch is None:
        return None
    return f"含有不允许的字符 {describe(ch)}，请删除后重新输入（不能包含控制字符或文字方向控制字符）"


def check(text, *, multiline: bool = False) -> None:
    """Raise ``ValueError`` with the message of ``problem``."""
    message = problem(text, multiline=multiline)
    if message:
        raise ValueError(message)


def any_problem(texts) -> bool:
    """Quick look at many strings at once (a row of cells): may any of them be refused?"""
    return _FORBIDDEN.search("".join(texts)) is not None


def is_multiline(field_name: str) -> bool:
    return field_name in MULTILINE_FIELDS


def walk_json(value, path: str = ""):
    """``(path, message)`` of every refused string in a decoded JSON body (keys too)."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            msg = problem(key)
            if msg:
                yield where, msg
            yield from walk_json(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_json(item, f"{path}[{i}]")
    elif isinstance(value, str):
        leaf = path.rsplit(".", 1)[-1].split("[", 1)[0]
        msg = problem(value, multiline=is_multiline(leaf))
        if msg:
            yield path, msg


class TextCheckMiddleware:
    """Every API write (POST/PUT/PATCH with a JSON body) is refused, before any view runs, when one of its
    strings holds a refused character: 400, ``{"detail", "code": "invalid", "extra": {"fields": …}}``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.method in ("POST", "PUT", "PATCH") and request.path.startswith("/api/")
                and request.content_type == "application/json"):
            import json

            from django.http import JsonResponse

            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None  # the API's own parsing answers that
            problems = dict(walk_json(body))
            if problems:
                detail = "；".join(f"字段 {k}：{v}" for k, v in problems.items())
                return JsonResponse({"detail": "请求参数不正确：" + detail, "code": "invalid",
                                     "extra": {"fields": problems}}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)


def install_form_check() -> None:
    """Every ``forms.CharField`` refuses the characters above after its own cleaning; a ``Textarea`` is
    multi-line, a password is left alone (it is never shown)."""
    from django import forms
    from django.core.exceptions import ValidationError

    if getattr(forms.CharField, "_ganxun_text_checked", False):
        return
    original = forms.CharField.clean

    def clean(self, value):
        value = original(self, value)
        if isinstance(value, str) and not isinstance(self.widget, forms.PasswordInput):
            message = problem(value, multiline=isinstance(self.widget, forms.Textarea))
            if message:
                raise ValidationError(message, code="bad_character")
        return value

    forms.CharField.clean = clean
    forms.CharField._ganxun_text_checked = True
