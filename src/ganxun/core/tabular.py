"""Reading an uploaded table (.xlsx first sheet, or UTF-8 CSV), defensively, and the import report.

The file is judged by its bytes, not its name: a zip that is a real workbook is read with
python-calamine after its size, entry count, uncompressed size and compression ratio were checked;
anything else must decode as UTF-8 (a BOM is fine) and is read as CSV. Every refusal is an
``ImportRejected`` whose ``RowError`` has row 0 (the file as a whole) or the row that is wrong.
Values come back trimmed; Excel number cells stay ``float`` and date cells ``date``/``datetime``,
so an importer can tell an 18-digit ID that Excel turned into a number from one typed as text.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError

from ganxun.core import textcheck
from ganxun.core.errors import ImportRejected, RowError

MAX_ZIP_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Real workbooks compress 5-20x; a bomb is much higher. Only large entries are judged by ratio.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 10 * 1024 * 1024

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NOT_A_TABLE = "不是 Excel（.xlsx）或 CSV 文件，请上传 .xlsx 文件或 UTF-8 编码的 .csv 文件"


@dataclass
class TableRow:
    """One data row: ``number`` counts as the spreadsheet does (the header row is usually 1)."""

    number: int
    values: dict

    def get(self, column: str, default=None):
        return self.values.get(column, default)


@dataclass
class Table:
    source: str
    headers: list[str]
    rows: list[TableRow]
    header_row: int = 1

    def has(self, column: str) -> bool:
        return column in self.headers

    def require_columns(self, known: Sequence[str], required: Iterable[str] = ()) -> None:
        """Refuse unknown columns (listed, never dropped) and missing required ones."""
        errors = [RowError(0, h, "无法识别的列（可用的列：" + "、".join(known) + "）")
                  for h in self.headers if h not in known]
        errors += [RowError(0, c, "缺少必需的列") for c in required if c not in self.headers]
        if errors:
            raise ImportRejected(errors=errors, source=self.source)


@dataclass
class ReportRow:
    """One row as the preview shows it: what will happen to it."""

    row: int
    action: str  # "created", "updated" or "unchanged"
    key: str
    label: str
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"created": "新增", "updated": "修改", "unchanged": "不变"}.get(self.action, self.action)


_ROW_SINK: ContextVar = ContextVar("ganxun_import_row_sink", default=None)


@contextmanager
def rows_to(sink):
    """Every ``ImportReport`` made inside hands each decided row to ``sink.row(ReportRow)`` and each
    problem it is told of to ``sink.error(RowError)`` (``None``: nowhere). A background import writes
    its per-row report file this way, whatever the kind."""
    token = _ROW_SINK.set(sink)
    try:
        yield
    finally:
        _ROW_SINK.reset(token)


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    kind: str
    source: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    samples: list[ReportRow] = field(default_factory=list)
    # Where every row goes as it is decided (a background import writes them to its report file).
    sink: object = field(default_factory=lambda: _ROW_SINK.get(), repr=False, compare=False)

    SAMPLE_SIZE = 20

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def add(self, row: ReportRow) -> None:
        if row.action == "created":
            self.created += 1
        elif row.action == "updated":
            self.updated += 1
        else:
            self.unchanged += 1
        if row.action != "unchanged" and len(self.samples) < self.SAMPLE_SIZE:
            self.samples.append(row)
        if self.sink is not None:
            self.sink.row(row)

    def wants(self, action: str) -> bool:
        """Would ``add`` keep a row of ``action`` (a sink, or a sample still missing)? If not, ``tally`` counts it
        without the ``ReportRow`` (an import of millions of rows builds none)."""
        return self.sink is not None or (action != "unchanged" and len(self.samples) < self.SAMPLE_SIZE)

    def tally(self, action: str) -> None:
        if action == "created":
            self.created += 1
        elif action == "updated":
            self.updated += 1
        else:
            self.unchanged += 1

    def note_errors(self, errors: Iterable[RowError]) -> None:
        """Problems found on the way (a streaming import lists only the first ones in its refusal)."""
        if self.sink is not None:
            for error in errors:
                self.sink.error(error)

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (f"共 {self.total} 行：{verb}新增 {self.created} 条，{verb}修改 {self.updated} 条，"
                f"{self.unchanged} 条无变化" + ("（试运行，未写入数据库）" if self.dry_run else ""))


def check_rows(table, check) -> tuple[list, list[RowError]]:
    """Run ``check(row, errs)`` on every row of ``table`` (or of a list of rows): ``(results of clean rows, every problem)``.

    ``check`` appends ``(column, message)`` to ``errs`` and returns the row's result (or ``None``). The
    messages are masked here: a row may quote an ID number back to the user.
    """
    from ganxun.core.idnumbers import mask_all_in_text

    valid: list = []
    errors: list[RowError] = []
    for row in (table.rows if isinstance(table, Table) else table):
        row_errors: list[tuple[str, str]] = []
        result = check(row, row_errors)
        if row_errors:
            errors += [RowError(row.number, column, mask_all_in_text(message)) for column, message in row_errors]
        elif result is not None:
            valid.append(result)
    return valid, errors


def reject_errors(errors: list[RowError], table: Table, columns: Sequence[str]) -> None:
    """Refuse the whole table if anything is wrong: every problem, by row and then column order."""
    if errors:
        order = {c: i for i, c in enumerate(columns)}
        errors.sort(key=lambda e: (e.row, order.get(e.column, len(order))))
        raise ImportRejected(errors=errors, source=table.source)


@contextmanager
def conflicts_rejected(table, message: str, *exceptions: type[Exception]):
    """A write that collides with someone else's meanwhile: the whole import is refused with ``message``."""
    try:
        yield
    except ImportRejected:
        raise  # the file's own problems, found while it was written chunk by chunk
    except (exceptions or (IntegrityError,)):
        raise ImportRejected(errors=[RowError(0, "", message)], source=table.source) from None


