"""Sizes that vary with the data, as classes of ``ganxun/sizes.css``: the pages' Content-Security-Policy
(``web.csp``) refuses ``style="…"`` attributes, so a progress bar's width or a tree row's indent is a class."""

from django import template

register = template.Library()

MAX_INDENT = 15


def _number(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


@register.filter
def width_class(value, scale=1) -> str:
    """A bar's width: ``37`` → ``gx-pct-37`` (a percentage), ``0.372|width_class:100`` → ``gx-pct-37``;
    rounded to whole percent and kept within 0–100."""
    percent = round(_number(value) * _number(scale))
    return f"gx-pct-{min(100, max(0, percent))}"


@register.filter
def indent_class(value) -> str:
    """A tree row's depth: ``2`` → ``gx-indent-2`` (deeper than 15 levels indents as 15)."""
    return f"gx-indent-{min(MAX_INDENT, max(0, int(_number(value))))}"
