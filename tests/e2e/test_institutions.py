from playwright.sync_api import expect

from tests.e2e.conftest import login, shot
from tests.factories import add_institution


def test_city_admin_filters_opens_and_adds_institutions(page, e2e_world):
    # given institutions at the province, the city, a county and in the other city
    o = e2e_world.orgs
    add_institution("DX41", "中共河南省委党校", "party_school", level="province", owner=o["henan_dept"])
    flagship = add_institution("XY4101", "焦裕禄干部学院", "cadre_college", level="province", owner=o["henan_dept"])
    flagship.is_flagship = True
    flagship.save()
    add_institution("DX4199", "中共示例市委党校", "party_school", level="city", owner=o["city_dept"])
    add_institution("DX419901", "中共东城区委党校", "party_school", level="county", owner=o["dc_dept"])
    add_institution("SH001", "明德干部培训咨询有限公司", "private_provider", recognised=False)
    add_institution("DX4198", "中共另一市委党校", "party_school", owner=o["other_dept"])
    # when the city admin opens 培训资源 → 培训机构
    login(page, "city_admin")
    page.get_by_role("link", name="培训机构").click()
    table = page.get_by_test_id("institution-table")
    # then the city's own and those above it show, the other city's does not
    expect(page.get_by_test_id("institution-count")).to_contain_text("共 5 个机构")
    expect(table).to_contain_text("焦裕禄干部学院")
    expect(table).not_to_contain_text("另一市")
    shot(page, "institutions_list")
    # when they filter for recognised party schools at county level
    page.select_option("#f-kind", "party_school")
    page.select_option("#f-level", "county")
    page.select_option("#f-recognised", "yes")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_test_id("institution-count")).to_contain_text("共 1 个机构")
    expect(table).to_contain_text("中共东城区委党校")
    # and open it
    page.get_by_role("link", name="中共东城区委党校").click()
    expect(page.get_by_test_id("institution-name")).to_contain_text("中共东城区委党校")
    expect(page.get_by_test_id("owner-org")).to_contain_text("东城区委组织部（419901ZZB）")
    expect(page.get_by_test_id("recognised")).to_have_text("认可的培训机构")
    shot(page, "institution_detail")
    # when they add one in the dialog, first with an owner outside their city
    page.goto("/resources/institutions/")
    page.get_by_test_id("institution-new").click()
    dialog = page.locator("#gx-modal")
    expect(dialog).to_be_visible()
    dialog.locator("#id_code").fill("GX4199")
    dialog.locator("#id_name").fill("示例大学干部教育培训基地")
    dialog.locator("#id_kind").select_option("university_base")
    dialog.locator("#id_level").select_option("city")
    dialog.locator("#id_owner_org_code").fill("4198FGW")
    dialog.get_by_role("button", name="确定").click()
    expect(dialog.get_by_test_id("field-error")).to_contain_text("4198FGW 不存在或不在您的管理范围内")
    shot(page, "institution_new_dialog_error")
    dialog.locator("#id_owner_org_code").fill("4199JYJ")
    dialog.get_by_role("button", name="确定").click()
    # then its detail page opens
    expect(page.get_by_test_id("institution-name")).to_contain_text("示例大学干部教育培训基地")
    expect(page.get_by_test_id("owner-org")).to_contain_text("示例市教育局（4199JYJ）")
    shot(page, "institution_created")
    # when they withdraw its recognition in the edit dialog, giving a reason
    page.get_by_test_id("institution-edit").click()
    expect(dialog).to_be_visible()
    dialog.locator("#id_recognised").uncheck()
    dialog.locator("#id_reason").fill("年度复核未通过")
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("recognised")).to_have_text("未认可")
    # then the history tab shows the change and its reason
    page.get_by_role("link", name="变更历史").click()
    history = page.get_by_test_id("institution-history")
    expect(history).to_contain_text("认可：是 → 否")
    expect(history).to_contain_text("年度复核未通过")
    shot(page, "institution_history")


def test_institution_staff_see_their_own_institution_only(page, e2e_world):
    add_institution("DX4199", "中共示例市委党校", "party_school", level="city", owner=e2e_world.orgs["city_dept"])
    add_institution("DX41", "中共河南省委党校", "party_school", level="province", owner=e2e_world.orgs["henan_dept"])
    login(page, "school_staff")
    # the menu takes them to their own institution's record; the list of every institution is not theirs
    expect(page.locator("#gx-sidebar").get_by_role("link", name="培训机构")).to_have_count(0)
    page.locator("#gx-sidebar").get_by_role("link", name="本机构").click()
    expect(page.get_by_test_id("institution-name")).to_contain_text("中共示例市委党校")
    # and the list, reached by its address, holds their institution alone, with nothing to add
    page.goto("/resources/institutions/")
    expect(page.get_by_test_id("institution-count")).to_contain_text("共 1 个机构")
    expect(page.get_by_test_id("institution-table")).to_contain_text("中共示例市委党校")
    expect(page.get_by_test_id("institution-new")).to_have_count(0)