def _reject(source: str, message: str, column: str = "") -> ImportRejected:
    return ImportRejected(errors=[RowError(0, column, message)], source=source)


def _clean_header(value) -> str:
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", text)
    # Templates often mark required columns "*姓名"; the mark is not part of the name.
    return "".join(text.split()).strip("*")


def _clean_value(value):
    # str.strip() takes the ideographic space (U+3000) too: it is Unicode whitespace
    return value.strip() if isinstance(value, str) else value


def _is_empty(value) -> bool:
    return value is None or value == ""


def read_table(data: bytes, filename: str, *, columns: Sequence[str] | None = None,
               required: Iterable[str] = ()) -> Table:
    """Read the first sheet of an .xlsx, or a UTF-8 CSV, into headers and numbered rows (the page's limits).

    With ``columns`` (and ``required``), unknown and missing columns are refused here too.
    """
    source = filename or "上传的文件"
    if not data:
        raise _reject(source, "文件是空的（0 字节）")
    limit = settings.GANXUN_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise _reject(source, f"文件过大（{len(data) / 1048576:.1f} MB），不能超过 {limit // 1048576} MB")
    with _open(io.BytesIO(data), len(data), filename, source, limited=True) as stream:
        table = stream.to_table()
    if columns is not None:
        table.require_columns(columns, required)
    return table


def open_table(path, filename: str | None = None, *, limited: bool = False) -> "TableStream":
    """A table on disk, read as a stream: the headers now, the rows one by one (``TableStream``).

    ``limited`` applies the page's limits (``GANXUN_MAX_UPLOAD_BYTES``, ``GANXUN_MAX_IMPORT_ROWS``); the
    command line passes none, and a file of any size is read without being held in memory (CSV as a
    stream of lines; .xlsx cell by cell from calamine's sheet, which itself holds the sheet's cells).
    Use it as a context manager, or call ``close()``.
    """
    import os

    name = filename or os.path.basename(str(path))
    source = filename or str(path)
    try:
        size = os.path.getsize(path)
        fh = open(path, "rb")
    except OSError as exc:
        raise _reject(source, f"无法读取文件（{exc.strerror}）") from None
    if not size:
        fh.close()
        raise _reject(source, "文件是空的（0 字节）")
    if limited and size > settings.GANXUN_MAX_UPLOAD_BYTES:
        fh.close()
        raise _reject(source, f"文件过大（{size / 1048576:.1f} MB），不能超过 "
                              f"{settings.GANXUN_MAX_UPLOAD_BYTES // 1048576} MB")
    try:
        return _open(fh, size, name, source, limited=limited)
    except BaseException:
        fh.close()
        raise


