"""结业证书: one as PDF (the Chinese font embedded, the name, number, code and a QR code of the verification
address), a class's as a ZIP, who may download them, the audit row, and the public verification page."""

import io
import re
import subprocess
import zipfile
from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent, EventType
from ganxun.classes.models import Certificate
from ganxun.classes.running import AssessmentRow, assessments_record, class_close, class_reopen
from ganxun.classes.services import revoke_completion
from ganxun.web.verification import register_verifier, verifiers, verify_elsewhere
from tests.archive.test_archive_pdf import embedded_fonts, font_names, pdf_text, poppler
from tests.classes.conftest import AFTER, file_documents, mark_all

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture(autouse=True)
def no_public_url(settings):
    settings.GANXUN_PUBLIC_URL = ""


@pytest.fixture
def closed(world, running):
    """BC1 closed with its three trainees completing: BC1-0001 张建国, BC1-0002 王磊, BC1-0003 李秀英."""
    tc, t = running
    staff = world.users["institution"]
    for enrolment in t.values():
        mark_all(staff, tc, enrolment)
    assessments_record(acting_user=staff, class_code="BC1", rows=[AssessmentRow(e.pk, None, True) for e in t.values()])
    file_documents(staff, tc)
    assert len(class_close(acting_user=staff, class_code="BC1", today=AFTER).certificates) == 3
    return tc, t, {c.enrolment.cadre.person_code: c for c in Certificate.objects.select_related("enrolment__cadre")}


@pytest.fixture
def trainee(world, django_user_model):
    """王磊's own login (C-DC-1)."""
    return django_user_model.objects.create(username="wanglei", role="cadre", person=world.cadres["dc1"])


def pdf_info(content: bytes) -> str:
    return subprocess.run([poppler("pdfinfo"), "-"], input=content, capture_output=True, check=True).stdout.decode()


def pages_of(content: bytes) -> int:
    return int(re.search(r"Pages:\s+(\d+)", pdf_info(content)).group(1))


def url_of(certificate):
    return f"/classes/BC1/certificates/{certificate.number}.pdf"


def download(client, user, certificate):
    client.force_login(user)
    return client.get(url_of(certificate))


def test_the_certificate_pdf_prints_the_holder_the_class_and_how_to_verify_it(client, world, closed):
    _, _, certs = closed
    cert = certs["C-DC-1"]
    response = download(client, world.users["institution"], cert)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''BC1-0002_%E7%8E%8B%E7%A3%8A.pdf" in response["Content-Disposition"]
    content = response.content
    # the shipped Chinese font is embedded, and nothing else draws the text
    fonts = embedded_fonts(content)
    assert fonts and all(fonts.values()), fonts
    assert all("Noto-Sans-SC" in n for n in font_names(content)), font_names(content)
    text = re.sub(r"\s+", "", pdf_text(content))
    for shown in ("结业证书", "王磊同志", "2021年3月1日至2021年3月20日", "2021年春季县处级干部进修班", "完成全部学习任务",
                  "计40学时", "准予结业", "示例市委党校", f"证书编号：{cert.number}", f"验证码：{cert.code_display}",
                  f"http://testserver/verify/{cert.code}"):
        assert shown in text, shown
    # the full name is printed (the holder's document); the ID number never, not even masked
    cadre = world.cadres["dc1"]
    assert not FULL_ID.search(text) and cadre.id_number_masked not in text
    # one landscape A4 page
    assert pages_of(content) == 1
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+", pdf_info(content))


