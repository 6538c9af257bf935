"""Writing spreadsheets for users. Every cell that is a string stays a string.

xlsxwriter would otherwise turn a cadre named ``=1+1`` into a live formula; with
``strings_to_formulas`` off, values starting with = + - @ (or a tab) are written as plain text.
"""

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import xlsxwriter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "Sheet1",
               widths: dict[int, int] | None = None, target=None) -> bytes | None:
    """Write one sheet with a bold header row; return the bytes, or write to ``target``."""
    out = target if target is not None else io.BytesIO()
    book = xlsxwriter.Workbook(out, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })
    ws = book.add_worksheet(sheet[:31])
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for col, title in enumerate(headers):
        ws.write_string(0, col, title, head)
        ws.set_column(col, col, (widths or {}).get(col, max(10, len(title) * 2 + 2)))
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                ws.write_string(r, c, "是" if value else "否")
            elif isinstance(value, (datetime, date)):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
    ws.freeze_panes(1, 0)
    book.close()
    if target is None:
        return out.getvalue()
    return None


def xlsx_response(content: bytes, filename: str):
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def write_table(headers: Sequence[str], rows: Iterable[Sequence], *, fmt: str = "xlsx", sheet: str = "Sheet1",
                widths: dict[int, int] | None = None, target=None) -> bytes | None:
    """The same table as .xlsx (``write_xlsx``) or UTF-8 CSV with a BOM (``tabular.write_csv``)."""
    if fmt == "csv":
        from ganxun.core.tabular import write_csv

        return write_csv(headers, rows, target=target)
    if fmt != "xlsx":
        raise ValueError(fmt)
    return write_xlsx(headers, rows, sheet=sheet, widths=widths, target=target)
