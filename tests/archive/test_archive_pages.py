"""The archive page: the scope matrix, the verdict cards the engine gives, the ledger table and its history."""

import json
import re

import pytest

from ganxun.archive.selectors import mask_name
from ganxun.cadres.services import cadre_update
from ganxun.plans.compliance import cadre_verdicts, compliance_scope
from ganxun.plans.output import amount
from ganxun.plans.catalog import load_plan
from ganxun.records.models import CadreYearTotal
from tests.archive.conftest import AS_OF, PLAN

FULL_ID = re.compile(r"\d{17}[\dX]")

# Which cadres each persona may see (tests/conftest.py; the same table as tests/web/test_scope_matrix.py).
VISIBLE = {
    "admin": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1", "C-OTHER-1"},
    "province": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1", "C-OTHER-1"},
    "city": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"},
    "dc": {"C-DC-1", "C-DC-2"},
    "dc_hr": {"C-DC-1", "C-DC-2"},
    "leader": {"C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"},
    "other": {"C-OTHER-1"},
    "cadre": {"C-DC-2"},
    "institution": set(),
}
ALL_CADRES = sorted(VISIBLE["admin"])
QUERY = f"plan={PLAN}&as_of={AS_OF}"


def page(client, user, person="C-DC-1", query=QUERY):
    client.force_login(user)
    response = client.get(f"/archive/{person}/?{query}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_archive_page_and_exports_follow_the_scope(client, world, persona):
    # given a persona of the standard tree
    client.force_login(world.users[persona])
    for code in ALL_CADRES:
        # then every cadre inside the scope has an archive page and a spreadsheet, every other one is "not found"
        expected = 200 if code in VISIBLE[persona] else 404
        assert client.get(f"/archive/{code}/").status_code == expected, (persona, code, "page")
        assert client.get(f"/archive/{code}/xlsx?{QUERY}").status_code == expected, (persona, code, "xlsx")
        if expected == 404:
            assert client.get(f"/archive/{code}/pdf?{QUERY}").status_code == 404, (persona, code, "pdf")
    # and one PDF inside the scope is issued (PDFs are slower: one per persona is enough here)
    if VISIBLE[persona]:
        assert client.get(f"/archive/{min(VISIBLE[persona])}/pdf?{QUERY}").status_code == 200


def test_a_missing_cadre_is_not_found_like_one_outside_the_scope(client, world):
    client.force_login(world.users["admin"])
    assert client.get("/archive/NO-SUCH/").status_code == 404
    assert client.get("/archive/NO-SUCH/pdf").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    for url in ["/archive/mine/", "/archive/C-DC-1/", f"/archive/C-DC-1/pdf?{QUERY}", "/archive/C-DC-1/xlsx"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_cadre_sees_only_their_own_archive(client, world):
    # given the cadre 赵婷's own login
    client.force_login(world.users["cadre"])
    # when they open 我的档案 from the menu
    response = client.get("/archive/mine/")
    # then they land on their own archive, and every other archive is "not found"
    assert response.status_code == 302 and response["Location"] == "/archive/C-DC-2/"
    assert client.get("/archive/C-DC-2/").status_code == 200
    for code in set(ALL_CADRES) - {"C-DC-2"}:
        assert client.get(f"/archive/{code}/").status_code == 404


def test_my_archive_sends_other_roles_to_the_registry(client, world):
    client.force_login(world.users["dc"])
    assert client.get("/archive/mine/")["Location"] == "/cadres/"


def test_indicator_cards_show_the_verdicts_the_engine_gives(client, world, ledger):
    # given C-CITY-1 on the city's leadership team (so the advisory weekly indicator applies too)
    cadre_update(acting_user=world.users["admin"], person_code="C-CITY-1", values={"local_team": "city"})
    for person in ("C-DC-1", "C-CITY-1"):
        expected = cadre_verdicts(load_plan(PLAN), AS_OF, compliance_scope(world.users["city"], person_code=person))
        assert expected
        # when the city admin opens the archive
        html = page(client, world.users["city"], person).content.decode()
        # then there is one card per applicable indicator, with the engine's verdict, numbers and clause
        for v in expected:
            card = re.search(rf'data-testid="indicator-{v.indicator}" data-verdict="(\w+)"(.*?)</blockquote>', html, re.S)
            assert card, v.indicator
            assert card.group(1) == v.verdict
            body = card.group(2)
            assert v.label in body and amount(v.required) in body and amount(v.actual) in body
            assert amount(v.gap) in body and v.source in body
            assert load_plan(PLAN).indicator(v.indicator).text in body
            assert ("仅供参考" in body) == v.advisory
    assert card_count(html) == len(expected)


def card_count(html: str) -> int:
    return len(re.findall(r'data-testid="indicator-[a-z_0-9]+" data-verdict=', html))


def test_met_yearly_hours_card_links_its_evidence_to_the_records_table(client, world, ledger):
    response = page(client, world.users["dc"])
    card = next(c for c in response.context["a"].cards if c.verdict.indicator == "staff_hours_annual")
    # the 2022 hours: the duplicate class once, the corrected class at 64 h, 40 online hours
    assert card.verdict.verdict == "met" and card.verdict.actual["hours"] == 134
    assert card.percent == 100
    html = response.content.decode()
    expected_refs = {ledger["dup1"].reference, ledger["corrected"].reference, ledger["online"].reference}
    assert {ref for ref, _ in card.evidence} == expected_refs
    for ref, pk in card.evidence:
        # each evidence reference is a link to an anchored row of the records table
        assert f'href="?{QUERY}#rec-{pk}">{ref}</a>' in html.replace("&amp;", "&")
        assert f'id="rec-{pk}"' in html


def test_reversed_entries_are_struck_through_and_reversals_marked(client, world, ledger):
    html = page(client, world.users["dc"]).content.decode()
    row = lambda r: re.search(rf'<tr id="rec-{r.pk}" class="([^"]*)"', html).group(1)  # noqa: E731
    assert "gx-reversed" in row(ledger["dup2"]) and "gx-reversed" in row(ledger["wrong"])
    assert "gx-reversal" in row(ledger["reversal"]) and "gx-reversed" not in row(ledger["dup1"])
    assert html.count('data-testid="reversal-mark"') == 2  # the duplicate's and the correction's reversals
    assert html.count('data-testid="reversed-mark"') == 2


def test_correction_history_names_the_reason_who_and_when(client, world, ledger):
    response = page(client, world.users["city"])
    corrections = response.context["a"].corrections
    assert [(c.action, c.reason, c.actor) for c in corrections] == [
        ("更正", "学时核定有误", "dc_admin"), ("冲销", "重复登记", "dc_admin")]
    assert corrections[0].original == ledger["wrong"] and corrections[0].replacement == ledger["corrected"]
    section = response.content.decode().split('id="corrections"')[1]
    assert "学时核定有误" in section and "重复登记" in section and "dc_admin" in section


def test_records_are_listed_up_to_as_of_and_filter_by_year_and_form(client, world, ledger):
    # all entries that end by 2022-12-31 (the 2023 class is counted as later, not listed)
    a = page(client, world.users["dc"]).context["a"]
    assert len(a.records) == 9 and a.later_records == 1
    # filtered to 2021
    response = page(client, world.users["dc"], query=f"{QUERY}&year=2021")
    assert {r.pk for r in response.context["records"]} == {ledger["a"].pk, ledger["lecture"].pk}
    # filtered to online training
    response = page(client, world.users["dc"], query=f"{QUERY}&source=online")
    assert [r.pk for r in response.context["records"]] == [ledger["online"].pk]
    # a filter that matches nothing says so
    response = page(client, world.users["dc"], query=f"{QUERY}&year=2019")
    assert "没有符合条件的记录" in response.content.decode()


def test_the_chart_gets_hours_per_year_stacked_by_form_from_the_totals(client, world, ledger):
    response = page(client, world.users["dc"])
    data = json.loads(re.search(r'<script id="year-hours-data" type="application/json">(.*?)</script>',
                                response.content.decode(), re.S).group(1))
    assert data["years"] == ["2021", "2022"]
    series = {s["key"]: s["data"] for s in data["series"]}
    assert series == {"full_time": [80.0, 94.0], "online": [0.0, 40.0], "lecture": [4.0, 0.0]}
    # the same numbers as the per-cadre-year totals the engine reads
    total_2022 = sum(t.hours for t in CadreYearTotal.objects.filter(cadre=world.cadres["dc1"], year=2022))
    assert sum(series[k][1] for k in series) == float(total_2022)
    assert 'id="gx-year-chart"' in response.content.decode()


def test_the_year_of_as_of_counts_only_up_to_as_of(client, world, ledger):
    # at 2022-06-30 the corrected June class (ending 06-10) counts, the online course (ending 11-30) not yet
    response = page(client, world.users["dc"], query=f"plan={PLAN}&as_of=2022-06-30")
    chart = response.context["chart"]
    assert chart["years"] == ["2021", "2022（至评估日）"]
    assert {s["key"]: s["data"] for s in chart["series"]}["full_time"] == [80.0, 94.0]
    assert "online" not in {s["key"] for s in chart["series"]}


def test_page_shows_the_masked_id_number_only(client, world, ledger):
    html = page(client, world.users["admin"]).content.decode()
    assert not FULL_ID.search(html)
    assert world.cadres["dc1"].id_number_masked in html


def test_an_unknown_plan_or_date_falls_back_with_a_message(client, world):
    response = page(client, world.users["dc"], query="plan=nope&as_of=2022-13-40")
    html = response.content.decode()
    assert "没有规划「nope」" in html and "不是 YYYY-MM-DD 格式的日期" in html
    assert response.context["plan_id"] == "henan-2019-2022"


def test_a_future_date_is_a_preview_and_cannot_be_issued(client, world):
    response = page(client, world.users["dc"], query=f"plan={PLAN}&as_of=2099-01-01")
    assert "仅供预览" in response.content.decode()
    assert client.get(f"/archive/C-DC-1/pdf?plan={PLAN}&as_of=2099-01-01").status_code == 400


def test_a_cadre_without_records_shows_empty_states(client, world):
    html = page(client, world.users["dc"], "C-DC-2").content.decode()
    assert "截至评估日还没有计入学时的记录" in html and "截至评估日还没有学习记录" in html
    assert "没有更正或冲销记录" in html


def test_the_cadre_detail_page_links_to_the_archive(client, world):
    client.force_login(world.users["dc"])
    html = client.get("/cadres/C-DC-1/").content.decode()
    assert 'href="/archive/C-DC-1/"' in html and "电子档案" in html


def test_the_page_reads_a_long_ledger_in_a_fixed_number_of_queries(client, world, schools,
                                                                   django_assert_max_num_queries):
    from datetime import date

    from tests.archive.conftest import add

    for i in range(40):
        add(world, "C-DC-1", start=date(2018 + i % 5, 3, 1), end=date(2018 + i % 5, 3, 2), hours=8, title=f"班次{i}")
    client.force_login(world.users["dc"])
    with django_assert_max_num_queries(30):
        assert client.get(f"/archive/C-DC-1/?{QUERY}").status_code == 200


@pytest.mark.parametrize("name, masked", [("张建国", "张*国"), ("王磊", "王*"), ("欧阳修文", "欧**文"), ("龑", "*"),
                                          ("𠮷田一郎", "𠮷**郎"), ("", "")])
def test_names_are_masked_to_first_and_last_character(name, masked):
    assert mask_name(name) == masked


# -- what a user reads: names, not codes; the department's designations stay with the department ---------------

def visible_text(html: str) -> str:
    """The text a reader sees: no scripts, styles, tags or attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def internal_codes() -> set[str]:
    from ganxun.plans.engine import VERDICT_LABELS
    from ganxun.records.models import RecordSource

    return ({i.code for i in load_plan(PLAN).indicators} | set(VERDICT_LABELS) | set(RecordSource.values)
            | {PLAN})


def test_the_archive_page_names_indicators_and_shows_no_internal_code(client, world, ledger):
    html = page(client, world.users["dc"]).content.decode()
    text = visible_text(html)
    # the yearly-hours card reads by its name and the plan's clause
    assert "科级以下干部年度培训" in text and "规划条款 一(四)1" in text
    # and no indicator code, verdict code or 培训形式 value shows anywhere on the page
    shown = {code for code in internal_codes() if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text)}
    assert not shown, shown


def test_a_cadre_does_not_see_the_young_talent_designation_on_their_own_pages(client, world):
    # given 赵婷 (C-DC-2), whom the department marked 优秀年轻干部
    assert world.cadres["dc2"].is_young_talent
    client.force_login(world.users["cadre"])
    # then her archive names no such tag, nor the indicator that exists only for it
    archive = visible_text(client.get(f"/archive/C-DC-2/?{QUERY}").content.decode())
    assert "优秀年轻干部" not in archive and "赵婷" in archive
    # nor does 我的信息
    detail = visible_text(client.get("/cadres/C-DC-2/").content.decode())
    assert "优秀年轻干部" not in detail and "赵婷" in detail
    # nor the registry page she can reach with a search
    listing = visible_text(client.get("/cadres/?q=赵婷").content.decode())
    assert "年轻干部" not in listing and "赵婷" in listing


def test_administrators_still_see_the_young_talent_designation(client, world):
    client.force_login(world.users["dc"])
    archive = client.get(f"/archive/C-DC-2/?{QUERY}")
    text = visible_text(archive.content.decode())
    assert "优秀年轻干部" in text and "优秀年轻干部4年轮训" in text
    assert "young_rotation_4y" in {c.verdict.indicator for c in archive.context["a"].cards}
    assert "优秀年轻干部" in visible_text(client.get("/cadres/C-DC-2/").content.decode())
    assert "年轻干部" in visible_text(client.get("/cadres/?q=赵婷").content.decode())