def test_the_qr_code_decodes_to_the_verification_address(client, world, closed, settings, tmp_path):
    settings.GANXUN_PUBLIC_URL = "https://ganxun.example.gov.cn"
    cert = closed[2]["C-CITY-1"]
    content = download(client, world.users["city"], cert).content
    url = f"https://ganxun.example.gov.cn/verify/{cert.code}"
    assert url in re.sub(r"\s+", "", pdf_text(content))
    zxingcpp = pytest.importorskip("zxingcpp", reason="没有二维码解码器 zxing-cpp（pip install -e '.[test]' 会安装）")
    from PIL import Image

    subprocess.run([poppler("pdftoppm"), "-png", "-r", "150", "-singlefile", "-", str(tmp_path / "page")],
                   input=content, check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [b.text for b in found] == [url]


def test_downloading_a_certificate_is_audited_with_its_number(client, world, closed):
    cert = closed[2]["C-DC-1"]
    assert download(client, world.users["dc_hr"], cert).status_code == 200
    event = AuditEvent.objects.get(event_type=EventType.CERTIFICATE_ISSUED)
    assert event.subject_code == "BC1" and event.actor == world.users["dc_hr"]
    assert event.extra == {"format": "pdf", "count": 1, "certificates": [cert.number]}
    assert not FULL_ID.search(str(event.extra) + event.subject_label + event.reason)


@pytest.mark.parametrize("who, holder, status", [
    ("institution", "C-DC-1", 200),     # the host school's staff
    ("city", "C-CITY-2", 200),          # the organising department
    ("leader", "C-DC-1", 200),          # the city's leaders see the class's trainees
    ("dc_hr", "C-DC-1", 200),           # the trainee's own unit
    ("dc_hr", "C-CITY-1", 404),         # …but not another unit's trainee in the same class
    ("trainee", "C-DC-1", 200),         # the holder themselves
    ("trainee", "C-CITY-1", 404),       # …not a classmate
    ("cadre", "C-DC-1", 404),           # a cadre not in the class
    ("other", "C-DC-1", 404),           # another city's department
])
def test_who_may_download_a_certificate(client, world, closed, trainee, who, holder, status):
    user = trainee if who == "trainee" else world.users[who]
    assert download(client, user, closed[2][holder]).status_code == status
    assert AuditEvent.objects.filter(event_type=EventType.CERTIFICATE_ISSUED).count() == (status == 200)


def test_anonymous_visitors_are_sent_to_log_in_and_unknown_numbers_are_404(client, world, closed):
    response = client.get(url_of(closed[2]["C-DC-1"]))
    assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(world.users["institution"])
    assert client.get("/classes/BC1/certificates/BC1-9999.pdf").status_code == 404
    assert client.get("/classes/NOPE/certificates/BC1-0001.pdf").status_code == 404


def test_a_revoked_certificate_is_not_served(client, world, closed, trainee):
    tc, t, certs = closed
    revoke_completion(acting_user=world.users["institution"], class_code="BC1", enrolment_ids=[t["C-DC-1"].pk],
                      reason="学籍材料有误")
    response = download(client, trainee, certs["C-DC-1"])
    assert response.status_code == 404 and "已作废" in response.content.decode()
    assert not AuditEvent.objects.filter(event_type=EventType.CERTIFICATE_ISSUED).exists()
    # a revoked certificate of someone outside the scope answers like a missing one
    response = download(client, world.users["other"], certs["C-DC-1"])
    assert response.status_code == 404 and "已作废" not in response.content.decode()


def test_the_zip_holds_exactly_the_valid_certificates_for_the_class_staff(client, world, closed):
    tc, t, certs = closed
    revoke_completion(acting_user=world.users["institution"], class_code="BC1", enrolment_ids=[t["C-CITY-2"].pk],
                      reason="学籍材料有误")
    client.force_login(world.users["city"])
    response = client.get("/classes/BC1/certificates.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert names == ["BC1-0001_张建国.pdf", "BC1-0002_王磊.pdf"]
        for name in names:
            content = archive.read(name)
            text = re.sub(r"\s+", "", pdf_text(content))
            number = name.split("_")[0]
            cert = Certificate.objects.get(number=number)
            assert cert.enrolment.cadre.name + "同志" in text and cert.code_display in text
            assert all(embedded_fonts(content).values())
            assert pages_of(content) == 1
    event = AuditEvent.objects.get(event_type=EventType.CERTIFICATE_ISSUED)
    assert event.extra == {"format": "zip", "count": 2, "certificates": ["BC1-0001", "BC1-0002"]}


@pytest.mark.parametrize("who", ["dc_hr", "leader", "trainee", "other", "cadre"])
def test_only_the_class_staff_get_the_zip(client, world, closed, trainee, who):
    client.force_login(trainee if who == "trainee" else world.users[who])
    assert client.get("/classes/BC1/certificates.zip").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.CERTIFICATE_ISSUED).exists()


def test_a_class_without_valid_certificates_has_no_zip(client, world, closed):
    class_reopen(acting_user=world.users["institution"], class_code="BC1", reason="结班时材料不全")
    client.force_login(world.users["institution"])
    response = client.get("/classes/BC1/certificates.zip")
    assert response.status_code == 404 and "没有有效的结业证书" in response.content.decode()


# ---- /verify/<code> -----------------------------------------------------------------------------------------

def test_the_verify_page_says_valid_then_revoked(client, world, closed):
    tc, t, certs = closed
    cert = certs["C-DC-1"]
    response = client.get(f"/verify/{cert.code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="certificate-valid"' in html and "有效" in html and "已作废" not in html
    for shown in ("王*", "2021年春季县处级干部进修班", "示例市委党校", "2021年3月1日至2021年3月20日", "40 学时",
                  cert.number, cert.code_display):
        assert shown in html, shown
    assert "王磊" not in html and "C-DC-1" not in html and not FULL_ID.search(html)
    # the code as printed, as typed in lower case, with or without dashes
    for typed in (cert.code_display, cert.code_display.lower(), cert.code.lower()):
        assert 'data-testid="certificate-valid"' in client.get(f"/verify/{typed}").content.decode(), typed
    # the older address under /archive/ answers the same
    assert client.get(f"/archive/verify/{cert.code}").status_code == 200
    # 取消结业: the printed certificate now verifies as void
    revoke_completion(acting_user=world.users["institution"], class_code="BC1", enrolment_ids=[t["C-DC-1"].pk],
                      reason="学籍材料有误")
    response = client.get(f"/verify/{cert.code}")
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="certificate-revoked"' in html and "已作废" in html
    assert 'data-testid="certificate-valid"' not in html
    assert 'data-testid="certificate-valid"' in client.get(f"/verify/{certs['C-CITY-1'].code}").content.decode()


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "not-a-code", "x" * 200])
def test_an_unknown_code_is_the_archives_404(client, world, closed, code):
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该验证码" in html and 'data-testid="verify-missing"' in html


