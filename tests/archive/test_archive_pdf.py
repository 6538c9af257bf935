"""The archive as a PDF (fonts embedded, nothing personal in full, registered for verification) and as xlsx."""

import html
import logging
import re
import shutil
import subprocess
import zlib
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ganxun.archive.exporters import archive_pdf_html
from ganxun.archive.models import ArchiveIssue
from ganxun.web import pdf as pdf_module
from ganxun.web.pdf import _fetcher, fallback_files, font_css_for, html_to_pdf
from ganxun.archive.selectors import archive_of
from ganxun.audit.models import AuditEvent
from ganxun.cadres.services import cadre_update
from tests.archive.conftest import AS_OF, PLAN, add

FULL_ID = re.compile(r"\d{17}[\dX]")
QUERY = f"plan={PLAN}&as_of={AS_OF}"


def pdf_objects(content: bytes) -> bytes:
    """Every object of the PDF, with its compressed streams (object streams included) inflated."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def font_names(content: bytes) -> set[str]:
    return {m.decode() for m in re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", pdf_objects(content))}


def poppler(tool: str) -> str:
    """A poppler tool, which ``make install`` installs (Debian's poppler-utils): without it the PDF cannot be read."""
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"没有找到 {tool}：请运行 make install（会安装 Debian 的 poppler-utils）")
    return found


def pdf_text(content: bytes) -> str:
    """The PDF's text as a reader extracts it (poppler's pdftotext)."""
    poppler("pdftotext")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def text_by_font(content: bytes) -> dict[str, str] | None:
    """The PDF's text grouped by the embedded font it is drawn with (poppler's pdftohtml)."""
    poppler("pdftohtml")
    xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-i", "-q", "-", "-"], input=content, capture_output=True,
                         check=True).stdout.decode()
    fonts = dict(re.findall(r'<fontspec id="(\d+)"[^>]*family="([^"]*)"', xml))
    texts: dict[str, str] = {}
    for font_id, text in re.findall(r'<text [^>]*font="(\d+)"[^>]*>(.*?)</text>', xml):
        family = fonts[font_id].split("+", 1)[-1]
        texts[family] = texts.get(family, "") + html.unescape(re.sub(r"<[^>]+>", "", text))
    return texts


def embedded_fonts(content: bytes) -> dict[str, bool] | None:
    """Font name → embedded, as poppler's pdffonts lists them."""
    poppler("pdffonts")
    lines = subprocess.run(["pdffonts", "-"], input=content, capture_output=True, check=True).stdout.decode()
    rows = [line.split() for line in lines.splitlines()[2:] if line.strip()]
    return {row[0]: row[-5] == "yes" for row in rows}


def hanazono_or_fail():
    if not any(path.name == "HanaMinB.ttf" for path in fallback_files()):
        pytest.fail("没有找到 HanaMinB.ttf：请运行 make install（会安装 Debian 的 fonts-hanazono）")


