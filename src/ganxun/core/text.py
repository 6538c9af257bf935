"""Text for terminals: tables that stay aligned with Chinese characters."""

import unicodedata


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain-text table that stays aligned with Chinese characters (two columns wide each)."""
    widths = [max(_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip(), line]
    out += ["  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(out)
