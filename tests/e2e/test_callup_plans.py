"""The year's planning in the browser: the department's annual plan with places for the counties, a unit's plan sent
up for approval (proof required when team members attend), a suggested call-up list the officer trims and confirms,
and the rates page with its export."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def _menu(page, name):
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name=name).click()


def test_a_department_plans_its_year_and_approves_a_units_plan(browser, live_server, page, e2e_world, tmp_path):
    from ganxun.callups.models import PlanSubmission
    from ganxun.classes.models import TrainingClass

    start = timezone.localdate() + timedelta(days=40)
    TrainingClass.objects.create(code="BC9", name="县处级干部进修班", kind="core", organiser=e2e_world.orgs["city_dept"],
                                 start_date=start, end_date=start + timedelta(days=19), quota=30,
                                 content_category="party_spirit", audience="县处级领导干部")

    login(page, "city_admin")
    _menu(page, "年度培训计划")
    expect(page.get_by_test_id("plan-empty")).to_be_visible()
    page.get_by_test_id("plan-new").click()
    page.fill("#id_year", str(start.year))
    page.fill("#id_title", f"示例市委组织部{start.year}年度干部教育培训计划")
    page.fill("#id_targets", "县处级领导干部 | 150 | 每年选调150名左右县处级领导干部到市委党校参加系统理论学习 | 主体班")
    # a place for a group the plan does not have: refused, naming the line
    page.fill("#id_quotas", "419901 | 科级干部 | 20")
    page.get_by_test_id("plan-save").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_contain_text("名额分配第 1 行")
    page.fill("#id_quotas", "419901 | 县处级领导干部 | 20\n419902 | | 10")
    page.get_by_test_id("plan-save").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("草稿")
    expect(page.get_by_test_id("target-table")).to_contain_text("县处级领导干部")
    expect(page.get_by_test_id("plan-quotas").locator("tr[data-unit='419901']")).to_contain_text("20")
    form = page.get_by_test_id("plan-class-form")
    form.locator("#pc-class").select_option("BC9")
    form.locator("#pc-target").select_option(label="县处级领导干部")
    form.locator("#pc-planned").fill("30")
    page.get_by_test_id("plan-class-add").click()
    expect(page.get_by_test_id("planned-classes")).to_contain_text("县处级干部进修班")
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("plan-publish").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("已发布")
    shot(page, "annual_plan")
    page.get_by_role("button", name="退出").click()

    # the finance bureau sends its own plan up: with team members attending, proof is required
    login(page, "dc_hr")
    _menu(page, "培训计划报批")
    form = page.get_by_test_id("submission-form")
    form.locator("#id_year").fill(str(start.year))
    form.locator("#id_title").fill("东城区财政局年度业务培训计划")
    form.locator("#id_participants").fill("40")
    form.locator("#id_team_members").fill("2")
    form.locator("#id_content").fill("财政业务知识培训，全局干部分两期参加，每期3天")
    page.get_by_test_id("submission-save").click()
    expect(page.get_by_test_id("submission-form")).to_contain_text("须上传证明材料")
    assert not PlanSubmission.objects.exists()
    proof = tmp_path / "党组会议纪要.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form.locator("#id_proof").set_input_files(str(proof))
    page.get_by_test_id("submission-save").click()
    expect(page.get_by_test_id("mine-table")).to_contain_text("东城区财政局年度业务培训计划")
    expect(page.get_by_test_id("mine-table")).to_contain_text("东城区委组织部")
    page.get_by_role("button", name="退出").click()

    # the county's department above it approves it
    login(page, "dc_admin")
    _menu(page, "培训计划报批")
    row = page.get_by_test_id("incoming-table").locator("tr", has_text="东城区财政局年度业务培训计划")
    expect(row).to_contain_text("党组会议纪要")
    row.locator("input[name=note]").fill("同意")
    row.get_by_role("button", name="批准").click()
    expect(page.get_by_test_id("incoming-table").locator("tr", has_text="东城区财政局年度业务培训计划")).to_contain_text(
        "已批准")
    assert PlanSubmission.objects.get().status == "approved"


def test_a_suggested_list_is_trimmed_and_confirmed_and_the_rates_follow(browser, live_server, page, e2e_world):
    from ganxun.callups.models import Nomination
    from ganxun.classes.models import TrainingClass

    start = timezone.localdate() + timedelta(days=30)
    TrainingClass.objects.create(code="BC8", name="年轻干部党性教育专题班", kind="thematic",
                                 organiser=e2e_world.orgs["city_dept"], start_date=start,
                                 end_date=start + timedelta(days=6), quota=30, content_category="party_spirit")
    login(page, "city_admin")
    _menu(page, "调训通知")
    page.get_by_test_id("callup-new").click()
    page.select_option("#id_class_code", "BC8")
    page.fill("#id_title", "关于调训参加年轻干部党性教育专题班的通知")
    page.fill("#id_deadline", (start - timedelta(days=7)).isoformat())
    page.fill("#id_quotas", "419901CZJ:2\n419902NYJ:1")
    page.get_by_test_id("callup-save").click()
    page.get_by_test_id("callup-issue").click()
    expect(page.get_by_test_id("callup-status")).to_have_text("已下发")

    _menu(page, "智能调训")
    expect(page.get_by_test_id("suggest-form")).to_contain_text("年轻干部党性教育专题班")
    page.get_by_test_id("suggest-start").click()
    expect(page.get_by_test_id("suggestion-status")).to_contain_text("完成")
    people = page.get_by_test_id("suggestion-form").locator("tr[data-person]")
    # 东城区财政局 has two places but two cadres: with 20 % of a unit away at once, one of them goes; and 刘洋
    expect(people).to_have_count(2)
    expect(people.filter(has_text="刘洋")).to_have_count(1)
    expect(page.get_by_test_id("suggestion-form")).to_contain_text("长期未参加脱产培训")
    shot(page, "callup_suggestion")
    page.get_by_label("调训刘洋").uncheck()
    page.get_by_test_id("suggestion-confirm").click()
    expect(page.locator(".alert", has_text="已点名调训 1 人")).to_be_visible()
    [n] = Nomination.objects.all()
    assert (n.cadre.org.code, n.status) == ("419901CZJ", "named")

    # the rates count the call-up: 1 of the city's 5 cadres called, none in class yet (named, not confirmed)
    _menu(page, "调训统计")
    page.select_option("#f-year", str(start.year))
    page.get_by_role("button", name="统计").click()
    expect(page.get_by_test_id("total-call-up-rate")).to_have_text("20.0%")
    expect(page.get_by_test_id("total-participation-rate")).to_have_text("0.0%")
    expect(page.get_by_test_id("rates-table").locator("tr[data-key='419901CZJ']")).to_contain_text("东城区财政局")
    with page.expect_download() as download:
        page.get_by_test_id("rates-export").click()
    assert download.value.suggested_filename.endswith("年调训统计（按单位）.xlsx")
