from playwright.sync_api import expect

from tests.e2e.conftest import login, shot


def test_city_admin_searches_the_tree_and_adds_a_unit_in_a_dialog(page, e2e_world):
    login(page, "city_admin")
    page.get_by_role("link", name="组织机构").click()
    tree = page.get_by_test_id("org-tree")
    expect(tree).not_to_contain_text("另一市")
    # counties start collapsed; expanding 东城区 shows its units
    expect(page.get_by_role("link", name="东城区财政局")).to_be_hidden()
    page.locator("tr", has=page.get_by_role("link", name="东城区", exact=True)).locator("[data-gx-toggle]").click()
    expect(page.get_by_role("link", name="东城区财政局")).to_be_visible()
    shot(page, "org_tree")
    # search by name
    page.fill("#org-q", "农业")
    page.get_by_role("button", name="搜索").click()
    expect(tree).to_contain_text("西城县农业农村局")
    expect(tree).not_to_contain_text("东城区财政局")
    # add a unit under 西城县 through the dialog; a bad level is refused first
    page.goto("/orgs/")
    row = page.locator("tr", has=page.get_by_role("link", name="西城县", exact=True))
    row.get_by_role("link", name="新增下级").click()
    dialog = page.locator("#gx-modal")
    expect(dialog).to_be_visible()
    dialog.locator("#id_code").fill("419902JYJ")
    dialog.locator("#id_name").fill("西城县教育局")
    dialog.locator("#id_org_type").select_option("agency")
    dialog.locator("#id_level").select_option("city")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog.get_by_test_id("form-error")).to_contain_text("高于上级单位")
    shot(page, "org_new_dialog_error")
    dialog.locator("#id_level").select_option("county")
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("org-tree")).to_contain_text("西城县教育局")