class TableStream:
    """A table read once, front to back: ``headers`` at once, then ``iter_rows()`` or ``chunks(n)``.

    File-level problems found on the way (values under no header, nothing but the header, too many rows
    for the page, bytes that are not UTF-8) are raised as ``ImportRejected`` when the reading reaches them.
    ``rows_read`` and ``fraction()`` tell how far it got (for progress bars).
    """

    def __init__(self, source: str, headers: list[str], header_row: int, grid, width: int, fh, size: int,
                 max_rows: int | None, total_rows: int | None = None, closer=None, texts: bool = False):
        self.source, self.headers, self.header_row = source, [h for h in headers if h], header_row
        self._all_headers, self._grid, self._width = headers, grid, width
        self._fh, self.size, self.max_rows, self.total_rows = fh, size, max_rows, total_rows
        self._closer = closer
        self.texts = texts  # every cell is a ``str`` (CSV)
        self.rows_read = 0
        self._last_number = header_row
        self._used = self._done = False

    # the same questions a ``Table`` answers
    def has(self, column: str) -> bool:
        return column in self.headers

    require_columns = Table.require_columns

    def fraction(self) -> float:
        """How much of the file is read, 0 to 1."""
        if self._done:
            return 1.0
        if self.total_rows:
            return min(1.0, (self._last_number - self.header_row) / max(1, self.total_rows - self.header_row))
        try:
            return min(1.0, self._fh.tell() / self.size) if self.size else 0.0
        except (OSError, ValueError):
            return 0.0

    def iter_rows(self):
        if self._used:
            raise RuntimeError("a TableStream is read once")
        self._used = True
        headers, width, source = self._all_headers, len(self._all_headers), self.source
        named = [(i, name) for i, name in enumerate(headers) if name]
        unnamed = [i for i, name in enumerate(headers) if not name]
        stray: set[int] = set()
        max_rows = self.max_rows
        names = [name for _, name in named]
        texts = self.texts
        plain = not unnamed  # every column named: a full row maps by position (``dict(zip(…))``)
        count = 0
        bad_text: list[RowError] = []
        multiline = [textcheck.is_multiline(name) for name in headers]
        for number, raw in self._grid:
            # ``_clean_value`` inlined: this loop runs once per cell of a file of millions of rows (a CSV's
            # cells are all text: ``str.strip`` mapped over them in C)
            cells = list(map(str.strip, raw)) if texts else [v.strip() if type(v) is str else v for v in raw]
            if not any(cells) and all(_is_empty(v) for v in cells):
                continue
            # control and bidirectional characters (``core.textcheck``): one search over the row's text
            if textcheck.any_problem(v for v in cells if type(v) is str):
                for i, v in enumerate(cells):
                    message = textcheck.problem(v, multiline=i < width and multiline[i])
                    if message and len(bad_text) < 100:
                        bad_text.append(RowError(number, headers[i] if i < width else _column_letter(i) + " 列",
                                                 message))
            if plain and len(cells) == width:
                count += 1
                if max_rows is not None and count > max_rows:
                    raise _too_many_rows(source, count)
                self.rows_read, self._last_number = count, number
                yield TableRow(number, dict(zip(names, cells)))
                continue
            if len(cells) > width:
                for i in range(width, len(cells)):
                    if not _is_empty(cells[i]):
                        stray.add(i)
            elif len(cells) < width:
                cells += [""] * (width - len(cells))
            for i in unnamed:
                if not _is_empty(cells[i]):
                    stray.add(i)
            count += 1
            if max_rows is not None and count > max_rows:
                raise _too_many_rows(source, count)
            self.rows_read, self._last_number = count, number
            yield TableRow(number=number, values={name: cells[i] for i, name in named})
        self._done = True
        if bad_text:
            raise ImportRejected(errors=bad_text, source=source)
        if stray:
            raise ImportRejected(errors=[RowError(0, "", f"第 {_column_letter(i)} 列有数据但没有列名")
                                         for i in sorted(stray)], source=source)
        if not count:
            raise _reject(source, "只有表头，没有数据行")

    def chunks(self, size: int):
        """Lists of up to ``size`` rows, in order."""
        chunk: list[TableRow] = []
        for row in self.iter_rows():
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def to_table(self) -> Table:
        """Every row in memory (the kinds that match their whole file at once)."""
        return Table(source=self.source, headers=self.headers, rows=list(self.iter_rows()),
                     header_row=self.header_row)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None
        self._fh.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _open(fh, size: int, filename: str, source: str, *, limited: bool) -> TableStream:
    """Sniff the bytes, read the header row, and hand back the stream of the rest."""
    head = fh.read(65536)
    fh.seek(0)
    if head[:4] in ZIP_MAGIC:
        grid, total, closer = _xlsx_grid(fh, source, limited=limited, filename=filename)
        texts = False
    elif head.startswith(OLE_MAGIC):
        raise _reject(source, "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中另存为 .xlsx 后再导入")
    else:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            raise _reject(source, "扩展名是 .xlsx，但内容不是 Excel 文件（可能已损坏或被改了扩展名）")
        grid, total, closer = _csv_grid(fh, head, source), None, None
        texts = True
    max_rows = settings.GANXUN_MAX_IMPORT_ROWS if limited else None
    headers, header_row = None, 0
    for number, raw in grid:
        cells = [_clean_value(v) for v in raw]
        if all(_is_empty(v) for v in cells):
            continue
        headers = [_clean_header(v) for v in cells]
        while headers and not headers[-1]:
            headers.pop()
        header_row = number
        break
    if headers is None:
        raise _reject(source, "文件中没有任何内容（需要第一行为列名，之后为数据行）")
    seen: dict[str, int] = {}
    errors = []
    for i, name in enumerate(headers):
        if name in seen:
            errors.append(RowError(0, name, f"列名重复（第 {seen[name] + 1} 列和第 {i + 1} 列）"))
        elif name:
            seen[name] = i
    if errors:
        raise ImportRejected(errors=errors, source=source)
    return TableStream(source, headers, header_row, grid, len(headers), fh, size, max_rows, total, closer,
                       texts=texts)


