"""达标评估: the dashboard, the cadres behind its numbers and the export, inside each persona's scope."""

import json
import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganxun.audit.models import AuditEvent, EventType
from ganxun.plans import compliance
from ganxun.plans.compliance import CadreResults, cadre_verdicts, compliance_scope, org_figures, org_verdicts
from ganxun.plans.output import XLSX_HEADERS
from ganxun.plans.engine import span_for
from ganxun.plans.catalog import load_plan
from ganxun.records.services import record_append
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.factories import add_cadre, add_org
from tests.plans.conftest import schools  # noqa: F401  (the shared fixture)

PLAN = "henan-2019-2022"
AS_OF = "2022-12-31"
Q = f"plan={PLAN}&as_of={AS_OF}"
_n = {"i": 0}


def add_record(world, person, *, end, hours="8", days_before=0, source="full_time", institution="DX4199",
               system=False):
    _n["i"] += 1
    start = date.fromordinal(end.toordinal() - days_before)
    return record_append(acting_user=world.users["admin"], person_code=person, institution_code=institution,
                         external_id=f"T-{_n['i']}",
                         values={"title": "培训班", "source": source, "start_date": start, "end_date": end,
                                 "hours": hours, "is_system_training": system})


@pytest.fixture
def ledger(world, schools):  # noqa: F811
    """Staff who meet (or miss) their yearly hours, a leader with system training, one without."""
    return {
        "dc2": add_record(world, "C-DC-2", end=date(2022, 5, 12), hours="96", days_before=11),  # staff: met
        "xc1": add_record(world, "C-XC-1", end=date(2022, 6, 1), hours="20", days_before=2),  # staff: unmet
        "city2": add_record(world, "C-CITY-2", end=date(2022, 9, 12), hours="90", days_before=3),  # met by hours
        "city1": add_record(world, "C-CITY-1", end=date(2021, 4, 30), hours="120", days_before=20, system=True),
    }


# ---- helpers that read the page as an officer sees it --------------------------------------------

def page_text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def pane(html: str, code: str) -> str:
    start = html.index(f'data-testid="children-{code}"')
    return html[start:html.index("</table>", start)]


def counts_in_row(table: str, org: str) -> dict:
    start = table.index(f'data-org="{org}"')
    row = table[start:table.index("</tr>", start)]
    return {v: int(n) for v, n in re.findall(r'data-verdict="(\w+)">(\d+)<', row)}


def people(html: str) -> set:
    return set(re.findall(r'<tr data-person="([^"]+)"', html))


# ---- scope --------------------------------------------------------------------------------------

ROOTS = {"admin": "河南省", "province": "河南省", "city": "示例市", "dc": "东城区", "dc_hr": "东城区财政局",
         "leader": "示例市", "other": "另一市"}


@pytest.mark.parametrize("persona, root", ROOTS.items())
def test_dashboard_opens_on_the_scope_root(client, world, persona, root):
    client.force_login(world.users[persona])
    html = page_text(client.get(f"/reports/dashboard/?{Q}"))
    assert f"{root} · 达标评估" in html


@pytest.mark.parametrize("persona", ["cadre", "institution"])
def test_roles_without_an_org_scope_have_no_dashboard(client, world, persona):
    client.force_login(world.users[persona])
    own_org = "419901CZJ"  # the cadre's own unit: still no dashboard
    for url in (f"/reports/dashboard/?{Q}", f"/reports/dashboard/?{Q}&org={own_org}",
                f"/reports/cadres/?{Q}&org={own_org}&verdict=unmet", f"/reports/makeup/?{Q}",
                f"/reports/at-risk/?{Q}", f"/reports/export.xlsx?{Q}&org={own_org}"):
        assert client.get(url).status_code == 404, url


# persona -> (an org inside the scope, an org outside it)
INSIDE_OUTSIDE = [
    ("admin", "419901", None),
    ("province", "4198", None),
    ("city", "419901", "4198"),
    ("dc", "419901CZJ", "419902"),
    ("dc_hr", "419901CZJ", "419901"),
    ("leader", "419902", "4198"),
    ("other", "4198FGW", "4199"),
]
PAGES = ["/reports/dashboard/?{q}&org={org}", "/reports/cadres/?{q}&org={org}&indicator=staff_hours_annual&verdict=unmet",
         "/reports/cadres/?{q}&org={org}", "/reports/makeup/?{q}&org={org}", "/reports/at-risk/?{q}&org={org}",
         "/reports/export.xlsx?{q}&org={org}"]


