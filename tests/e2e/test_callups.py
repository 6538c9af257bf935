from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, login, shot


def test_a_call_up_from_notice_to_the_trainees_phone(browser, live_server, page, e2e_world):
    from ganxun.classes.models import Enrolment, TrainingClass

    o = e2e_world.orgs
    start = timezone.localdate() + timedelta(days=30)
    TrainingClass.objects.create(code="BC9", name="县处级干部进修班", kind="core", organiser=o["city_dept"],
                                 start_date=start, end_date=start + timedelta(days=19), quota=30,
                                 content_category="party_spirit", audience="县处级领导干部")
    # 赵婷 is already in the county's class on the same days: another organiser
    county = TrainingClass.objects.create(code="DC9", name="东城区青年干部专题班", kind="thematic", organiser=o["dc_dept"],
                                          start_date=start + timedelta(days=2), end_date=start + timedelta(days=6))
    Enrolment.objects.create(training_class=county, cadre=e2e_world.cadres["dc2"])

    # the city's department writes the notice and issues it
    login(page, "city_admin")
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="调训通知").click()
    expect(page.get_by_test_id("callup-empty")).to_contain_text("还没有调训通知")
    page.get_by_test_id("callup-new").click()
    page.select_option("#id_class_code", "BC9")
    page.fill("#id_title", "关于调训参加县处级干部进修班的通知")
    page.fill("#id_deadline", (start - timedelta(days=7)).isoformat())
    page.fill("#id_report_at", "开班当天上午8:30，市委党校报到")
    page.fill("#id_quotas", "419901CZJ:1")
    page.get_by_test_id("callup-save").click()
    expect(page.get_by_test_id("callup-status")).to_have_text("草稿")
    page.get_by_test_id("callup-issue").click()
    expect(page.get_by_test_id("callup-status")).to_have_text("已下发")
    page.get_by_role("button", name="退出").click()

    # the finance bureau finds it in its inbox and nominates 赵婷: the clash is shown at once
    login(page, "dc_hr")
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="调训通知").click()
    page.get_by_test_id("callup-table").get_by_role("link", name="关于调训参加县处级干部进修班的通知").click()
    panel = page.get_by_test_id("nominate-panel")
    panel.get_by_label("提名赵婷").check()
    panel.get_by_test_id("nominate-submit").click()
    expect(page.locator(".alert", has_text="已提名 1 人")).to_be_visible()
    expect(page.locator(".alert", has_text="冲突提示（多头调训）")).to_contain_text("东城区青年干部专题班")
    shot(page, "callup_nominated_with_warning")
    page.get_by_role("button", name="退出").click()

    # the department audits it: the warning is on the row, and approving enrols her
    login(page, "city_admin")
    page.goto(page.url.split("/accounts")[0] + "/callups/")
    page.get_by_test_id("callup-table").get_by_role("link", name="关于调训参加县处级干部进修班的通知").click()
    row = page.get_by_test_id("nomination-table").locator("tr", has_text="赵婷")
    expect(row.get_by_test_id("nomination-warnings")).to_contain_text("多头调训")
    row.get_by_label("选择赵婷").check()
    page.get_by_test_id("audit-approve").click()
    expect(page.locator(".alert", has_text="已审核通过 1 人")).to_be_visible()
    expect(row).to_contain_text("已审核")
    assert Enrolment.objects.filter(training_class__code="BC9", cadre=e2e_world.cadres["dc2"]).exists()

    # and 赵婷 sees her call-up on her phone
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    try:
        mobile.goto("/accounts/login/")
        mobile.fill("#id_username", "dc2_self")
        mobile.fill("#id_password", PASSWORD)
        mobile.click("button[type=submit]")
        mobile.goto("/callups/mine/")
        card = mobile.get_by_test_id("my-callup")
        expect(card).to_contain_text("县处级干部进修班")
        expect(card).to_contain_text("已录取")
        expect(card).to_contain_text("开班当天上午8:30，市委党校报到")
        width = mobile.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        shot(mobile, "callup_phone")
    finally:
        phone.close()