MACRO_REFUSED = ("是启用宏的工作簿（含 VBA 宏），出于安全考虑不予导入；"
                 "请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后再导入")


def _xlsx_grid(fh, source: str, *, limited: bool, filename: str = ""):
    """``(numbered rows, last row number, closer)`` of the first sheet, after the zip was judged safe.

    Everything here is decided from the zip's central directory (and ``[Content_Types].xml``, a few KB)
    before any part of the sheet is unpacked: the entry count, the declared uncompressed size, the ratio,
    macros. The sheet is then read by calamine when its XML is small, else as a stream (``xlsxstream``);
    both stop at the row, column and cell caps.
    """
    from ganxun.core import xlsxstream

    if filename.lower().endswith((".xlsm", ".xltm")):
        raise _reject(source, "文件" + MACRO_REFUSED)
    try:
        archive = zipfile.ZipFile(fh)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _reject(source, "文件已损坏或不完整，无法作为 Excel（.xlsx）文件打开") from None
    max_entries = getattr(settings, "GANXUN_MAX_XLSX_ENTRIES", MAX_ZIP_ENTRIES)
    if len(entries) >= min(max_entries, MAX_ZIP_ENTRIES):
        raise _reject(source, f"Excel 文件内部包含 {len(entries)} 个部件，超过 {max_entries} 个的上限，拒绝打开")
    total = sum(e.file_size for e in entries)
    max_bytes = min(MAX_UNCOMPRESSED_BYTES, settings.GANXUN_MAX_XLSX_UNCOMPRESSED_BYTES)
    if total >= max_bytes:
        raise _reject(source, f"Excel 文件解压后超过 {max_bytes // 1048576} MB 的上限（声明共 "
                              f"{total / 1048576:.0f} MB），拒绝打开（请分成几个文件导入）")
    for e in entries:
        if e.file_size >= RATIO_CHECK_FROM_BYTES and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
            raise _reject(source, "Excel 文件的压缩比异常（疑似压缩炸弹），拒绝打开")
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _reject(source, NOT_A_TABLE + "（这是一个 zip 压缩包，但不是 Excel 工作簿）")
    if any(n.lower().endswith(("vbaproject.bin", "vbaprojectsignature.bin")) for n in names):
        raise _reject(source, "文件" + MACRO_REFUSED)
    try:
        types = archive.getinfo("[Content_Types].xml")
        content_types = archive.read(types) if types.file_size <= 1048576 else b"macroEnabled"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _reject(source, "文件已损坏或不完整，无法作为 Excel（.xlsx）文件打开") from None
    if b"macroenabled" in content_types.lower() or b"vbaproject" in content_types.lower():
        raise _reject(source, "文件" + MACRO_REFUSED)
    max_rows = (settings.GANXUN_MAX_IMPORT_ROWS if limited else 1_048_576) + 1  # and the header
    caps = dict(max_rows=max_rows, max_columns=settings.GANXUN_MAX_IMPORT_COLUMNS,
                max_cells=settings.GANXUN_MAX_IMPORT_CELLS)
    try:
        sheet_part = xlsxstream.first_sheet_part(archive)
        sheet_size = archive.getinfo(sheet_part).file_size
    except xlsxstream.UnsafeXml:
        raise _reject(source, "Excel 文件中含有文档类型声明（DOCTYPE/ENTITY），出于安全考虑拒绝打开") from None
    except Exception:
        raise _reject(source, "无法读取 Excel 文件的第一个工作表（文件可能已损坏）") from None
    stream_from = (settings.GANXUN_XLSX_STREAM_FROM_BYTES if limited
                   else max(settings.GANXUN_XLSX_STREAM_FROM_BYTES, settings.GANXUN_XLSX_STREAM_FROM_BYTES_CLI))
    if sheet_size > stream_from:
        return _streamed(archive, source, caps), None, None
    try:
        _check_extent(archive, sheet_part, source, caps)
    except xlsxstream.UnsafeXml:
        raise _reject(source, "Excel 文件中含有文档类型声明（DOCTYPE/ENTITY），出于安全考虑拒绝打开") from None
    from python_calamine import CalamineWorkbook

    try:
        fh.seek(0)
        book = CalamineWorkbook.from_filelike(fh)
        sheet = book.get_sheet_by_index(0)
        start, end = sheet.start, sheet.end
        if limited and end is not None and end[0] > settings.GANXUN_MAX_IMPORT_ROWS + 1:
            raise _too_many_rows(source, end[0])
        rows = sheet.iter_rows()
    except ImportRejected:
        raise
    except Exception:  # calamine raises its own errors and, on malformed XML, sometimes others
        raise _reject(source, "无法读取 Excel 文件的第一个工作表（文件可能已损坏）") from None
    # iter_rows starts at the sheet's first row but at its first used column: put the empty columns back
    # so that column letters in messages are the spreadsheet's.
    pad = [""] * (start[1] if start else 0)

    def numbered():
        try:
            for index, row in enumerate(rows):
                yield index + 1, (pad + row) if pad else row
        except Exception:
            raise _reject(source, "无法读取 Excel 文件的第一个工作表（文件可能已损坏）") from None

    return numbered(), (end[0] + 1 if end else None), book.close if hasattr(book, "close") else None


