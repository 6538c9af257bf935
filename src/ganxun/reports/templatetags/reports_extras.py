"""Small filters for the dashboard: a share as a percentage, a dict lookup by a variable key."""

from django import template

register = template.Library()


@register.filter
def pct(value, digits: int = 1) -> str:
    """``0.8571`` → ``85.7%``; ``None`` → ``—``."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
