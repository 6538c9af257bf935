"""Layout as a user's screen shows it: nothing scrolls sideways on a phone (390 px), the columns that matter stay
in view, and the wide 干部名册 fits a laptop (1440 px)."""

from playwright.sync_api import expect

from ganxun.accounts.models import User
from ganxun.cadres.models import Cadre
from tests.e2e.conftest import login, shot
from tests.e2e.test_archive import archive_ledger  # noqa: F401 (a fixture: 王磊's ledger with corrections)

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


def _context(browser, live_server, viewport):
    phone = viewport["width"] < 600
    return browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=viewport, is_mobile=phone,
                               has_touch=phone)


def page_width(page) -> int:
    """How wide the page is laid out: wider than the viewport means the user scrolls sideways."""
    return page.evaluate("document.documentElement.scrollWidth")


def in_view(page, locator) -> bool:
    """The element is shown and lies inside the viewport's width (not cut off, not scrolled away)."""
    box = locator.bounding_box()
    return locator.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def test_on_a_phone_the_menu_folds_into_a_button(browser, live_server, e2e_world):
    context = _context(browser, live_server, PHONE)
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


def test_on_a_phone_the_archive_fits_the_screen(browser, live_server, archive_ledger):  # noqa: F811
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    try:
        # given the county admin on 王磊's archive, which has a correction history
        login(page, "dc_admin")
        page.goto("/archive/C-DC-1/")
        expect(page.get_by_test_id("corrections-table")).to_contain_text("学时核定有误")
        # then the page is no wider than the phone
        assert page_width(page) <= PHONE["width"], page_width(page)
        # and each record shows its hours and status in view
        row = page.get_by_test_id("records-table").locator("tbody tr").first
        for label in ("学时", "状态"):
            assert in_view(page, row.locator(f'td[data-label="{label}"]')), label
        shot(page, "phone_archive")
    finally:
        context.close()


def test_on_a_phone_the_records_list_keeps_hours_and_status_in_view(browser, live_server, archive_ledger):  # noqa: F811
    # given a login whose display name is long (the header must not grow past the screen for it)
    User.objects.filter(username="dc_admin").update(display_name="东城区委组织部干部教育科工作人员")
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    try:
        login(page, "dc_admin")
        page.goto("/records/list/")
        rows = page.get_by_test_id("record-row")
        expect(rows.first).to_be_visible()
        # then nothing scrolls sideways, 退出 is on the screen, and every row shows its 学时 and 状态
        assert page_width(page) <= PHONE["width"], page_width(page)
        assert in_view(page, page.get_by_role("button", name="退出"))
        for i in range(min(rows.count(), 5)):
            assert in_view(page, rows.nth(i).get_by_test_id("record-hours")), i
            assert in_view(page, rows.nth(i).get_by_test_id("record-status")), i
        shot(page, "phone_records")
    finally:
        context.close()


def test_on_a_laptop_the_registry_fits_with_its_actions(browser, live_server, e2e_world):
    # given cadres with the long units and posts a city's leadership has
    Cadre.objects.filter(person_code="C-CITY-1").update(post_title="市委常委、市纪委书记、市监委主任",
                                                        is_principal=True, is_young_talent=True, local_team="city")
    e2e_world.orgs["city_edu"].__class__.objects.filter(pk=e2e_world.orgs["city_edu"].pk).update(
        name="中共示例市委机构编制委员会办公室")
    context = _context(browser, live_server, LAPTOP)
    page = context.new_page()
    try:
        login(page, "city_admin")
        page.goto("/cadres/")
        table = page.get_by_test_id("cadre-table")
        expect(table).to_contain_text("市委常委、市纪委书记、市监委主任")
        # then the table fits its card (no sideways scrolling) and 查看 · 修改 are on screen in every row
        overflow = table.evaluate("t => t.parentElement.scrollWidth - t.parentElement.clientWidth")
        assert overflow <= 0, overflow
        for i in range(table.locator("tbody tr").count()):
            cell = table.locator("tbody tr").nth(i).locator("td").last
            assert in_view(page, cell.get_by_role("link", name="修改")), i
        assert page_width(page) <= LAPTOP["width"]
        shot(page, "laptop_cadres")
    finally:
        context.close()