_CELL_REF = re.compile(rb"<c r=\"([A-Z]{1,3})(\d+)\"")


def _check_extent(archive, part: str, source: str, caps: dict) -> None:
    """Before calamine builds the sheet's dense range: its last row and column, from the cells' references
    (two cells in opposite corners would otherwise cost billions of empty cells)."""
    from ganxun.core import xlsxstream

    for other in ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
        if other in archive.NameToInfo:
            for _ in xlsxstream._chunks(archive, other):
                pass
    last_row = last_col = cells = 0
    tail = b""
    for data in xlsxstream._chunks(archive, part):
        block = tail + data
        cut = block.rfind(b"<")
        block, tail = block[:cut], block[cut:]
        for letters, digits in _CELL_REF.findall(block):
            cells += 1
            col = xlsxstream._column(letters.decode())
            if col > last_col:
                last_col = col
            row = int(digits)
            if row > last_row:
                last_row = row
        if last_row > caps["max_rows"]:
            raise _sheet_too_large(source, xlsxstream.SheetTooLarge("行", caps["max_rows"], last_row))
        if last_col >= caps["max_columns"]:
            raise _sheet_too_large(source, xlsxstream.SheetTooLarge("列", caps["max_columns"], last_row))
        if cells > caps["max_cells"] or (last_row * (last_col + 1)) > 4 * caps["max_cells"]:
            raise _sheet_too_large(source, xlsxstream.SheetTooLarge("单元格", caps["max_cells"], last_row))