@pytest.mark.parametrize("persona, inside, outside", INSIDE_OUTSIDE)
@pytest.mark.parametrize("url", PAGES)
def test_an_org_inside_the_scope_opens_and_one_outside_is_not_found(client, world, persona, inside, outside, url):
    client.force_login(world.users[persona])
    assert client.get(url.format(q=Q, org=inside)).status_code == 200
    if outside:
        assert client.get(url.format(q=Q, org=outside)).status_code == 404
    assert client.get(url.format(q=Q, org="NO-SUCH-ORG")).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, world, url):
    response = client.get(url.format(q=Q, org="4199"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_unknown_indicator_or_verdict_is_not_found_and_a_bad_date_falls_back(client, world):
    client.force_login(world.users["city"])
    assert client.get(f"/reports/cadres/?{Q}&indicator=nope").status_code == 404
    assert client.get(f"/reports/cadres/?{Q}&verdict=maybe").status_code == 404
    assert client.get(f"/reports/export.xlsx?{Q}&indicator=org_young_rotation").status_code == 404
    html = page_text(client.get("/reports/dashboard/?plan=nope&as_of=2022-13-01"))
    assert "没有规划 nope" in html and "不是 YYYY-MM-DD 格式" in html


# ---- the numbers -----------------------------------------------------------------------------------

def test_child_counts_equal_the_engine(client, world, ledger):
    # given the city admin's dashboard
    client.force_login(world.users["city"])
    html = page_text(client.get(f"/reports/dashboard/?{Q}"))
    plan = load_plan(PLAN)
    verdicts = cadre_verdicts(plan, date(2022, 12, 31), compliance_scope(world.users["city"], org_code="4199"),
                              with_evidence=False)
    org_of = {c.person_code: c.org.path for c in compliance_scope(world.users["city"], org_code="4199")}
    # each indicator's table: the page opened on it, and the same table as the page's switch fetches it
    views = {}
    for ind in plan.of_subject("cadre"):
        views[ind.code] = pane(page_text(client.get(f"/reports/dashboard/?{Q}&view={ind.code}")), ind.code)
        alone = page_text(client.get(f"/reports/dashboard/?{Q}&org=4199&view={ind.code}&part=1"))
        assert pane(alone, ind.code) == views[ind.code] and "<html" not in alone
    assert pane(html, "leader_hours_5y") == views["leader_hours_5y"]   # the page opens on the hours indicator
    # then every child's counts are the engine's verdicts of the cadres under it
    for child in ("419901", "419902", "4199JYJ", "4199ZZB"):
        path = next(o.path for o in world.orgs.values() if o.code == child)
        for ind in plan.of_subject("cadre"):
            expected = {v: 0 for v in ("met", "on_track", "at_risk", "unmet")}
            for v in verdicts:
                if v.indicator == ind.code and org_of[v.subject].startswith(path):
                    expected[v.verdict] += 1
            assert counts_in_row(views[ind.code], child) == expected, (child, ind.code)
    # and the concrete numbers an officer reads for 科级以下干部年度培训
    staff = views["staff_hours_annual"]
    assert counts_in_row(staff, "419901") == {"met": 1, "on_track": 0, "at_risk": 0, "unmet": 1}  # 赵婷 / 王磊
    assert counts_in_row(staff, "419902") == {"met": 0, "on_track": 0, "at_risk": 0, "unmet": 1}  # 刘洋
    assert counts_in_row(staff, "4199JYJ") == {"met": 1, "on_track": 0, "at_risk": 0, "unmet": 0}  # 李秀英
    assert counts_in_row(staff, "4199-total") == {"met": 2, "on_track": 0, "at_risk": 0, "unmet": 2}
    assert "50.0%" in staff


def test_figures_on_the_page_are_the_engine_figures(client, world, ledger):
    client.force_login(world.users["city"])
    html = page_text(client.get(f"/reports/dashboard/?{Q}"))
    figures = {f.code: f for f in org_figures(world.users["city"], load_plan(PLAN), date(2022, 12, 31),
                                              org_code="4199")}
    assert figures["training_coverage"].value == 0.6  # 3 of the 5 cadres trained in 2022
    assert re.search(r'data-figure="training_coverage">.*?60\.0%', html, re.S)
    assert re.search(r'data-figure="avg_full_time_hours">.*?41\.2', html, re.S)  # 206 hours / 5
    # 调训率 counts the call-ups: none in this ledger's year, and the note says what it counts
    call_up = re.search(r'data-figure="call_up_rate">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert "0.0%" in call_up and figures["call_up_rate"].note in call_up and "被调训" in call_up


def test_org_indicators_show_their_verdicts(client, world, ledger):
    client.force_login(world.users["city"])
    html = page_text(client.get(f"/reports/dashboard/?{Q}&view=org"))
    table = html[html.index('data-testid="org-indicators"'):]
    row = table[table.index('data-org="419902"'):]
    row = row[:row.index("</tr>")]
    # 西城县: its one cadre below division tier did train in 2022 (20 hours), so 1/1 trained
    assert re.search(r'data-indicator="org_staff_fifth_annual">.*?达标.*?100\.0%（1/1 人）', row, re.S)


def test_drill_down_lists_the_cadres_behind_a_count(client, world, ledger):
    client.force_login(world.users["city"])
    html = page_text(client.get(f"/reports/cadres/?{Q}&org=419901&indicator=staff_hours_annual&verdict=unmet"))
    assert people(html) == {"C-DC-1"}
    assert "王磊" in html and "东城区财政局" in html and 'href="/archive/C-DC-1/"' in html
    assert "12 天 / 90.0 学时" in html  # the requirement, and the gap beside it
    html = page_text(client.get(f"/reports/cadres/?{Q}&org=4199&indicator=staff_hours_annual&verdict=met"))
    assert people(html) == {"C-DC-2", "C-CITY-2"}


def test_drill_down_is_paginated(client, world, ledger):
    for i in range(55):
        add_cadre(world.orgs["xc_agri"], f"C-XC-P{i:02d}", f"干部{i:02d}", rank="clerk_1")
    client.force_login(world.users["city"])
    first = page_text(client.get(f"/reports/cadres/?{Q}&org=419902&indicator=staff_hours_annual&verdict=unmet"))
    assert len(people(first)) == 50 and "共 56 条结论，涉及 56 人" in first
    second = page_text(client.get(f"/reports/cadres/?{Q}&org=419902&indicator=staff_hours_annual&verdict=unmet"
                                  "&page=2"))
    assert len(people(second)) == 6 and not people(first) & people(second)


def test_the_makeup_list_is_exactly_the_leaders_without_system_training_in_five_years(client, world, ledger):
    # given leaders at division tier and above: C-CITY-1 (system training 2021), C-OTHER-1 (none) and three more
    o = world.orgs
    add_cadre(o["dc_fin"], "L-RECENT", "钱进", rank="division_deputy", is_leader=True)
    add_cadre(o["xc_agri"], "L-TOO-OLD", "孙立", rank="division_chief", is_leader=True)
    add_cadre(o["xc_agri"], "L-NOT-SYSTEM", "李安", rank="division_deputy", is_leader=True)
    add_cadre(o["xc_agri"], "NOT-LEADER", "周平", rank="researcher_1")  # division tier, no leadership post
    add_record(world, "L-RECENT", end=date(2022, 11, 30), hours="40", days_before=6, system=True)
    add_record(world, "L-TOO-OLD", end=date(2017, 6, 30), hours="40", days_before=6, system=True)  # > 5 years
    add_record(world, "L-NOT-SYSTEM", end=date(2022, 3, 31), hours="40", days_before=6)  # not 系统培训
    add_record(world, "L-NOT-SYSTEM", end=date(2022, 5, 31), hours="40", days_before=6, institution="GXJD01",
               system=True)  # system, but not at a party school or cadre college
    # when the province admin opens the 补训 list for the whole province
    client.force_login(world.users["province"])
    html = page_text(client.get(f"/reports/makeup/?{Q}"))
    # then it holds exactly the leaders without system training in the 5 years up to the date
    assert people(html) == {"C-OTHER-1", "L-TOO-OLD", "L-NOT-SYSTEM"}
    assert "共 3 条结论，涉及 3 人" in html
    dashboard = page_text(client.get(f"/reports/dashboard/?{Q}"))
    card = dashboard[dashboard.index('data-testid="makeup-card"'):]
    assert re.search(r'class="num">3 ', card)
    # and a city admin sees only the ones in the city
    client.force_login(world.users["city"])
    assert people(page_text(client.get(f"/reports/makeup/?{Q}"))) == {"L-TOO-OLD", "L-NOT-SYSTEM"}


def test_the_at_risk_list_holds_every_verdict_behind_pace(client, world, ledger):
    # given mid-2022: the calendar-year indicators are open
    client.force_login(world.users["city"])
    q = f"plan={PLAN}&as_of=2022-09-30"
    expected = [v for v in cadre_verdicts(load_plan(PLAN), date(2022, 9, 30),
                                          compliance_scope(world.users["city"], org_code="4199"),
                                          with_evidence=False) if v.verdict == "at_risk"]
    assert expected  # 王磊 and 刘洋 are behind on their yearly hours
    html = page_text(client.get(f"/reports/at-risk/?{q}"))
    assert people(html) == {v.subject for v in expected}
    assert f"共 {len(expected)} 条结论" in html


def test_the_at_risk_list_after_the_plan_period_evaluates_only_open_windows(client, world, ledger, evaluations):
    # given mid-2023: the plan period 2018–2022 has closed, the calendar year 2023 is open
    plan, as_of = load_plan(PLAN), date(2023, 6, 30)
    closed = {i.code for i in plan.of_subject("cadre") if span_for(plan, i, as_of).closed}
    assert closed and closed != {i.code for i in plan.of_subject("cadre")}
    client.force_login(world.users["city"])
    # when the city admin opens 进度滞后名单
    html = page_text(client.get(f"/reports/at-risk/?plan={PLAN}&as_of=2023-06-30"))
    # then no indicator of a closed window was evaluated (none can be behind pace)
    assert evaluations and not {code for _, code in evaluations} & closed
    # and the list is still every at_risk verdict of the full evaluation
    expected = [v for v in cadre_verdicts(plan, as_of, compliance_scope(world.users["city"], org_code="4199"),
                                          with_evidence=False) if v.verdict == "at_risk"]
    assert people(html) == {v.subject for v in expected}
    assert f"共 {len(expected)} 条结论" in html


# ---- export ---------------------------------------------------------------------------------------

def read_xlsx(content: bytes) -> list:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(__import__("io").BytesIO(content)).get_sheet_by_index(0).to_python()


def test_export_holds_the_dashboard_verdicts_and_is_audited(client, world, ledger):
    client.force_login(world.users["dc"])
    response = client.get(f"/reports/export.xlsx?{Q}&org=419901")
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert rows[0] == XLSX_HEADERS
    subjects = {r[1] for r in rows[1:]}
    assert subjects == {"C-DC-1", "C-DC-2"}  # 东城区's cadres only
    expected = cadre_verdicts(load_plan(PLAN), date(2022, 12, 31), compliance_scope(world.users["dc"]))
    assert len(rows) - 1 == len(expected)
    met = next(r for r in rows[1:] if r[1] == "C-DC-2" and r[3] == "staff_hours_annual")
    assert met[5] == "达标" and met[12] == ledger["dc2"].external_id  # the evidence: the record that counted
    event = AuditEvent.objects.filter(event_type=EventType.EXPORTED, subject_type="compliance").get()
    assert event.actor == world.users["dc"] and event.subject_code == "419901"
    assert event.extra["count"] == len(expected) and event.extra["plan"] == PLAN


def test_export_of_one_list_keeps_its_filter(client, world, ledger):
    client.force_login(world.users["city"])
    response = client.get(f"/reports/export.xlsx?{Q}&org=4199&indicator=staff_hours_annual&verdict=unmet")
    rows = read_xlsx(response.content)
    assert {(r[1], r[3], r[5]) for r in rows[1:]} == {("C-DC-1", "staff_hours_annual", "未达标"),
                                                       ("C-XC-1", "staff_hours_annual", "未达标")}


def test_export_outside_the_scope_is_not_found_and_not_audited(client, world, ledger):
    client.force_login(world.users["dc"])
    assert client.get(f"/reports/export.xlsx?{Q}&org=4199").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.EXPORTED).exists()


# ---- cost ----------------------------------------------------------------------------------------

def _dashboard_queries(client, org: str) -> int:
    client.get(f"/reports/dashboard/?{Q}&org={org}")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/reports/dashboard/?{Q}&org={org}")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _add_units(world, first: int, last: int) -> None:
    """Units under 东城区, each with a clerk and a division-tier leader who both trained in 2022."""
    for i in range(first, last):
        unit = add_org(world.orgs["dc"], f"419901U{i:02d}", f"东城区第{i}局", "agency", "county")
        add_cadre(unit, f"C-U{i:02d}-A", f"甲{i}", rank="clerk_1")
        add_cadre(unit, f"C-U{i:02d}-B", f"乙{i}", rank="division_deputy", is_leader=True)
        add_record(world, f"C-U{i:02d}-A", end=date(2022, 4, 1), hours="30", days_before=2)
        add_record(world, f"C-U{i:02d}-B", end=date(2022, 4, 1), hours="30", days_before=2, system=True)


def test_query_count_does_not_grow_with_the_number_of_children(client, world, ledger):
    # given 东城区 with 2 + 2 units
    _add_units(world, 0, 2)
    client.force_login(world.users["city"])
    few = _dashboard_queries(client, "419901")
    # when twelve more units of the same kind appear under it
    _add_units(world, 2, 14)
    # then the dashboard runs the same number of queries
    many = _dashboard_queries(client, "419901")
    assert many == few
    html = page_text(client.get(f"/reports/dashboard/?{Q}&org=419901"))
    assert html.count('data-testid="drill"') == 16   # the table shown; the others come when chosen




def test_the_dashboard_evaluates_each_cadre_indicator_once(client, world, ledger, evaluations):
    seen = evaluations
    # when the city admin opens the dashboard (org rates and the 学时达标率 rest on cadre indicators)
    client.force_login(world.users["city"])
    page_text(client.get(f"/reports/dashboard/?{Q}"))
    during = Counter(seen)
    # then every cadre indicator was evaluated once for every cadre it applies to, never twice
    expected = cadre_verdicts(load_plan(PLAN), date(2022, 12, 31), compliance_scope(world.users["city"]),
                              with_evidence=False)
    assert during and max(during.values()) == 1
    assert set(during) == {(v.subject, v.indicator) for v in expected}


@pytest.mark.parametrize("as_of", [date(2022, 12, 31), date(2022, 9, 30)])
def test_org_rates_and_figures_from_known_cadre_verdicts_are_the_same(world, ledger, as_of):
    plan, user = load_plan(PLAN), world.users["city"]
    known = CadreResults.of(plan, as_of, cadre_verdicts(plan, as_of, compliance_scope(user, org_code="4199")))
    assert [v.as_dict() for v in org_verdicts(user, plan, as_of, org_code="4199", known=known,
                                              include_not_applicable=True)] == \
        [v.as_dict() for v in org_verdicts(user, plan, as_of, org_code="4199", include_not_applicable=True)]
    assert [f.as_dict() for f in org_figures(user, plan, as_of, org_code="4199", known=known)] == \
        [f.as_dict() for f in org_figures(user, plan, as_of, org_code="4199")]


def test_known_cadre_verdicts_of_some_indicators_leave_the_others_to_the_engine(world, ledger, monkeypatch):
    plan, user, as_of = load_plan(PLAN), world.users["city"], date(2022, 12, 31)
    cadres = compliance_scope(user, org_code="4199")
    known = CadreResults.of(plan, as_of, cadre_verdicts(plan, as_of, cadres, codes=["staff_hours_annual"]),
                            codes=["staff_hours_annual"])
    evaluated = Counter()
    real = compliance.cadre_verdicts
    monkeypatch.setattr(compliance, "cadre_verdicts",
                        lambda *a, **kw: evaluated.update(kw["codes"]) or real(*a, **kw))
    figures = {f.code: f for f in org_figures(user, plan, as_of, org_code="4199", known=known)}
    assert evaluated == Counter(["leader_hours_5y"])
    assert (figures["hours_compliance_rate"].numerator, figures["hours_compliance_rate"].denominator) == (2, 5)


def test_known_cadre_verdicts_of_another_date_are_refused(world, ledger):
    plan, user = load_plan(PLAN), world.users["city"]
    known = CadreResults.of(plan, date(2021, 12, 31), [])
    with pytest.raises(ValueError):
        org_figures(user, plan, date(2022, 12, 31), org_code="4199", known=known)


def test_the_compliance_command_for_everything_evaluates_each_cadre_indicator_once(world, ledger, evaluations,
                                                                                      tmp_path):
    from django.core.management import call_command

    seen = evaluations
    # when the operator evaluates cadres and orgs of the city at once
    out = tmp_path / "all.json"
    call_command("compliance", "--plan", PLAN, "--as-of", "2022-12-31", "--subject", "all", "--org", "4199",
                 "--format", "json", "--output", str(out))
    # then the org rates and figures reuse the cadre verdicts: none is evaluated twice for a cadre
    assert seen and max(seen.values()) == 1
    # and they are what the org functions give on their own
    body = json.loads(out.read_text(encoding="utf-8"))
    plan, as_of = load_plan(PLAN), date(2022, 12, 31)
    orgs = [r for r in body["results"] if r["subject_type"] == "org"]
    assert orgs == [v.as_dict() for v in org_verdicts(UNSCOPED_OPERATOR, plan, as_of, org_code="4199")]
    assert body["figures"] == [f.as_dict() for f in org_figures(UNSCOPED_OPERATOR, plan, as_of, org_code="4199")]


def test_a_slow_dashboard_is_kept_for_a_while_and_can_be_recomputed(client, world, ledger, monkeypatch):
    from django.core.cache import cache

    from ganxun.reports import selectors

    # given dashboards that count as slow (a province's), and a spy on their computation
    cache.clear()
    monkeypatch.setattr(selectors, "CACHE_WHEN_SLOWER_THAN", 0)
    computed = Counter()
    real = selectors.compliance_dashboard
    monkeypatch.setattr(selectors, "compliance_dashboard",
                        lambda user, *a, **kw: computed.update([user.username]) or real(user, *a, **kw))
    client.force_login(world.users["city"])
    # when the city admin opens the dashboard twice
    first = client.get(f"/reports/dashboard/?{Q}")
    second = client.get(f"/reports/dashboard/?{Q}")
    # then the second comes from the first, and says from when
    assert computed["city_admin"] == 1
    assert "dashboard-cached" not in page_text(first)
    assert "dashboard-cached" in page_text(second) and "重新计算" in page_text(second)
    assert [f.as_dict() for f in second.context["board"].figures] == [f.as_dict() for f in first.context["board"].figures]
    # when they ask to recompute, it is computed again
    client.get(f"/reports/dashboard/?{Q}&refresh=1")
    assert computed["city_admin"] == 2
    # and another account with another scope never gets it: a county admin is computed afresh
    client.force_login(world.users["dc"])
    client.get(f"/reports/dashboard/?{Q}")
    assert computed["dc_admin"] == 1
    # nor may the county admin reach the city's board through the cache
    assert client.get(f"/reports/dashboard/?{Q}&org=4199").status_code == 404
    cache.clear()


# ---- every figure says its window; one unit table with a switch -----------------------------------------

def figure_windows(html: str) -> dict:
    """{figure code or card testid: the window text shown on it}."""
    found = {code: re.sub(r"<[^>]+>", "", text).strip() for code, text in re.findall(
        r'data-figure="(\w+)">\s*<div class="label">[^<]*</div>\s*<div class="gx-window"[^>]*>(.*?)</div>', html, re.S)}
    for card in ("makeup-card", "at-risk-card", "unmet-card"):
        found[card] = re.search(rf'data-testid="{card}">\s*<div class="gx-window"[^>]*>(.*?)</div>', html, re.S) \
            .group(1).strip()
    return found


def test_each_headline_figure_says_the_window_it_counts(client, world, ledger):
    # given the province plan at the end of its period: a five-year rate and a one-year list side by side
    client.force_login(world.users["city"])
    windows = figure_windows(page_text(client.get(f"/reports/dashboard/?{Q}")))
    assert windows["training_coverage"] == windows["avg_full_time_hours"] == windows["call_up_rate"] == "2022 年度"
    assert windows["rotation_progress"] == "2018–2022 规划期"
    assert windows["hours_compliance_rate"] == "2018–2022 规划期 · 2022 年度"
    assert windows["makeup-card"] == "截至评估日 5 年内"
    # every window has closed on 2022-12-31: nothing can be behind pace
    assert windows["at-risk-card"] == "各统计窗口均已结束"
    assert windows["unmet-card"] == "各指标按自身期间：2018–2022 规划期、2022 年度、截至评估日 4 年内、截至评估日 5 年内"


def test_a_window_still_open_says_how_far_it_is_counted(client, world, ledger):
    client.force_login(world.users["city"])
    html = page_text(client.get("/reports/dashboard/?plan=xuchang-2019-2022&as_of=2022-09-30"))
    windows = figure_windows(html)
    assert windows["training_coverage"] == "2022 年度（至 09-30）"
    # the city's plan counts the leaders' hours over the five years up to the date
    assert windows["hours_compliance_rate"] == "截至评估日 5 年内 · 2022 年度（至 09-30）"
    assert "「县处级党政领导干部5年内累计培训」按截至评估日 5 年内、「科级及以下干部年度培训」按2022 年度（至 09-30）达标的" \
           "干部占比" in html
    # only windows still open can be behind pace: the plan period and the year, not the rolling ones
    assert set(windows["at-risk-card"].split("、")) == {"2018–2022 规划期", "2022 年度"}


def test_figures_carry_their_window(world, ledger):
    plan, as_of = load_plan("xuchang-2019-2022"), date(2022, 9, 30)
    figures = {f.code: f for f in org_figures(world.users["city"], plan, as_of, org_code="4199")}
    assert figures["training_coverage"].window == (date(2022, 1, 1), date(2022, 12, 31))
    assert figures["rotation_progress"].window == (date(2018, 1, 1), date(2022, 12, 31))
    # 学时达标率: from the five years before the date (leaders) to the end of the year (staff)
    assert figures["hours_compliance_rate"].window == (date(2017, 10, 1), date(2022, 12, 31))
    assert figures["training_coverage"].as_dict()["window"] == ["2022-01-01", "2022-12-31"]


def visible_panes(html: str) -> list[str]:
    return re.findall(r'class="gx-pane" data-pane="(\w+)"', html)


def test_the_unit_tables_are_one_table_with_a_switch(client, world, ledger):
    plan = load_plan(PLAN)
    client.force_login(world.users["city"])
    html = page_text(client.get(f"/reports/dashboard/?{Q}"))
    # one card, one table shown: the hours indicator's counts first
    assert html.count('<div class="gx-card" data-testid="units-card"') == 1
    assert visible_panes(html) == ["leader_hours_5y"]
    switch = html[html.index('id="gx-ind"'):html.index("</select>", html.index('id="gx-ind"'))]
    assert re.findall(r'<option value="(\w+)"', switch) == [i.code for i in plan.of_subject("cadre")] + ["matrix", "org"]
    # the switch opens the other views by address too (a link, a reload, no script)
    assert visible_panes(page_text(client.get(f"/reports/dashboard/?{Q}&view=staff_hours_annual"))) == \
        ["staff_hours_annual"]
    assert visible_panes(page_text(client.get(f"/reports/dashboard/?{Q}&indicator=staff_hours_annual"))) == \
        ["staff_hours_annual"]
    matrix = page_text(client.get(f"/reports/dashboard/?{Q}&view=matrix"))
    assert visible_panes(matrix) == ["matrix"] and 'id="gx-chart-box" class="d-none"' in matrix
    assert visible_panes(page_text(client.get(f"/reports/dashboard/?{Q}&view=org"))) == ["org"]
    # and every row says its group, for the 下级地区 / 直属单位 switch
    assert "下级地区（2）" in html and "直属单位（2）" in html
    rows = dict(re.findall(r'data-org="(\w+)" data-group="(\w+)"', pane(html, "leader_hours_5y")))
    assert rows == {"419901": "region", "419902": "region", "4199ZZB": "unit", "4199JYJ": "unit"}


def test_the_group_switch_is_offered_only_when_there_are_both(client, world, ledger):
    client.force_login(world.users["dc"])
    html = page_text(client.get(f"/reports/dashboard/?{Q}"))  # 东城区: units only
    assert 'data-testid="group-switch"' not in html
