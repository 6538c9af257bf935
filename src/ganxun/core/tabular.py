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
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError

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

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return (f"共 {self.total} 行：{verb}新增 {self.created} 条，{verb}修改 {self.updated} 条，"
                f"{self.unchanged} 条无变化" + ("（试运行，未写入数据库）" if self.dry_run else ""))


def check_rows(table: Table, check) -> tuple[list, list[RowError]]:
    """Run ``check(row, errs)`` on every row of ``table``: ``(results of clean rows, every problem)``.

    ``check`` appends ``(column, message)`` to ``errs`` and returns the row's result (or ``None``). The
    messages are masked here: a row may quote an ID number back to the user.
    """
    from ganxun.core.idnumbers import mask_all_in_text

    valid: list = []
    errors: list[RowError] = []
    for row in table.rows:
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
def conflicts_rejected(table: Table, message: str, *exceptions: type[Exception]):
    """A write that collides with someone else's meanwhile: the whole import is refused with ``message``."""
    try:
        yield
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
    if isinstance(value, str):
        return value.strip().strip("\u3000").strip()
    return value


def _is_empty(value) -> bool:
    return value is None or value == ""


def read_table(data: bytes, filename: str, *, columns: Sequence[str] | None = None,
               required: Iterable[str] = ()) -> Table:
    """Read the first sheet of an .xlsx, or a UTF-8 CSV, into headers and numbered rows.

    With ``columns`` (and ``required``), unknown and missing columns are refused here too.
    """
    source = filename or "上传的文件"
    if not data:
        raise _reject(source, "文件是空的（0 字节）")
    limit = settings.GANXUN_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise _reject(source, f"文件过大（{len(data) / 1048576:.1f} MB），不能超过 {limit // 1048576} MB")
    if data[:4] in ZIP_MAGIC:
        grid = _xlsx_grid(data, source)
    elif data.startswith(OLE_MAGIC):
        raise _reject(source, "这是旧版 Excel（.xls）或加密的工作簿，请在 Excel 中另存为 .xlsx 后再导入")
    else:
        if filename.lower().endswith((".xlsx", ".xlsm")):
            raise _reject(source, "扩展名是 .xlsx，但内容不是 Excel 文件（可能已损坏或被改了扩展名）")
        grid = _csv_grid(data, source)
    table = _table_from_grid(grid, source)
    if columns is not None:
        table.require_columns(columns, required)
    return table


def _xlsx_grid(data: bytes, source: str) -> Iterable[list]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _reject(source, "文件已损坏或不完整，无法作为 Excel（.xlsx）文件打开") from None
    if len(entries) >= MAX_ZIP_ENTRIES:
        raise _reject(source, f"Excel 文件内部包含 {len(entries)} 个部件，超过 {MAX_ZIP_ENTRIES} 个的上限，拒绝打开")
    total = sum(e.file_size for e in entries)
    if total >= MAX_UNCOMPRESSED_BYTES:
        raise _reject(source, f"Excel 文件解压后超过 {MAX_UNCOMPRESSED_BYTES // 1048576} MB，拒绝打开")
    for e in entries:
        if e.file_size >= RATIO_CHECK_FROM_BYTES and e.file_size > MAX_COMPRESSION_RATIO * max(e.compress_size, 1):
            raise _reject(source, "Excel 文件的压缩比异常（疑似压缩炸弹），拒绝打开")
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _reject(source, NOT_A_TABLE + "（这是一个 zip 压缩包，但不是 Excel 工作簿）")
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        end = sheet.end
        if end is not None and end[0] > settings.GANXUN_MAX_IMPORT_ROWS + 1:
            raise _too_many_rows(source, end[0])
        return sheet.to_python(skip_empty_area=False)
    except ImportRejected:
        raise
    except Exception:  # calamine raises its own errors and, on malformed XML, sometimes others
        raise _reject(source, "无法读取 Excel 文件的第一个工作表（文件可能已损坏）") from None


def _too_many_rows(source: str, count: int) -> ImportRejected:
    return _reject(source, f"数据行过多（至少 {count} 行），一次最多导入 {settings.GANXUN_MAX_IMPORT_ROWS} 行，请分批导入")


def _csv_grid(data: bytes, source: str) -> Iterable[list]:
    if b"\x00" in data[:65536]:
        raise _reject(source, NOT_A_TABLE)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _reject(source, NOT_A_TABLE + "；如果是 CSV，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”") from None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in text[:65536]):
        raise _reject(source, NOT_A_TABLE)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return [[_unquote(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise _reject(source, f"CSV 格式有误：{exc}") from None


def _unquote(cell: str) -> str:
    """Undo ``write_csv``'s guard: ``'=1+1`` was written for the text ``=1+1``."""
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r" else cell


def _table_from_grid(grid: Iterable[list], source: str) -> Table:
    headers: list[str] | None = None
    header_row = 0
    rows: list[TableRow] = []
    max_rows = settings.GANXUN_MAX_IMPORT_ROWS
    errors: list[RowError] = []
    stray_columns: set[int] = set()
    for index, raw in enumerate(grid):
        cells = [_clean_value(v) for v in raw]
        if all(_is_empty(v) for v in cells):
            continue
        number = index + 1
        if headers is None:
            headers = [_clean_header(v) for v in cells]
            while headers and not headers[-1]:
                headers.pop()
            header_row = number
            continue
        for i in range(len(headers), len(cells)):
            if not _is_empty(cells[i]):
                stray_columns.add(i)
        values = {}
        for i, name in enumerate(headers):
            if not name:
                if i < len(cells) and not _is_empty(cells[i]):
                    stray_columns.add(i)
                continue
            values[name] = cells[i] if i < len(cells) else ""
        rows.append(TableRow(number=number, values=values))
        if len(rows) > max_rows:
            raise _too_many_rows(source, len(rows))
    if headers is None:
        raise _reject(source, "文件中没有任何内容（需要第一行为列名，之后为数据行）")
    seen: dict[str, int] = {}
    for i, name in enumerate(headers):
        if name in seen:
            errors.append(RowError(0, name, f"列名重复（第 {seen[name] + 1} 列和第 {i + 1} 列）"))
        elif name:
            seen[name] = i
    for i in sorted(stray_columns):
        errors.append(RowError(0, "", f"第 {_column_letter(i)} 列有数据但没有列名"))
    if errors:
        raise ImportRejected(errors=errors, source=source)
    if not rows:
        raise _reject(source, "只有表头，没有数据行")
    return Table(source=source, headers=[h for h in headers if h], rows=rows, header_row=header_row)


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
