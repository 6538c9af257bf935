from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def test_a_city_department_starts_its_2023_2027_plan_and_the_dashboard_judges_by_it(page, e2e_world):
    # given the city admin on 规划指标, where only the shipped plans of 2019–2022 exist
    login(page, "city_admin")
    page.get_by_role("link", name="规划指标").click()
    expect(page.get_by_test_id("plan-table")).to_contain_text("河南省2019—2022年干部教育培训规划")
    # when they create a plan adopting the province's, in the dialog
    page.get_by_test_id("plan-new").click()
    dialog = page.locator("#gx-modal-content")
    expect(dialog.get_by_test_id("plan-form")).to_be_visible()
    dialog.locator("select[name=adopts]").select_option("henan-2019-2022")
    dialog.get_by_role("button", name="确定").click()
    # then its draft opens, with every indicator adopted
    expect(page.get_by_test_id("draft-bar")).to_contain_text("尚未发布")
    expect(page.get_by_test_id("plan-title")).to_contain_text("示例市2023—2027年干部教育培训规划")
    expect(page.locator('[data-indicator="staff_hours_annual"]')).to_contain_text("沿用上级")
    # when they raise the yearly hours to 100, preview it and save
    page.locator('[data-indicator="staff_hours_annual"]').get_by_test_id("indicator-edit").click()
    page.fill("input[name=hours]", "100")
    page.get_by_test_id("indicator-preview-button").click()
    expect(page.get_by_test_id("indicator-preview")).to_contain_text("名干部适用")
    shot(page, "plan_indicator_preview")
    page.get_by_test_id("indicator-save").click()
    row = page.locator('[data-indicator="staff_hours_annual"]')
    expect(row).to_contain_text("本规划覆盖")
    expect(row).to_contain_text("12 天或100 学时以上")
    shot(page, "plan_draft")
    # and publish it
    page.get_by_test_id("plan-publish").click()
    dialog.locator("textarea[name=note]").fill("本市学时要求高于省")
    dialog.get_by_role("button", name="确认发布").click()
    expect(page.get_by_test_id("plan-version")).to_contain_text("第 1 版")
    expect(page.get_by_test_id("versions")).to_contain_text("本市学时要求高于省")
    # then the dashboard judges 2026 by it without being told
    page.goto("/reports/dashboard/?as_of=2026-06-30")
    expect(page.locator("body")).to_contain_text("示例市2023—2027年干部教育培训规划")
    # and the county department sees it published, without a way to change it
    page.get_by_role("button", name="退出").click()
    login(page, "dc_admin")
    page.goto("/plans/4199-2023-2027/")
    expect(page.get_by_test_id("plan-version")).to_contain_text("第 1 版")
    expect(page.get_by_test_id("open-draft")).to_have_count(0)
