"""达标评估 in the browser: figures, the chart, drilling into a district and into the cadres behind a count."""

from datetime import date

from playwright.sync_api import expect

from ganxun.records.services import record_append
from tests.e2e.conftest import login, shot
from tests.factories import add_cadre, add_institution


def _ledger(w):
    """A few more cadres and a year of records, so the chart has bars of different lengths."""
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=w.orgs["city_dept"])
    o = w.orgs
    add_cadre(o["dc_fin"], "C-DC-3", "孙敏", female=True, rank="clerk_2")
    add_cadre(o["dc_fin"], "C-DC-4", "周强", rank="principal_clerk_4")
    add_cadre(o["xc_agri"], "C-XC-2", "吴芳", female=True, rank="clerk_1")
    add_cadre(o["city_edu"], "C-CITY-3", "郑浩", rank="clerk_1")
    admin = w.users["admin"]
    # (person, first day, hours): 12 days or 90 hours meet 科级以下干部年度培训
    for n, (person, start, hours) in enumerate([("C-DC-2", 1, "96"), ("C-DC-3", 1, "92"), ("C-XC-1", 10, "40"),
                                                ("C-CITY-2", 1, "100"), ("C-CITY-3", 8, "30"), ("C-DC-4", 11, "12")]):
        record_append(acting_user=admin, person_code=person, institution_code="DX4199", external_id=f"E2E-{n}",
                      values={"title": "科级干部进修班", "source": "full_time", "start_date": date(2022, 9, start),
                              "end_date": date(2022, 9, 12), "hours": hours})


def test_city_admin_reads_the_dashboard_and_drills_down(page, e2e_world):
    _ledger(e2e_world)
    login(page, "city_admin")
    page.get_by_role("link", name="达标评估").click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("示例市")
    # the plan's last day as the evaluation date
    page.get_by_role("link", name="规划期末").click()
    expect(page.locator("#f-as-of")).to_have_value("2022-12-31")
    figures = page.get_by_test_id("figures")
    for name in ("调训率", "参训率", "培训覆盖率", "人均脱产培训学时", "人均网络培训学时", "学时达标率", "五年轮训完成率"):
        expect(figures).to_contain_text(name)
    expect(figures.locator('[data-figure="call_up_rate"]')).to_contain_text("0.0%")  # no call-ups in this ledger
    expect(figures.locator('[data-figure="training_coverage"]')).to_contain_text("66.7%")  # 6 of the 9 cadres trained in 2022
    expect(page.locator("#gx-chart canvas")).to_be_visible()
    # every headline number says which period it counts
    expect(figures.locator('[data-figure="training_coverage"] [data-testid="figure-window"]')).to_have_text("2022 年度")
    expect(figures.locator('[data-figure="rotation_progress"] [data-testid="figure-window"]')).to_have_text(
        "2018–2022 规划期")
    expect(page.get_by_test_id("makeup-card").get_by_test_id("figure-window")).to_have_text("截至评估日 5 年内")
    page.get_by_test_id("indicator-select").select_option("staff_hours_annual")
    expect(page.get_by_test_id("children-staff_hours_annual")).to_be_visible()
    shot(page, "dashboard")

    # one unit table: the switch shows the rates of every indicator, then the unit and region indicators
    page.get_by_test_id("indicator-select").select_option("matrix")
    expect(page.get_by_test_id("matrix")).to_be_visible()
    expect(page.get_by_test_id("children-staff_hours_annual")).to_be_hidden()
    expect(page.locator("#gx-chart")).to_be_hidden()
    # and only the districts and counties, on a switch of its own
    page.get_by_test_id("group-switch").get_by_role("link", name="下级地区").click()
    matrix = page.get_by_test_id("matrix")
    expect(matrix.get_by_role("link", name="东城区", exact=True)).to_be_visible()
    expect(matrix.get_by_role("link", name="示例市教育局", exact=True)).to_be_hidden()
    assert "view=matrix" in page.url and "group=region" in page.url
    shot(page, "dashboard_matrix_regions")
    page.get_by_test_id("indicator-select").select_option("org")
    expect(page.get_by_test_id("org-indicators")).to_be_visible()
    expect(page.get_by_test_id("org-indicators").get_by_role("link", name="示例市教育局", exact=True)).to_be_hidden()
    page.get_by_test_id("group-switch").get_by_role("link", name="全部").click()
    expect(page.get_by_test_id("org-indicators").get_by_role("link", name="示例市教育局", exact=True)).to_be_visible()
    shot(page, "dashboard_org")
    page.get_by_test_id("indicator-select").select_option("staff_hours_annual")
    expect(page.locator("#gx-chart canvas")).to_be_visible()

    # drill into 东城区
    page.get_by_test_id("children-staff_hours_annual").get_by_role("link", name="东城区", exact=True).click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("东城区")
    expect(page.get_by_test_id("org-trail")).to_contain_text("示例市")
    table = page.get_by_test_id("children-staff_hours_annual")
    expect(table).to_be_visible()
    row = table.locator('tr[data-org="419901CZJ"]')
    expect(row.locator('[data-verdict="met"]')).to_have_text("2")
    expect(row.locator('[data-verdict="unmet"]')).to_have_text("2")
    shot(page, "dashboard_district")

    # the cadres behind an unmet count
    row.locator('a[data-verdict="unmet"]').click()
    expect(page.get_by_test_id("list-title")).to_contain_text("未达标")
    listing = page.get_by_test_id("verdict-table")
    expect(listing).to_contain_text("王磊")
    expect(listing).to_contain_text("周强")
    expect(listing).not_to_contain_text("赵婷")
    expect(listing.locator('tr[data-person="C-DC-4"]')).to_contain_text("12.0 学时")
    expect(listing.locator('tr[data-person="C-DC-4"] [data-testid="archive-link"]')).to_have_attribute(
        "href", "/archive/C-DC-4/")
    shot(page, "dashboard_cadres")
