"""Reading uploaded tables: real workbooks and CSV in, every bad file refused with a Chinese reason."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter

from ganxun.core import tabular
from ganxun.core.errors import ImportRejected
from ganxun.core.tabular import read_table, write_csv


def xlsx_bytes(headers, rows, *, text_columns=()) -> bytes:
    """A real workbook written by openpyxl: dates become date cells, numbers number cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    for column in text_columns:
        for cell in sheet[column]:
            cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(headers, rows, *, bom=True, encoding="utf-8") -> bytes:
    lines = [",".join(headers)] + [",".join("" if v is None else str(v) for v in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def rejection(data: bytes, filename: str = "data.xlsx", **kwargs) -> str:
    with pytest.raises(ImportRejected) as exc:
        read_table(data, filename, **kwargs)
    return " ".join(str(e) for e in exc.value.errors)


def test_a_workbook_reads_headers_values_and_spreadsheet_row_numbers():
    # given a workbook with a blank line between two data rows
    data = xlsx_bytes(["单位编码", "单位名称"], [["41", " 河南省 "], [None, None], ["4199", "示例市"]])
    # when
    table = read_table(data, "orgs.xlsx")
    # then values are trimmed and rows numbered as Excel numbers them
    assert table.headers == ["单位编码", "单位名称"]
    assert [(r.number, r.values) for r in table.rows] == [
        (2, {"单位编码": "41", "单位名称": "河南省"}), (4, {"单位编码": "4199", "单位名称": "示例市"})]


def test_excel_date_cells_come_back_as_dates():
    # given
    data = xlsx_bytes(["出生日期", "录用时间"], [[date(1980, 5, 17), datetime(2001, 7, 1)]])
    # when
    row = read_table(data, "c.xlsx").rows[0]
    # then
    assert row.get("出生日期") == date(1980, 5, 17)
    assert str(row.get("录用时间"))[:10] == "2001-07-01"


def test_an_id_number_excel_turned_into_a_number_stays_a_number_to_be_reported():
    data = xlsx_bytes(["身份证号"], [[110105194912310021]])
    assert isinstance(read_table(data, "c.xlsx").rows[0].get("身份证号"), float)


def test_csv_with_a_bom_reads_like_a_workbook():
    # given
    data = csv_bytes(["单位编码", "单位名称"], [["41", "河南省"]], bom=True)
    # when
    table = read_table(data, "orgs.csv")
    # then the BOM is not part of the first column's name
    assert table.headers == ["单位编码", "单位名称"]
    assert table.rows[0].number == 2 and table.rows[0].get("单位名称") == "河南省"


def test_csv_without_the_csv_suffix_is_judged_by_its_content():
    assert read_table(csv_bytes(["单位编码"], [["41"]], bom=False), "upload").rows[0].get("单位编码") == "41"


def test_a_gbk_csv_is_refused_with_a_hint_to_save_as_utf8():
    data = csv_bytes(["单位编码", "单位名称"], [["41", "河南省"]], bom=False, encoding="gbk")
    assert "CSV UTF-8" in rejection(data, "orgs.csv")


def test_a_zero_byte_file_is_refused():
    assert "0 字节" in rejection(b"", "empty.xlsx")


def test_a_renamed_program_is_refused():
    # given a Windows program renamed to .xlsx and to .csv
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 8
    # then neither is read
    assert "不是 Excel 文件" in rejection(exe, "名册.xlsx")
    assert "不是 Excel（.xlsx）或 CSV 文件" in rejection(exe, "名册.csv")


def test_a_legacy_xls_is_refused_with_advice():
    assert "另存为 .xlsx" in rejection(tabular.OLE_MAGIC + b"\x00" * 600, "old.xls")


def test_a_truncated_workbook_is_refused():
    data = xlsx_bytes(["单位编码"], [["41"]] * 50)
    assert "损坏" in rejection(data[: len(data) // 2])


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "不是 Excel 工作簿" in rejection(out.getvalue())


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch):
    # given a workbook-shaped zip with one entry that compresses a thousandfold
    monkeypatch.setattr(tabular, "RATIO_CHECK_FROM_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 * 1024 * 1024))
    # then
    assert "压缩炸弹" in rejection(out.getvalue())


def test_a_workbook_too_big_once_unpacked_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_UNCOMPRESSED_BYTES", 1024)
    assert "解压后超过" in rejection(xlsx_bytes(["单位编码"], [["41"]] * 200))


def test_a_zip_with_too_many_entries_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for i in range(tabular.MAX_ZIP_ENTRIES):
            z.writestr(f"x/{i}.xml", "")
    assert "上限" in rejection(out.getvalue())


def test_an_empty_sheet_and_a_header_only_sheet_are_refused():
    assert "没有任何内容" in rejection(xlsx_bytes([], []))
    assert "只有表头" in rejection(xlsx_bytes(["单位编码", "单位名称"], []))
    assert "只有表头" in rejection(csv_bytes(["单位编码"], []), "x.csv")


def test_too_many_rows_are_refused(settings):
    # given a limit of 5 rows
    settings.GANXUN_MAX_IMPORT_ROWS = 5
    # then 10 rows are refused, from a workbook and from CSV
    assert "一次最多导入 5 行" in rejection(xlsx_bytes(["单位编码"], [[str(i)] for i in range(10)]))
    assert "一次最多导入 5 行" in rejection(csv_bytes(["单位编码"], [[str(i)] for i in range(10)]), "x.csv")


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.GANXUN_MAX_UPLOAD_BYTES = 100
    assert "文件过大" in rejection(csv_bytes(["单位编码"], [["41"]] * 50), "x.csv")


def test_duplicate_headers_are_refused():
    assert "列名重复" in rejection(xlsx_bytes(["单位编码", "单位名称", "单位编码"], [["41", "河南省", "41"]]))


def test_values_under_no_header_are_refused():
    assert "没有列名" in rejection(csv_bytes(["单位编码", ""], [["41", "多余"]]), "x.csv")


def test_unknown_columns_are_reported_and_missing_ones_named():
    # given a file with a typo in one column name and without another
    data = xlsx_bytes(["单位编码", "单位明称", "备注"], [["41", "河南省", ""]])
    # when
    with pytest.raises(ImportRejected) as exc:
        read_table(data, "orgs.xlsx", columns=["单位编码", "单位名称"], required=["单位编码", "单位名称"])
    # then each unknown column and the missing one is its own error
    columns = {(e.column, e.row) for e in exc.value.errors}
    assert columns == {("单位明称", 0), ("备注", 0), ("单位名称", 0)}
    assert any("无法识别的列" in e.message for e in exc.value.errors)


def test_xxe_in_shared_strings_does_not_read_local_files():
    # given a workbook whose sharedStrings.xml declares an external entity
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)  # not constant_memory: strings go to sharedStrings.xml
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "单位编码")
    sheet.write_string(1, 0, "placeholder")
    book.close()
    src = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    assert "xl/sharedStrings.xml" in src.namelist()
    out = io.BytesIO()
    evil = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
            '<si><t>单位编码</t></si><si><t>&xxe;</t></si></sst>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            z.writestr(info, evil if info.filename == "xl/sharedStrings.xml" else body)
    # when
    try:
        values = [str(v) for r in read_table(out.getvalue(), "x.xlsx").rows for v in r.values.values()]
    except ImportRejected:
        values = []
    # then
    assert not any("root:" in v for v in values)


def test_csv_export_guards_formula_cells_and_reads_back_the_same_text():
    # given a name that a spreadsheet would run as a formula
    content = write_csv(["单位名称", "是否"], [["=1+1", True], ["-x", False]])
    # then the file is UTF-8 with a BOM and the cell is quoted
    assert content.startswith(b"\xef\xbb\xbf") and b"'=1+1" in content
    # and reading it back gives the original text
    rows = read_table(content, "x.csv").rows
    assert rows[0].get("单位名称") == "=1+1" and rows[0].get("是否") == "是"
    assert rows[1].get("单位名称") == "-x"


# --- reading a file of any size as a stream ------------------------------------------------------

def test_a_stream_reads_rows_in_chunks_with_their_numbers(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(["单位编码", "单位名称"], [[str(i), f"单位{i}"] for i in range(25)]))
    with tabular.open_table(path) as stream:
        assert stream.headers == ["单位编码", "单位名称"]
        chunks = list(stream.chunks(10))
        assert stream.fraction() == 1.0
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert chunks[2][-1].number == 26 and chunks[2][-1].get("单位名称") == "单位24"


def test_a_stream_of_a_workbook_keeps_spreadsheet_rows_and_column_letters(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"], sheet["B5"], sheet["D6"] = "单位编码", "单位名称", "41", "多余"
    path = tmp_path / "offset.xlsx"
    book.save(path)
    with tabular.open_table(path) as stream, pytest.raises(ImportRejected) as exc:
        rows = []
        for row in stream.iter_rows():
            rows.append(row)
    assert [r.number for r in rows] == [5, 6] and rows[0].get("单位编码") == "41"
    assert "第 D 列有数据但没有列名" in str(exc.value.errors[0])


def test_the_page_limits_apply_only_when_asked(tmp_path, settings):
    settings.GANXUN_MAX_IMPORT_ROWS, settings.GANXUN_MAX_UPLOAD_BYTES = 5, 100
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(["单位编码"], [[str(i)] for i in range(50)]))
    with pytest.raises(ImportRejected) as exc:
        tabular.open_table(path, limited=True)
    assert "文件过大" in str(exc.value.errors[0])
    with tabular.open_table(path) as stream:
        assert len(stream.to_table().rows) == 50


def test_bytes_that_stop_being_utf8_far_into_a_csv_are_refused_with_where(tmp_path):
    rows = [["41", "单位" * 20]] * 2000  # well past the first 64 KB that are judged up front
    path = tmp_path / "mixed.csv"
    path.write_bytes(csv_bytes(["单位编码", "单位名称"], rows) + "42,河南\r\n".encode("gbk"))
    with tabular.open_table(path) as stream, pytest.raises(ImportRejected) as exc:
        list(stream.iter_rows())
    # the reader decodes ahead of the rows it hands out: the message names a row a little before the bad one
    message = str(exc.value.errors[0])
    assert "不是 UTF-8" in message and 1900 < int(message.split("第 ")[1].split(" 行")[0]) <= 2002
