"""security.md's "Inputs to try", against every import kind (command line and page), the forms and the API writes.

Each bad input gets a clear Chinese message naming the file, row or field, and changes nothing: the row
count of every table (the audit's included) is the same afterwards. Files are tiny: the bomb is a small
zip that declares a huge size (or a compressible sheet over a lowered cap), the 1,048,576-row sheet one
header and one row numbered 1,048,576.
"""

import io
import struct
import threading
import zipfile

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from ganxun.cadres.columns import COLUMNS
from ganxun.cadres.models import Cadre
from ganxun.core import tabular
from ganxun.core.dataio import import_kinds
from ganxun.core.errors import ImportRejected
from ganxun.core.tabular import read_table
from ganxun.dataio.lock import BUSY_MESSAGE, heavy_import
from tests.cadres.test_cadre_import import cadre_row
from tests.cadres.test_cadre_pages import FORM
from tests.core.test_tabular import xlsx_bytes
from tests.factories import make_id_number, run_command

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def counts() -> dict:
    return {m._meta.label: m.objects.count() for m in apps.get_models()
            if m._meta.app_label in {"audit", "cadres", "orgs", "records", "classes", "resources", "accounts"}
            and not m._meta.proxy}


def rebuild(data: bytes, *, replace: dict | None = None, add: dict | None = None) -> bytes:
    """The same workbook with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        present = set(src.namelist())
        for name, content in {**(replace or {}), **(add or {})}.items():
            if name not in present or name in (add or {}):
                dst.writestr(name, content)
    return out.getvalue()


def declared_size(data: bytes, part: str, size: int) -> bytes:
    """The workbook with ``part``'s uncompressed size in the zip's central directory set to ``size``."""
    buf = bytearray(data)
    at = buf.find(b"PK\x01\x02" + b"", 0)
    while at != -1:
        name_len = struct.unpack_from("<H", buf, at + 28)[0]
        if bytes(buf[at + 46:at + 46 + name_len]).decode() == part:
            struct.pack_into("<I", buf, at + 24, size)
            return bytes(buf)
        at = buf.find(b"PK\x01\x02", at + 4)
    raise AssertionError(part)


def sheet_xml(rows: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<sheetData>{rows}</sheetData></worksheet>").encode()


BASE = xlsx_bytes(["单位编码", "单位名称"], [["41"]])
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>单位编码</t></is></c></row>'
XXE = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
       '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&e;</t></si></sst>')

# (case, file name, bytes, what the message says)
FILE_CASES = [
    ("renamed exe", "data.xlsx", b"MZ\x90\x00\x03" + bytes(300), "内容不是 Excel"),
    ("truncated zip", "data.xlsx", BASE[: len(BASE) // 2], "损坏"),
    ("zero bytes", "data.xlsx", b"", "文件是空的"),
    ("declared zip bomb", "data.xlsx", declared_size(BASE, SHEET, 3_000_000_000), "解压后超过"),
    ("xlsm by name", "data.xlsm", BASE, "启用宏"),
    ("vbaProject.bin", "data.xlsx", rebuild(BASE, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "启用宏"),
    ("macro content type", "data.xlsx", rebuild(BASE, replace={"[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/></Types>')}), "启用宏"),
    ("XXE in sharedStrings", "data.xlsx", rebuild(BASE, replace={"xl/sharedStrings.xml": XXE}), "DOCTYPE"),
    ("1,048,576 rows", "data.xlsx", rebuild(BASE, replace={SHEET: sheet_xml(
        HEADER_ROW + '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')}), "数据行过多"),
    ("cells in opposite corners", "data.xlsx", rebuild(BASE, replace={SHEET: sheet_xml(
        HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>')}), "列数过多"),
]


@pytest.mark.parametrize("kind", [k.key for k in import_kinds()])
def test_every_bad_file_is_refused_by_every_import_kind_on_the_command_line(world, tmp_path, capsys, kind):
    before = counts()
    # the command line has no row cap (it streams any file; the cell cap bounds the rest): a sheet whose one
    # data row is numbered 1,048,576 is one row there, read through a million empty rows (a second each kind:
    # ``test_a_million_row_sheet_on_the_command_line`` does it once)
    for case, name, data, expected in FILE_CASES:
        if case == "1,048,576 rows":
            continue
        path = tmp_path / name
        path.write_bytes(data)
        code = run_command("import_data", kind, str(path))
        err = capsys.readouterr().err
        assert code != 0, case
        assert expected in err, (case, err)
    assert counts() == before


@pytest.mark.parametrize("case,name,data,expected", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_every_bad_file_is_refused_by_the_import_page(client, world, case, name, data, expected):
    client.force_login(world.users["city"])
    before = counts()
    for kind in ("cadres", "orgs"):
        page = client.post("/import/", {"kind": kind, "action": "preview", "file": SimpleUploadedFile(name, data)})
        assert page.status_code == 200
        assert expected in page.content.decode(), case
    assert counts() == before


def test_a_compressible_bomb_over_the_cap_is_refused_before_its_sheet_is_unpacked(settings, monkeypatch):
    # given a cap of 2 MB and a sheet of 3 MB of repeated rows (a few KB once compressed)
    settings.GANXUN_MAX_XLSX_UNCOMPRESSED_BYTES = 2 * 1024 * 1024
    row = '<row><c t="inlineStr"><is><t>炸弹</t></is></c></row>'
    bomb = rebuild(BASE, replace={SHEET: sheet_xml(row * (3 * 1024 * 1024 // len(row.encode())))})
    assert len(bomb) < 100_000
    opened = []
    real_open = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda self, name, *a, **k: opened.append(str(getattr(
        name, "filename", name))) or real_open(self, name, *a, **k))
    # then it is refused, and no part of the workbook was unpacked
    with pytest.raises(ImportRejected) as exc:
        read_table(bomb, "bomb.xlsx")
    assert "解压后超过 2 MB" in str(exc.value.errors[0])
    assert opened == []


def test_a_large_sheet_is_read_as_a_stream_with_the_same_values(settings):
    # given a workbook with text, numbers, dates and a blank column
    from datetime import date

    data = xlsx_bytes(["单位编码", "学时", "日期", "", "备注"], [["41", 3.5, date(2024, 3, 1), None, "一\n二"],
                                                              ["4101", 8, date(2024, 3, 2), None, ""]])
    by_calamine = read_table(data, "a.xlsx")
    # when every sheet counts as large
    settings.GANXUN_XLSX_STREAM_FROM_BYTES = 0
    streamed = read_table(data, "a.xlsx")
    # then the stream gives what calamine gives
    assert streamed.headers == by_calamine.headers
    assert [r.values for r in streamed.rows] == [r.values for r in by_calamine.rows]
    assert streamed.rows[0].values["日期"] == date(2024, 3, 1) and streamed.rows[1].values["学时"] == 8.0


def test_a_streamed_sheet_stops_at_the_cell_cap(settings):
    settings.GANXUN_XLSX_STREAM_FROM_BYTES = 0
    settings.GANXUN_MAX_IMPORT_CELLS = 10
    with pytest.raises(ImportRejected) as exc:
        read_table(xlsx_bytes(["单位编码", "单位名称"], [["41", "河南"]] * 20), "a.xlsx")
    assert "单元格过多" in str(exc.value.errors[0])


BAD_NAMES = [("张\n三", "U+000A"), ("张\t三", "U+0009"), ("张\u202e三", "U+202E"), ("张\u2066三", "U+2066"),
             ("张\u200f三", "U+200F"), ("张\x85三", "U+0085"), ("张\u061c三", "U+061C")]


@pytest.mark.parametrize("name,code", BAD_NAMES, ids=[c for _, c in BAD_NAMES])
def test_a_name_with_a_control_or_bidi_character_is_refused_by_import_form_and_api(client, world, tmp_path,
                                                                                 capsys, name, code):
    client.force_login(world.users["city"])
    before = counts()
    # the command line: row and column named
    path = tmp_path / "cadres.xlsx"
    path.write_bytes(xlsx_bytes(COLUMNS, [cadre_row(), cadre_row(姓名=name, 人员编码="X1")]))
    assert run_command("import_data", "cadres", str(path)) != 0
    err = capsys.readouterr().err
    assert "第 3 行「姓名」" in err and code in err
    # the page
    page = client.post("/import/", {"kind": "cadres", "action": "preview",
                                    "file": SimpleUploadedFile("c.xlsx", path.read_bytes())}).content.decode()
    assert "姓名" in page and code in page
    # the form
    form = client.post("/cadres/new/", {**FORM, "name": name, "id_number": make_id_number()})
    assert form.status_code == 200 and code in form.content.decode()
    # the API
    body = {"code": "API9", "name": name, "kind": "core", "organiser_code": "4199ZZB",
            "start_date": "2021-05-10", "end_date": "2021-05-14", "quota": 1}
    answer = client.post("/api/v1/classes/", body, content_type="application/json")
    assert answer.status_code == 400 and code in answer.json()["detail"] and "name" in answer.json()["extra"]["fields"]
    assert counts() == before


def test_a_remark_keeps_its_newline_but_not_a_bidi_override():
    from ganxun.core.textcheck import problem

    assert problem("第一行\n第二行", multiline=True) is None
    assert "U+202E" in problem("第一行\u202e", multiline=True)
    assert problem("刘龑𠮷 <script>'; DROP TABLE") is None  # other checks answer those


def test_rare_characters_still_go_in(client, world):
    client.force_login(world.users["dc"])
    client.post("/cadres/new/", {**FORM, "name": "刘龑𠮷", "id_number": make_id_number()})
    assert Cadre.objects.filter(name="刘龑𠮷").exists()


def test_a_second_import_while_one_runs_is_refused_by_the_page_and_waited_for_by_the_command(
        client, world, tmp_path, capsys):
    """Two real threads, each with its own database connection (on PostgreSQL an advisory lock)."""
    from django.db import connections

    holding, release = threading.Event(), threading.Event()

    def other_import():
        try:
            with heavy_import(wait=False):
                holding.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_import)
    thread.start()
    assert holding.wait(30)
    try:
        client.force_login(world.users["city"])
        data = xlsx_bytes(COLUMNS, [cadre_row(人员编码="L1")])
        page = client.post("/import/", {"kind": "cadres", "action": "preview",
                                        "file": SimpleUploadedFile("c.xlsx", data)}).content.decode()
        assert BUSY_MESSAGE in page
        # the command line waits for its turn
        threading.Timer(0.5, release.set).start()
        path = tmp_path / "c.xlsx"
        path.write_bytes(data)
        assert run_command("import_data", "cadres", str(path)) == 0
        assert "已有导入正在进行，等待其结束后开始" in capsys.readouterr().err
        assert Cadre.objects.filter(person_code="L1").exists()
    finally:
        release.set()
        thread.join(30)


def test_a_million_row_sheet_on_the_command_line(world, tmp_path, capsys, settings):
    # the page refuses it (数据行过多, above); the command line reads the one row it holds, refused for its columns
    path = tmp_path / "big.xlsx"
    path.write_bytes(dict((c[0], c[2]) for c in FILE_CASES)["1,048,576 rows"])
    before = counts()
    assert run_command("import_data", "orgs", str(path)) != 0
    assert "缺少必需的列" in capsys.readouterr().err
    assert counts() == before


def test_the_file_level_caps_apply_to_the_command_line_too(settings, tmp_path):
    settings.GANXUN_MAX_IMPORT_COLUMNS = 3
    path = tmp_path / "wide.xlsx"
    path.write_bytes(xlsx_bytes(["a", "b", "c", "d"], [["1", "2", "3", "4"]]))
    with pytest.raises(ImportRejected) as exc:
        with tabular.open_table(path) as stream:
            list(stream.iter_rows())
    assert "列数过多" in str(exc.value.errors[0])
