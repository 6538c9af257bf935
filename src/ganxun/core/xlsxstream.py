"""Reading the first sheet of an .xlsx as a stream, in bounded memory.

python-calamine holds a whole sheet's cells (about 100 bytes a cell: a 125,000-row × 14-column records
file costs 170 MB, and a sheet of two cells in opposite corners a dense range of billions). Here the
sheet's XML is decompressed and parsed piece by piece (``xml.etree.ElementTree.XMLPullParser``, expat in
C) and each row is handed on and dropped; only the shared strings and the styles are held, and they are
bounded by the caller's caps on the zip's declared sizes. A document type declaration (the door to XXE and
entity bombs) is refused, as are more columns, rows or cells than the caps allow — all before the part
of the sheet beyond them is read.

Values come back as calamine gives them: text as ``str``, number cells as ``float``, date cells as
``date`` (or ``datetime`` with a time of day), booleans as ``bool``.
"""

import re
import zipfile
from datetime import date, datetime, timedelta
from xml.etree.ElementTree import XMLPullParser

CHUNK = 256 * 1024
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Built-in number formats that are dates or times (ECMA-376 18.8.30, with the CJK ones Excel uses).
_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class SheetTooLarge(Exception):
    """A cap was reached: ``what`` is 行, 列 or 单元格, ``limit`` the cap, ``row`` where it was found."""

    def __init__(self, what: str, limit: int, row: int):
        super().__init__(what)
        self.what, self.limit, self.row = what, limit, row


class UnsafeXml(Exception):
    """A part holds a document type declaration (entities: XXE, entity bombs)."""


def _chunks(archive: zipfile.ZipFile, name: str):
    with archive.open(name) as part:
        tail = b""
        while True:
            data = part.read(CHUNK)
            if not data:
                return
            if b"<!DOCTYPE" in tail + data or b"<!ENTITY" in tail + data:
                raise UnsafeXml(name)
            tail = data[-16:]
            yield data


def _events(archive: zipfile.ZipFile, name: str, events=("end",)):
    parser = XMLPullParser(events)
    for data in _chunks(archive, name):
        parser.feed(data)
        yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _text(element) -> str:
    """The text of an ``<si>`` or ``<is>``: its ``<t>`` and its runs' ``<t>``, not the phonetic ``<rPh>``."""
    direct = element.find(_MAIN + "t")
    if direct is not None and len(element) == 1:
        return direct.text or ""
    parts = []
    for child in element:
        if child.tag == _MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == _MAIN + "r":
            t = child.find(_MAIN + "t")
            if t is not None:
                parts.append(t.text or "")
    return "".join(parts)


def _read_xml(archive: zipfile.ZipFile, name: str):
    from xml.etree.ElementTree import fromstring

    data = b"".join(_chunks(archive, name))
    return fromstring(data)


def first_sheet_part(archive: zipfile.ZipFile) -> str:
    book = _read_xml(archive, "xl/workbook.xml")
    sheets = book.find(_MAIN + "sheets")
    if sheets is None or not len(sheets):
        raise KeyError("no sheet")
    rid = sheets[0].get(_REL + "id")
    rels = _read_xml(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(_PKG_REL + "Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return "xl/" + target
    raise KeyError(rid)


def _date_styles(archive: zipfile.ZipFile, names: set[str]) -> list[bool]:
    """For each cell style (``s`` index), whether its number format is a date."""
    if "xl/styles.xml" not in names:
        return []
    styles = _read_xml(archive, "xl/styles.xml")
    custom = {}
    formats = styles.find(_MAIN + "numFmts")
    if formats is not None:
        for fmt in formats:
            code = _QUOTED.sub("", fmt.get("formatCode", "")).lower()
            custom[int(fmt.get("numFmtId", "0"))] = any(ch in code for ch in "ymdhs") and "general" not in code
    xfs = styles.find(_MAIN + "cellXfs")
    result = []
    for xf in (xfs if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0"))
        result.append(custom.get(fid, fid in _DATE_FORMATS))
    return result


def _shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    strings = []
    for _, element in _events(archive, "xl/sharedStrings.xml"):
        if element.tag == _MAIN + "si":
            strings.append(_text(element))
            element.clear()
    return strings


def _column(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def iter_sheet(archive: zipfile.ZipFile, *, max_rows: int, max_columns: int, max_cells: int):
    """``(row number, [values])`` of the first sheet's non-empty rows, in order (cells padded to their column)."""
    names = set(archive.namelist())
    sheet = first_sheet_part(archive)
    strings = _shared_strings(archive, names)
    dates = _date_styles(archive, names)
    epoch = datetime(1899, 12, 30)
    book = _read_xml(archive, "xl/workbook.xml")
    props = book.find(_MAIN + "workbookPr")
    if props is not None and props.get("date1904") in ("1", "true"):
        epoch = datetime(1904, 1, 1)
    row_tag, c_tag, v_tag, is_tag = _MAIN + "row", _MAIN + "c", _MAIN + "v", _MAIN + "is"
    cells_seen = 0
    last_row = 0
    holder = None
    columns: dict[str, int] = {}
    for event, row in _events(archive, sheet, ("start", "end")):
        if event == "start":
            if row.tag == _MAIN + "sheetData":
                holder = row
            continue
        if row.tag != row_tag:
            continue
        r = row.get("r")
        number = int(r) if r else last_row + 1
        last_row = number
        if number > max_rows:
            row.clear()
            raise SheetTooLarge("行", max_rows, number)
        values: list = []
        for c in row:
            if c.tag != c_tag:
                continue
            ref = c.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                col = columns.get(letters)
                if col is None:
                    if letters.isalpha() and letters.isupper() and len(letters) <= 3:
                        col = columns[letters] = _column(letters)
                    else:
                        col = len(values)
            else:
                col = len(values)
            if col >= max_columns:
                row.clear()
                raise SheetTooLarge("列", max_columns, number)
            kind = c.get("t", "n")
            if kind == "inlineStr":
                inline = c.find(is_tag)
                value = _text(inline) if inline is not None else ""
            else:
                v = c.find(v_tag)
                raw = v.text if v is not None else None
                if raw is None:
                    continue
                if kind == "s":
                    value = strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else ""
                elif kind == "b":
                    value = raw == "1"
                elif kind in ("str", "e"):
                    value = raw
                else:
                    try:
                        number_value = float(raw)
                    except ValueError:
                        value = raw
                    else:
                        style = c.get("s")
                        if style and style.isdigit() and int(style) < len(dates) and dates[int(style)]:
                            moment = epoch + timedelta(days=number_value)
                            value = moment.date() if number_value.is_integer() else moment
                        else:
                            value = number_value
            if col > len(values):
                values.extend([""] * (col - len(values)))
            if col == len(values):
                values.append(value)
            else:
                values[col] = value
            cells_seen += 1
        row.clear()
        if holder is not None:
            holder.clear()  # the rows read so far: nothing of the sheet stays behind
        if cells_seen > max_cells:
            raise SheetTooLarge("单元格", max_cells, number)
        if values:
            yield number, values


__all__ = ["SheetTooLarge", "UnsafeXml", "first_sheet_part", "iter_sheet", "date"]