def _sheet_too_large(source: str, exc) -> ImportRejected:
    if exc.what == "行":
        return _reject(source, f"数据行过多（第 {exc.row} 行超出上限），一次最多导入 {exc.limit - 1} 行，请分批导入")
    if exc.what == "列":
        return _reject(source, f"列数过多（第 {exc.row} 行有超过 {exc.limit} 列的数据），请删除多余的列后再导入")
    return _reject(source, f"单元格过多（到第 {exc.row} 行已超过 {exc.limit} 个），请分成几个文件导入")


def _streamed(archive, source: str, caps: dict):
    from ganxun.core import xlsxstream

    try:
        for item in xlsxstream.iter_sheet(archive, **caps):
            yield item
    except xlsxstream.SheetTooLarge as exc:
        raise _sheet_too_large(source, exc) from None
    except xlsxstream.UnsafeXml:
        raise _reject(source, "Excel 文件中含有文档类型声明（DOCTYPE/ENTITY），出于安全考虑拒绝打开") from None
    except ImportRejected:
        raise
    except Exception:
        raise _reject(source, "无法读取 Excel 文件的第一个工作表（文件可能已损坏）") from None


def _too_many_rows(source: str, count: int) -> ImportRejected:
    return _reject(source, f"数据行过多（至少 {count} 行），一次最多导入 {settings.GANXUN_MAX_IMPORT_ROWS} 行，请分批导入")


def _csv_grid(fh, head: bytes, source: str):
    """Numbered CSV rows, decoded as they are read; the first 64 KB are judged before anything is read."""
    import codecs

    not_utf8 = NOT_A_TABLE + "；如果是 CSV，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
    if b"\x00" in head:
        raise _reject(source, NOT_A_TABLE)
    try:
        # not final: a character cut at the end of the 64 KB is no error
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < 65536)
    except UnicodeDecodeError:
        raise _reject(source, not_utf8) from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text):
        raise _reject(source, NOT_A_TABLE)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig", newline=""), delimiter=delimiter)

    def numbered():
        number = 0
        try:
            for number, cells in enumerate(reader, start=1):
                # most rows hold no quote at all: one join finds out (the comprehension costs a cell each)
                if "'" in "".join(cells):
                    cells = [c[1:] if c[:1] == "'" and c[1:2] in _GUARDED else c for c in cells]
                yield number, cells
        except UnicodeDecodeError:
            raise _reject(source, f"第 {number + 1} 行附近不是 UTF-8 编码的文字；" + not_utf8) from None
        except csv.Error as exc:
            raise _reject(source, f"CSV 格式有误：{exc}") from None

    return numbered()


_GUARDED = frozenset("=+-@\t\r")  # what ``write_csv`` quotes (``_unquote``, inlined in the reader)


def _unquote(cell: str) -> str:
    """Undo ``write_csv``'s guard: ``'=1+1`` was written for the text ``=1+1``."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r" else cell


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# Cells that a spreadsheet would run as a formula; CSV has no "text" type, so they get a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    from ganxun.core.parsing import cell_text

    text = cell_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(headers: Sequence[str], rows: Iterable[Sequence], *, target=None) -> bytes | None:
    """UTF-8 CSV with a BOM (so Excel opens it as UTF-8); booleans as 是/否, dates as YYYY-MM-DD."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    content = ("\ufeff" + out.getvalue()).encode("utf-8")
    if target is None:
        return content
    if hasattr(target, "write"):
        target.write(content)
    else:
        with open(target, "wb") as fh:
            fh.write(content)
    return None
