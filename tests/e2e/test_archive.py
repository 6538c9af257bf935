import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ganxun.archive.models import ArchiveIssue
from ganxun.records.services import record_append, record_correct, record_reverse
from tests.e2e.conftest import SCREENSHOTS, login, shot
from tests.factories import add_institution


@pytest.fixture
def archive_ledger(e2e_world):
    """王磊 (C-DC-1) with five years of training, one duplicate reversed and one class corrected."""
    w = e2e_world
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=w.orgs["city_dept"])
    add_institution("WL0001", "河南干部网络学院", "online_academy", level="province")
    today = timezone.localdate()

    def add(start, end, hours, source="full_time", school="DX4199", title="科级干部进修班"):
        return record_append(acting_user=w.users["dc"], person_code="C-DC-1", institution_code=school,
                             values={"title": title, "source": source, "start_date": start, "end_date": end,
                                     "hours": str(hours)})

    for year in range(today.year - 4, today.year):
        add(date(year, 3, 1), date(year, 3, 10), 64, title=f"{year}年科级干部进修班")
        add(date(year, 2, 1), date(year, 11, 30), 30, source="online", school="WL0001", title=f"{year}年网络学院课程")
        add(date(year, 6, 1), date(year, 6, 1), 4, source="lecture", school=None, title="专题讲座：乡村振兴")
    early = today - timedelta(days=60)
    add(early - timedelta(days=4), early, 24, title="财务管理专题班")
    duplicate = add(early - timedelta(days=4), early, 24, title="财务管理专题班")
    record_reverse(acting_user=w.users["dc"], record_id=duplicate.pk, reason="重复登记")
    wrong = add(date(today.year - 1, 9, 1), date(today.year - 1, 9, 5), 30, title="数字政府专题班")
    record_correct(acting_user=w.users["dc"], record_id=wrong.pk, values={"hours": "32"}, reason="学时核定有误")
    return w


def test_county_admin_opens_a_cadres_archive_and_downloads_the_pdf(page, archive_ledger):
    # given the county admin at the cadre list
    login(page, "dc_admin")
    page.get_by_role("link", name="干部名册").click()
    # when they open 王磊 and then his 电子档案
    page.get_by_role("link", name="王磊").first.click()
    page.get_by_test_id("archive-link").click()
    # then the archive shows the header with the masked ID, the chart and one card per indicator
    expect(page.get_by_test_id("archive-name")).to_contain_text("王磊")
    expect(page.get_by_test_id("id-masked")).to_contain_text("**********")
    expect(page.locator("#gx-year-chart canvas")).to_be_visible()
    cards = page.locator('[data-testid^="indicator-"][data-verdict]')
    expect(cards.first).to_be_visible()
    assert cards.count() >= 1
    expect(page.get_by_test_id("indicator-staff_hours_annual")).to_contain_text("科级以下干部年度培训")
    # and the ledger with the reversed duplicate struck through and the correction in the history
    expect(page.locator("tr.gx-reversed td").nth(1)).to_have_css("text-decoration-line", "line-through")
    expect(page.get_by_test_id("corrections-table")).to_contain_text("学时核定有误")
    shot(page, "archive")
    # when they follow an evidence link, the record's row is the target
    evidence = page.get_by_test_id("indicator-staff_hours_annual").get_by_test_id("evidence").locator("a").first
    if evidence.count():
        evidence.click()
        expect(page.locator("tr:target")).to_have_count(1)
    # when they filter the records to online training
    page.select_option("#f-source", "online")
    page.get_by_test_id("records-filter").get_by_role("button", name="搜索").click()
    rows = page.get_by_test_id("records-table").locator("tbody tr")
    expect(rows.first).to_contain_text("网络学院")
    assert all("网络培训" in t for t in rows.all_inner_texts())
    # when they download the PDF
    # (a PDF is drawn while the request waits: on a loaded machine that takes longer than a page)
    with page.expect_download(timeout=90_000) as download:
        page.get_by_test_id("archive-pdf").click(timeout=90_000)
    content = open(download.value.path(), "rb").read()
    # then it is a PDF and it is registered for verification
    assert content.startswith(b"%PDF")
    assert re.match(r"电子档案_王磊_C-DC-1_\d{8}\.pdf", download.value.suggested_filename)
    (SCREENSHOTS / "archive.pdf").write_bytes(content)
    issue = ArchiveIssue.objects.get()
    # and the public verification page confirms it without login
    page.context.clear_cookies()
    page.goto(f"/archive/verify/{issue.code}")
    expect(page.get_by_test_id("verify-ok")).to_be_visible()
    expect(page.get_by_test_id("verify-name")).to_have_text("王*")
    shot(page, "archive_verify")
    page.goto("/archive/verify/AAAAAAAAAAAAAAAA")
    expect(page.get_by_test_id("verify-missing")).to_have_text(re.compile("未找到该验证码"))