def test_the_registry_asks_each_verifier_once_in_order(monkeypatch):
    from ganxun.web import verification

    monkeypatch.setattr(verification, "_verifiers", dict(verification._verifiers))
    calls = []

    def first(code):
        calls.append(("first", code))
        return None

    def second(code):
        calls.append(("second", code))
        return ("x.html", {"code": code}) if code == "KNOWN" else None

    register_verifier(first)
    register_verifier(first)
    register_verifier(second)
    assert verifiers()[-2:] == (first, second)
    assert verify_elsewhere("KNOWN") == ("x.html", {"code": "KNOWN"})
    assert verify_elsewhere("OTHER") is None
    assert [c for c in calls if c[0] == "first"] == [("first", "KNOWN"), ("first", "OTHER")]


def test_hours_print_without_a_needless_decimal():
    from ganxun.classes.certificates import hours_text

    assert [hours_text(Decimal(h)) for h in ("40.0", "40.5", "8", "120.0")] == ["40", "40.5", "8", "120"]


def test_a_long_class_name_and_a_rare_character_still_make_one_page(closed):
    from tests.archive.test_archive_pdf import hanazono_or_fail, text_by_font

    from ganxun.classes.certificates import certificate_pdf, certificates_pdfs

    hanazono_or_fail()
    cert = Certificate.objects.select_related("enrolment__cadre").get(number="BC1-0002")
    cert.class_name = "2021年全市县处级领导干部学习贯彻党的创新理论暨推动高质量发展专题研讨进修班" * 3
    cert.enrolment.cadre.name = "司马𠮷"
    content = certificate_pdf(cert, "http://x/verify/" + cert.code)
    assert pages_of(content) == 1
    drawn = text_by_font(content)
    assert "𠮷" in "".join(t for f, t in drawn.items() if "HanaMin" in f)
    noto = "".join(t for f, t in drawn.items() if "Noto" in f)
    assert {"司", "马"} <= set(noto) and "𠮷" not in noto
    open("/tmp/long.pdf", "wb").write(content)
    # laid out together, each certificate still gets its own one-page PDF
    others = list(Certificate.objects.select_related("enrolment__cadre").order_by("number"))
    pdfs = certificates_pdfs([others[0], cert, others[2]], lambda code: "http://x/verify/" + code)
    assert [pages_of(p) for p in pdfs] == [1, 1, 1]
    texts = [re.sub(r"\s+", "", pdf_text(p)) for p in pdfs]
    assert ["BC1-0001" in texts[0], "BC1-0002" in texts[1], "BC1-0003" in texts[2]] == [True] * 3
    assert "BC1-0002" not in texts[0] + texts[2]


def test_a_large_class_zips_its_certificates_in_the_worker(client, world, closed, monkeypatch):
    """Above the inline limit the ZIP is a background job (tests run jobs at once) offered on the job's page."""
    from ganxun.classes import certificate_views
    from ganxun.jobs.models import Job

    monkeypatch.setattr(certificate_views, "INLINE_CERTIFICATES", 1)
    client.force_login(world.users["institution"])
    response = client.get("/classes/BC1/certificates.zip")
    job = Job.objects.get(kind="certificates_zip")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "done" and job.result["count"] >= 2
    download = client.get(f"/jobs/{job.pk}/file")
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)
                                       if hasattr(download, "streaming_content") else download.content)).namelist()
    assert len(names) == job.result["count"] and all(n.startswith("BC1-") for n in names)
