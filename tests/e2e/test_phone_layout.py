from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def test_on_a_phone_the_menu_folds_into_a_button(browser, live_server, e2e_world):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        login(page, "dc_admin")
        expect(page.get_by_role("link", name="干部名册")).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        page.get_by_role("link", name="干部名册").click()
        expect(page.get_by_test_id("cadre-count")).to_contain_text("共 2 人")
        shot(page, "phone_cadres")
    finally:
        context.close()
