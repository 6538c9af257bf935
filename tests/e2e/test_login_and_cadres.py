from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def test_city_admin_logs_in_and_filters_the_cadre_list(page, e2e_world):
    # given a city admin at the login page
    page.goto("/accounts/login/")
    shot(page, "login")
    # when they log in
    login(page, "city_admin")
    # then the top bar names their role and scope
    expect(page.get_by_test_id("scope")).to_have_text("示例市委组织部")
    shot(page, "home")
    # and the cadre list shows their city only
    page.get_by_role("link", name="干部名册").click()
    expect(page.get_by_test_id("cadre-count")).to_contain_text("共 5 人")
    expect(page.get_by_test_id("cadre-table")).not_to_contain_text("陈刚")
    shot(page, "cadres_list")
    # when they filter for young talents
    page.select_option("#f-flag", "young")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("cadre-count")).to_contain_text("共 1 人")
    expect(page.get_by_test_id("cadre-table")).to_contain_text("赵婷")
    # and open the cadre: the ID number is masked
    page.get_by_role("link", name="赵婷").first.click()
    expect(page.get_by_test_id("cadre-name")).to_contain_text("赵婷")
    expect(page.get_by_test_id("id-masked")).to_contain_text("**********")
    shot(page, "cadre_detail")


def test_wrong_password_shows_a_chinese_message(page, e2e_world):
    login(page, "city_admin", "Wrong#Password1")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
