"""规划指标: every plan and every indicator with the clause it comes from, readable by any logged-in role."""

import re

import pytest

from ganxun.plans.catalog import all_plans, load_plan

PERSONAS = ["admin", "province", "city", "dc", "dc_hr", "leader", "other", "cadre", "institution"]


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def indicator_row(html: str, code: str) -> str:
    start = html.index(f'data-indicator="{code}"')
    return html[start:html.index("</tr>", start)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_logged_in_role_reads_the_plans(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get("/plans/list/").status_code == 200
    assert client.get("/plans/xuchang-2019-2022/").status_code == 200


def test_anonymous_is_sent_to_login_and_an_unknown_plan_is_not_found(client, world):
    assert client.get("/plans/list/")["Location"].startswith("/accounts/login/")
    assert client.get("/plans/henan-2019-2022/")["Location"].startswith("/accounts/login/")
    client.force_login(world.users["dc"])
    assert client.get("/plans/no-such-plan/").status_code == 404
    assert client.get("/plans/..%2Fhenan-2019-2022/").status_code == 404


def test_the_list_names_each_plan_with_issuer_level_period_and_adoption(client, world):
    client.force_login(world.users["city"])
    html = text(client.get("/plans/list/"))
    for plan in all_plans():
        row = html[html.index(f'data-plan="{plan.id}"'):]
        row = row[:row.index("</tr>")]
        assert plan.title in row and plan.issuer in row
        assert f"{plan.start:%Y-%m-%d} 至 {plan.end:%Y-%m-%d}" in row
    xuchang = html[html.index('data-plan="xuchang-2019-2022"'):]
    xuchang = xuchang[:xuchang.index("</tr>")]
    assert "市级" in xuchang and "采用" in xuchang and "河南省2019—2022年干部教育培训规划" in xuchang
    assert "覆盖其中 7 项指标" in xuchang
    henan = html[html.index('data-plan="henan-2019-2022"'):]
    assert "省级" in henan[:henan.index("</tr>")]


def test_each_indicator_shows_whom_what_how_much_when_and_the_clause(client, world):
    client.force_login(world.users["cadre"])
    plan = load_plan("henan-2019-2022")
    html = text(client.get(f"/plans/{plan.id}/"))
    for ind in plan.indicators:
        row = indicator_row(html, ind.code)
        assert ind.name in row and ind.source in row and ind.text in row
        assert ind.describe_subjects() in row or ind.of_indicator  # a share names its indicator instead
    row = indicator_row(html, "leader_hours_5y")
    assert "90 天或550 学时以上" in row and "规划期（2018-01-01 至 2022-12-31）" in row
    assert "党校（行政学院）、干部学院或认可的培训机构" in row and "考核" in row
    assert "仅供参考" in indicator_row(html, "team_professional_week")
    assert "补训名单" in indicator_row(html, "makeup_5y")
    assert "截至评估日的 4 年内" in indicator_row(html, "young_rotation_4y")
    assert "「优秀年轻干部4年轮训」达标人数占比不低于 100%" in indicator_row(html, "org_young_rotation")
    assert "适用「优秀年轻干部4年轮训」的干部" in indicator_row(html, "org_young_rotation")
    assert 'class="overridden"' not in html and "adopts-note" not in html  # the province's plan adopts nothing


def test_an_adopting_plan_marks_what_it_overrides_and_shows_the_province_version(client, world):
    client.force_login(world.users["leader"])
    html = text(client.get("/plans/xuchang-2019-2022/"))
    overridden = set(re.findall(r'<tr class="overridden" data-indicator="(\w+)"', html))
    inherited = set(re.findall(r'<tr class="inherited" data-indicator="(\w+)"', html))
    assert overridden == {"leader_hours_5y", "staff_hours_annual", "class_theory_party_share", "class_party_spirit_share",
                          "class_party_spirit_analysis", "class_leader_teaching_share", "class_interactive_share"}
    assert inherited == {i.code for i in load_plan("xuchang-2019-2022").indicators} - overridden
    row = indicator_row(html, "leader_hours_5y")
    # the city's rule, what it changed, and what the province said
    assert "本规划覆盖" in row and "截至评估日的 5 年内" in row
    assert "计入范围" in row and "统计窗口" in row
    assert "上级规划：规划期（2018-01-01 至 2022-12-31）" in row
    assert "许昌市2019—2022年干部教育培训规划 一(四)1" in row
    assert "县处级党政领导干部5年内参加党校（行政学院）以及干部教育培训管理部门认可的其他培训机构" in row
    # an inherited indicator cites the province's plan
    assert "河南省2019—2022年干部教育培训规划 一(四)2" in indicator_row(html, "team_system_training")
    note = html[html.index('data-testid="adopts-note"'):]
    note = re.sub(r"<[^>]+>", "", note[:note.index("</div>")])
    assert "本规划采用上级规划 河南省2019—2022年干部教育培训规划 的全部指标" in note
    assert "覆盖了其中 7 项（县处级党政领导干部5年内累计培训、科级及以下干部年度培训、主体班理论教育和党性教育课时比重" in note


def test_the_dashboard_link_is_offered_only_to_roles_with_a_dashboard(client, world):
    client.force_login(world.users["cadre"])
    assert "/reports/dashboard/" not in text(client.get("/plans/list/")).split("<main")[1]
    client.force_login(world.users["dc"])
    assert "/reports/dashboard/?plan=henan-2019-2022" in text(client.get("/plans/list/"))


@pytest.mark.parametrize("plan_id", ["henan-2019-2022", "xuchang-2019-2022"])
def test_the_plan_page_says_whom_a_window_leaves_out_by_hiring_date(client, world, plan_id):
    client.force_login(world.users["city"])
    html = text(client.get(f"/plans/{plan_id}/"))
    rule = html[html.index('data-testid="hired-rule"'):]
    rule = rule[:rule.index("</li>")]
    assert "7月1日及以后录用的，当年不评" in rule and "不适用" in rule and "未填录用时间的干部照常评估" in rule
