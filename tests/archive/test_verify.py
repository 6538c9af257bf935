"""The public verification page: anyone holding an issued archive can confirm it, and learn nothing more."""

import re

import pytest

from ganxun.archive.models import ArchiveIssue
from ganxun.archive.services import archive_issue, new_issue_code
from tests.archive.conftest import AS_OF, PLAN

FULL_ID = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def issued(client, world, ledger):
    client.force_login(world.users["city"])
    assert client.get(f"/archive/C-DC-1/pdf?plan={PLAN}&as_of={AS_OF}").status_code == 200
    client.logout()
    return ArchiveIssue.objects.get()


def test_the_verify_page_confirms_an_issued_archive_without_login(client, world, issued):
    # when an anonymous visitor opens the address printed on the PDF
    response = client.get(f"/archive/verify/{issued.code}")
    # then the page confirms the archive and shows what was issued, with the name masked
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="verify-ok"' in html and "该电子档案由本系统出具" in html
    for shown in ("王*", "河南省2019—2022年干部教育培训规划", "2022年12月31日", "示例市委组织部", issued.digest,
                  issued.code_display):
        assert shown in html, shown
    # and nothing else about the person: no ID number (not even masked), no full name, no records
    cadre = world.cadres["dc1"]
    assert not FULL_ID.search(html) and cadre.id_number_masked not in html
    assert "王磊" not in html and "C-DC-1" not in html
    assert "乡村振兴专题班" not in html and "网络学院年度课程" not in html


def test_the_code_is_read_case_and_dash_insensitively(client, issued):
    assert client.get(f"/archive/verify/{issued.code_display.lower()}").status_code == 200


@pytest.mark.parametrize("code", ["AAAAAAAAAAAAAAAA", "not-a-code", "x" * 200])
def test_an_unknown_code_answers_404_with_a_clear_message(client, world, code):
    response = client.get(f"/archive/verify/{code}")
    assert response.status_code == 404
    html = response.content.decode()
    assert "未找到该验证码" in html and 'data-testid="verify-missing"' in html


def test_codes_are_random_and_distinct():
    codes = {new_issue_code() for _ in range(1000)}
    assert len(codes) == 1000 and all(re.fullmatch(r"[A-Z2-7]{16}", c) for c in codes)


def test_an_issue_is_only_registered_inside_the_scope(world):
    from ganxun.core.errors import NotFound

    with pytest.raises(NotFound):
        archive_issue(acting_user=world.users["dc"], person_code="C-XC-1", plan_id=PLAN, as_of=AS_OF, digest="0" * 64)
    assert not ArchiveIssue.objects.exists()


@pytest.mark.urls("tests.archive.urls_with_public")
def test_with_the_public_routes_mounted_the_pdf_prints_the_short_address(client, world, ledger):
    # given the site mounts ganxun.archive.public_urls at its root
    client.force_login(world.users["dc"])
    client.get(f"/archive/C-DC-1/pdf?plan={PLAN}&as_of={AS_OF}")
    issue = ArchiveIssue.objects.get()
    client.logout()
    # then /verify/<code> answers without login, and the older /archive/verify/<code> still does
    assert client.get(f"/verify/{issue.code}").status_code == 200
    assert client.get(f"/archive/verify/{issue.code}").status_code == 200
    assert client.get("/verify/AAAAAAAAAAAAAAAA").status_code == 404
    from django.test import RequestFactory

    from ganxun.archive.views import verify_url

    assert verify_url(RequestFactory().get("/"), issue.code) == f"http://testserver/verify/{issue.code}"


def test_the_site_has_an_icon_where_browsers_look_for_it(client, world, issued):
    # the verification page (opened from a PDF's QR code, no login) names the shipped icon
    html = client.get(f"/verify/{issued.code}").content.decode()
    icons = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert icons == ["/static/ganxun/favicon.svg", "/static/ganxun/favicon.ico"]
    svg = client.get(icons[0])
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)
    # and /favicon.ico, which browsers ask for regardless, answers with the icon instead of a 404
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/static/ganxun/favicon.ico"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_printed_address_keeps_the_public_urls_path(rf, settings):
    from ganxun.archive.views import verify_url

    settings.GANXUN_PUBLIC_URL = "https://gov.example.cn/ganxun"
    assert verify_url(rf.get("/", HTTP_HOST="127.0.0.1:8000"), "ABCD") == "https://gov.example.cn/ganxun/verify/ABCD"
    settings.GANXUN_PUBLIC_URL = ""
    assert verify_url(rf.get("/", HTTP_HOST="127.0.0.1:8000"), "ABCD") == "http://127.0.0.1:8000/verify/ABCD"