def issue_pdf(client, user, person="C-DC-1", query=QUERY):
    client.force_login(user)
    response = client.get(f"/archive/{person}/pdf?{query}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_pdf_embeds_noto_sans_sc_and_shows_no_full_id_number(client, world, ledger):
    # when the county admin downloads 王磊's archive
    content = issue_pdf(client, world.users["dc"])
    # then it is a PDF whose every font is an embedded subset of the shipped Noto Sans SC
    assert content.startswith(b"%PDF")
    names = font_names(content)
    assert names and all("Noto-Sans-SC" in n for n in names), names
    assert any(n.endswith("-Bold") for n in names)
    assert b"/FontFile2" in pdf_objects(content)
    # and the text a reader extracts is the archive, with the page numbers and no full ID number
    text = pdf_text(content)
    assert "干部教育培训电子档案" in text and "王磊" in text and "乡村振兴专题班" in text
    assert re.search(r"第\s*1\s*页\s*/\s*共\s*\d+\s*页", text)
    assert not FULL_ID.search(text)
    assert world.cadres["dc1"].id_number_masked in text


def test_the_html_behind_the_pdf_has_the_content_and_no_full_id_number(world, ledger):
    archive = archive_of(world.users["dc"], "C-DC-1", plan_id=PLAN, as_of=AS_OF)
    from django.utils import timezone

    html = archive_pdf_html(archive, code="ABCDEFGHIJKLMNOP", digest="ab" * 32, verify_url="http://x/verify/ABC",
                            generated_at=timezone.now())
    assert not FULL_ID.search(html)
    # the per-year table instead of the chart, the indicator table with clauses, the records and the history
    assert "年度学时" in html and "<canvas" not in html
    assert "科级以下干部年度培训" in html and "科级以下干部每年参加培训累计不少于12天或者90学时" in html
    assert html.count('class="reversed"') == 2 and html.count('class="reversal"') == 2
    assert "学时核定有误" in html and "ABCD-EFGH-IJKL-MNOP" in html


def test_issuing_a_pdf_registers_its_code_and_digest_and_is_audited(client, world, ledger):
    content = issue_pdf(client, world.users["dc"])
    issue = ArchiveIssue.objects.get()
    # the code is 16 characters of base32, printed on the PDF with the digest of what it shows
    assert re.fullmatch(r"[A-Z2-7]{16}", issue.code)
    archive = archive_of(world.users["dc"], "C-DC-1", plan_id=PLAN, as_of=AS_OF)
    assert issue.digest == archive.digest() and len(issue.digest) == 64
    assert (issue.cadre, issue.plan_id, issue.as_of, issue.created_by) == (world.cadres["dc1"], PLAN, AS_OF,
                                                                          world.users["dc"])
    assert issue.issuing_org_name == "东城区委组织部" and issue.name_masked == "王*"
    text = pdf_text(content)
    assert issue.code_display in text and issue.digest in text.replace("\n", "")
    assert f"/verify/{issue.code}" in text
    event = AuditEvent.objects.get(event_type="archive_issued")
    assert event.subject_code == "C-DC-1" and event.actor == world.users["dc"]
    assert event.extra == {"code": issue.code, "plan": PLAN, "as_of": "2022-12-31", "digest": issue.digest}


def test_each_download_is_a_new_issue_with_the_same_digest(client, world, ledger):
    issue_pdf(client, world.users["dc"])
    issue_pdf(client, world.users["dc"])
    first, second = ArchiveIssue.objects.order_by("id")
    assert first.code != second.code and first.digest == second.digest
    # and a new ledger entry changes the digest
    add(world, "C-DC-1", start=AS_OF, end=AS_OF, hours=2, source="lecture", school=None, title="年末讲座")
    issue_pdf(client, world.users["dc"])
    assert ArchiveIssue.objects.order_by("id").last().digest != first.digest


def test_a_cadre_can_issue_their_own_archive(client, world):
    issue_pdf(client, world.users["cadre"], "C-DC-2")
    assert ArchiveIssue.objects.get().issuing_org_name == "干部本人（自助打印）"


def test_no_issue_is_registered_outside_the_scope_or_for_bad_parameters(client, world):
    client.force_login(world.users["dc"])
    assert client.get(f"/archive/C-XC-1/pdf?{QUERY}").status_code == 404
    bad = client.get("/archive/C-DC-1/pdf?plan=nope&as_of=2022-12-31")
    assert bad.status_code == 400 and "没有规划「nope」" in bad.content.decode()
    assert client.get(f"/archive/C-DC-1/pdf?plan={PLAN}&as_of=2022-02-30").status_code == 400
    assert ArchiveIssue.objects.count() == 0 and not AuditEvent.objects.filter(event_type="archive_issued").exists()


def test_rare_characters_in_a_name_print_with_the_shipped_font(client, world):
    # given a cadre named with a 生僻字 that the numbered font slices cover
    cadre_update(acting_user=world.users["admin"], person_code="C-DC-2", values={"name": "刘龑"})
    content = issue_pdf(client, world.users["dc"], "C-DC-2")
    assert all("Noto-Sans-SC" in n for n in font_names(content))
    text = pdf_text(content)
    assert "刘龑" in text


def test_a_name_outside_the_bmp_prints_with_the_hanamin_fallback(client, world):
    # given a cadre named with 𠮷 (U+20BB7, CJK Extension B), which the shipped font does not have
    hanazono_or_fail()
    cadre_update(acting_user=world.users["admin"], person_code="C-DC-2", values={"name": "司马𠮷"})
    content = issue_pdf(client, world.users["dc"], "C-DC-2")
    # then the PDF embeds a subset of HanaMinB for it, and every other font is the shipped Noto Sans SC
    names = font_names(content)
    assert any("HanaMinB-Fallback" in n for n in names), names
    assert all("Noto-Sans-SC" in n or "HanaMinB-Fallback" in n for n in names), names
    fonts = embedded_fonts(content)
    hanamin = [name for name in fonts if "HanaMin" in name]
    assert hanamin and all(fonts[name] for name in hanamin), fonts
    # and a reader extracts the name, 𠮷 included
    text = pdf_text(content)
    assert "司马𠮷" in text and "干部教育培训电子档案" in text
    # and HanaMin draws 𠮷 alone: the rest of the text, 司马 included, stays Noto Sans SC
    by_font = text_by_font(content)
    assert "".join(t for f, t in by_font.items() if "HanaMin" in f) == "𠮷", by_font
    noto_text = "".join(t for f, t in by_font.items() if f.startswith("Noto-Sans-SC"))
    assert all(c in noto_text for c in "司马干部教育培训电子档案第页共")


def test_the_fallback_fonts_are_declared_last_and_only_for_the_ideographs_the_slices_lack():
    hanazono_or_fail()
    # a document without rare characters declares no fallback
    assert "HanaMin" not in font_css_for({ord(c) for c in "司马吉干部"}, set())
    # 𠮷 (Extension B) brings HanaMinB, 䶮 (Extension A, not in the slices) HanaMinA; a bold 𠮷 counts too
    css = font_css_for({ord(c) for c in "司马𠮷䶮"}, set())
    assert "'HanaMinA Fallback'" in css and "'HanaMinB Fallback'" in css
    assert "HanaMin" in font_css_for({ord("干")}, {ord("𠮷")})
    # after every Noto slice in the document's font list, and limited to the ideograph blocks
    stack = re.search(r"html \{ font-family: (.*); \}", css).group(1).split(", ")
    assert stack[-3:] == ["'HanaMinA Fallback'", "'HanaMinB Fallback'", "sans-serif"]
    assert all(f.startswith("'Noto Sans SC ") for f in stack[:-3])
    ranges = re.findall(r"font-family: 'HanaMin[AB] Fallback';.*?unicode-range: ([^;]+);", css)
    bounds = [tuple(int(x, 16) for x in part.strip().removeprefix("U+").split("-"))
              for declared in ranges for part in declared.split(",")]
    assert bounds and all(lo >= 0x3400 for lo, _ in bounds)
    assert any(lo <= 0x20BB7 <= hi for lo, hi in bounds) and any(lo <= 0x4DAE <= hi for lo, hi in bounds)


def test_without_the_fallback_fonts_the_pdf_is_still_made_and_a_warning_logged_once(monkeypatch, tmp_path, caplog):
    # given a server where fonts-hanazono is not installed
    monkeypatch.setattr(pdf_module, "fallback_dirs", lambda: (tmp_path,))
    monkeypatch.setattr(pdf_module, "_warned", set())
    # when two documents with rare characters are printed
    with caplog.at_level(logging.WARNING, logger="ganxun.web.pdf"):
        assert "HanaMin" not in font_css_for({ord("𠮷")}, set())
        first = html_to_pdf("<p>司马𠮷</p>")
        second = html_to_pdf("<p>𠮷田</p>")
    # then both are PDFs (as before the fallback: 𠮷 may print as a box), and the missing font is reported once
    assert first.startswith(b"%PDF") and second.startswith(b"%PDF")
    warnings = [r for r in caplog.records if r.name == "ganxun.web.pdf" and r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "HanaMinB.ttf" in warnings[0].getMessage() and "fonts-hanazono" in warnings[0].getMessage()


def test_only_the_font_slices_a_document_needs_are_declared():
    # one character in regular text, one in bold: one slice each, each slice its own family
    css = font_css_for({ord("干")}, {ord("档")})
    assert css.count("@font-face") == 2
    families = re.findall(r"@font-face \{ font-family: '([^']+)'", css)
    assert len(set(families)) == len(families) == 2 and all(f.startswith("Noto Sans SC ") for f in families)
    assert "font-weight: 400" in css and "font-weight: 700" in css
    assert "file://" in css and ".ttf" in css


def test_the_pdf_cannot_load_anything_but_the_shipped_fonts():
    fetcher = _fetcher()
    for url in ("file:///etc/passwd", "http://example.com/x.css", "https://example.com/logo.png",
                "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "file:///usr/share/fonts/truetype/hanazono/../../../../../etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    # and a document that asks for other files still renders, without them
    content = html_to_pdf('<p>测试<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.com/a.css"></p>')
    assert content.startswith(b"%PDF")


def test_the_spreadsheet_has_three_sheets_masked_and_formula_safe(client, world, ledger):
    # given a record whose title looks like a formula
    add(world, "C-DC-1", start=AS_OF, end=AS_OF, hours=2, source="lecture", school=None, title="=1+1")
    client.force_login(world.users["dc"])
    response = client.get(f"/archive/C-DC-1/xlsx?{QUERY}")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["基本信息", "指标达标", "学习记录"]
    info = {row[0]: row[1] for row in book["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert info["身份证号"] == world.cadres["dc1"].id_number_masked and info["姓名"] == "王磊"
    everything = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    assert not FULL_ID.search(everything)
    indicators = list(book["指标达标"].iter_rows(min_row=2, values_only=True))
    assert ("staff_hours_annual", "科级以下干部年度培训", "达标") == indicators[0][:3]
    titles = {row[0]: row for row in book["学习记录"].iter_rows(min_row=2, values_only=True)}
    cell = next(c for c in book["学习记录"]["B"] if c.value == "=1+1")
    assert cell.data_type == "s"
    assert len(titles) == 10
    # and the export is audited
    event = AuditEvent.objects.get(event_type="exported")
    assert event.subject_code == "C-DC-1" and event.extra["format"] == "xlsx" and event.extra["kind"] == "archive"


# -- where things fall on the page, what the PDF says to whom -------------------------------------------------

MM = 96 / 25.4  # CSS pixels per millimetre: WeasyPrint's page anchors are in CSS pixels from the page's corner
PAGE_FOOT = (297 - 18) * MM  # A4, bottom margin 18 mm (archive/pdf.html)


def _where(document, *anchors) -> dict[str, tuple[int, float]]:
    """anchor id → (page number, y) in the laid-out document."""
    found = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in anchors:
            if anchor in page.anchors:
                found[anchor] = (number, page.anchors[anchor][1])
    return found


def _pdf_html(user, person="C-DC-1", **kwargs):
    from django.utils import timezone

    archive = archive_of(user, person, plan_id=PLAN, as_of=AS_OF)
    return archive_pdf_html(archive, code="ABCDEFGHIJKLMNOP", digest="ab" * 32,
                            verify_url=kwargs.pop("verify_url", "http://x/verify/ABCDEFGHIJKLMNOP"),
                            generated_at=timezone.now(), **kwargs)


def test_the_records_heading_never_ends_a_page_without_its_first_rows(world, ledger):
    from ganxun.web.pdf import render_document

    html = _pdf_html(world.users["dc"])
    page, top = _where(render_document(html), "records")["records"]
    # when whatever comes before pushes the 学习记录 heading ever nearer the foot of its page
    for room in (40, 24, 16, 11, 6):  # millimetres left below the heading's top
        spacer = PAGE_FOOT - room * MM - top
        pushed = html.replace('<h2 id="records">', f'<div style="height:{spacer:.1f}px"></div><h2 id="records">')
        where = _where(render_document(pushed), "records", "record-1", "record-2")
        # then the heading stays on the page of the first two records (there, or on the next page with them)
        assert where["records"][0] == where["record-1"][0] == where["record-2"][0], (room, where)
        assert where["records"][0] in (page, page + 1)


def test_the_verification_address_is_the_public_url_when_set(client, world, ledger, settings):
    from ganxun.archive.exporters import qr_svg

    # given a deployment that says how users reach it
    settings.GANXUN_PUBLIC_URL = "https://ganxun.example.gov.cn"
    content = issue_pdf(client, world.users["dc"])
    code = ArchiveIssue.objects.get().code
    # then the PDF prints that address, not the host the request came in on
    text = pdf_text(content)
    url = f"https://ganxun.example.gov.cn{reverse('verify_archive', kwargs={'code': code})}"
    assert url in text and "testserver" not in text
    # and the QR code beside it encodes the same address
    html = _pdf_html(world.users["dc"], verify_url=url)
    assert qr_svg(url) in html and "扫码核验" in html


def test_without_a_public_url_the_address_is_the_requests_own(client, world, ledger, settings):
    settings.GANXUN_PUBLIC_URL = ""
    text = pdf_text(issue_pdf(client, world.users["dc"]))
    code = ArchiveIssue.objects.get().code
    assert f"http://testserver/verify/{code}" in text


def test_the_qr_code_is_drawn_in_the_pdf_and_changes_with_the_address():
    from ganxun.archive.exporters import qr_svg

    first, second = qr_svg("https://a.example/verify/AAAA"), qr_svg("https://a.example/verify/BBBB")
    assert first.startswith("<svg") and 'class="qr"' in first and "<path" in first and first != second
    assert "http" not in first.split(">", 1)[1]  # the address is in the modules, not in the markup
    content = html_to_pdf(f"<p>核验</p>{first}")
    assert content.startswith(b"%PDF") and b"/Image" not in pdf_objects(content)  # vector, no picture fetched


@pytest.mark.parametrize("raw, expected", [
    ("", ""), ("https://ganxun.example.gov.cn/", "https://ganxun.example.gov.cn"),
    ("http://10.1.2.3:8080/ganxun", "http://10.1.2.3:8080/ganxun")])
def test_the_public_url_setting_takes_an_http_address(raw, expected):
    from ganxun.settings import _public_url

    assert _public_url(raw) == expected


@pytest.mark.parametrize("raw", ["ganxun.example.gov.cn", "ftp://host/x", "https://host/?a=1", "https://"])
def test_a_public_url_that_is_not_an_address_is_refused_at_start(raw):
    from django.core.exceptions import ImproperlyConfigured

    from ganxun.settings import _public_url

    with pytest.raises(ImproperlyConfigured, match="GANXUN_PUBLIC_URL"):
        _public_url(raw)


def test_the_last_page_leaves_room_for_the_issuing_unit_and_its_seal(client, world, ledger):
    text = pdf_text(issue_pdf(client, world.users["dc"]))
    assert re.search(r"出具单位：\s*东城区委组织部", text) and "经办人" in text and "盖章处" in text
    # a cadre's own print leaves the unit blank, for the unit that seals it
    own = pdf_text(issue_pdf(client, world.users["cadre"], "C-DC-2"))
    assert "干部本人（自助打印）" in own and "盖章处" in own and not re.search(r"出具单位：\s*\S*组织部", own)


def test_the_pdf_and_spreadsheet_name_indicators_without_codes(client, world, ledger):
    from tests.archive.test_archive_pages import internal_codes

    text = pdf_text(issue_pdf(client, world.users["dc"]))
    assert "科级以下干部年度培训" in text
    assert not {code for code in internal_codes() if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}
    client.force_login(world.users["dc"])
    book = load_workbook(BytesIO(client.get(f"/archive/C-DC-1/xlsx?{QUERY}").content))
    info = {row[0]: row[1] for row in book["基本信息"].iter_rows(min_row=2, values_only=True)}
    assert info["规划"] == "河南省2019—2022年干部教育培训规划"
    # the indicator code stays in one place: the spreadsheet's 指标代码 column, for other systems
    cells = [(ws.title, c) for ws in book for row in ws.iter_rows(values_only=True) for c in row
             if isinstance(c, str) and c in internal_codes()]
    assert cells and {title for title, _ in cells} == {"指标达标"}
    assert [r[0] for r in book["指标达标"].iter_rows(max_row=1, values_only=True)] == ["指标代码"]


def test_a_cadres_own_pdf_and_spreadsheet_leave_out_the_young_talent_designation(client, world):
    own = pdf_text(issue_pdf(client, world.users["cadre"], "C-DC-2"))
    assert "赵婷" in own and "优秀年轻干部" not in own
    book = load_workbook(BytesIO(client.get(f"/archive/C-DC-2/xlsx?{QUERY}").content))
    everything = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "优秀年轻干部" not in everything and "young_rotation_4y" not in everything
    # while the department's copy keeps both the tag and the indicator
    theirs = pdf_text(issue_pdf(client, world.users["dc"], "C-DC-2"))
    assert "优秀年轻干部" in theirs and "优秀年轻干部4年轮训" in theirs
    book = load_workbook(BytesIO(client.get(f"/archive/C-DC-2/xlsx?{QUERY}").content))
    assert "young_rotation_4y" in [row[0] for row in book["指标达标"].iter_rows(min_row=2, values_only=True)]
