"""学员学时: a training institution's staff see the ledger entries of the training their institution gave, and
nothing else of the ledger or the registry; an administrator sees there only their own cadres' entries."""

import re
from datetime import date
from io import BytesIO

import pytest

from ganxun.audit.models import AuditEvent, EventType
from ganxun.records.models import LearningRecord
from ganxun.records.selectors import records_visible_to
from ganxun.records.services import record_append, record_reverse, self_study_submit
from ganxun.web.menu import menu_for

ID_NUMBER = re.compile(r"\d{17}[\dX]")


def _add(world, person, title, *, start, end, hours, institution="DX4199", source="full_time", completed=True):
    return record_append(acting_user=world.users["admin"], person_code=person, institution_code=institution,
                         values={"title": title, "source": source, "start_date": start, "end_date": end,
                                 "hours": hours, "completed": completed})


@pytest.fixture
def ledger(world, schools):
    """Entries at the city party school (DX4199, the institution persona's), and some elsewhere."""
    made = {
        "dc1": _add(world, "C-DC-1", "财政业务专题培训班", start=date(2024, 5, 6), end=date(2024, 5, 10), hours="40"),
        "dc1_online": _add(world, "C-DC-1", "数字政府网络专题班", start=date(2024, 6, 1), end=date(2024, 6, 30),
                           hours="10", source="online", completed=False),
        "dc2": _add(world, "C-DC-2", "青年干部培训班", start=date(2023, 3, 1), end=date(2023, 3, 3), hours="24"),
        # a cadre of the other city trained at this city's school: the school sees it, the city's admins do not
        "other1": _add(world, "C-OTHER-1", "县处级干部进修班", start=date(2024, 9, 2), end=date(2024, 9, 6), hours="40"),
        "twice": _add(world, "C-DC-2", "青年干部培训班（重复）", start=date(2023, 3, 1), end=date(2023, 3, 3), hours="24"),
        "elsewhere": _add(world, "C-XC-1", "乡村振兴专题班", start=date(2024, 4, 1), end=date(2024, 4, 5), hours="40",
                          institution="GBXY01"),
    }
    record_reverse(acting_user=world.users["admin"], record_id=made["twice"].pk, reason="重复登记")
    made["self_study"] = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学", "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 2), "hours": "2"})
    return made


def rows(response) -> set:
    assert response.status_code == 200
    return {(r.cadre.person_code, r.title) for r in response.context["page"].object_list}


def years(response) -> dict:
    return {y["year"]: (y["entries"], y["trainees"], y["credit_hours"]) for y in response.context["years"]}


def test_institution_staff_see_the_entries_at_their_institution_and_nothing_else(world, ledger):
    at_school = set(LearningRecord.objects.filter(institution__code="DX4199").values_list("pk", flat=True))
    # given the city party school's staff: every entry at the school (the reversal twin included), no other
    assert set(records_visible_to(world.users["institution"]).values_list("pk", flat=True)) == at_school
    assert ledger["elsewhere"].pk not in at_school and ledger["self_study"].pk not in at_school


def test_institution_staff_still_find_no_cadre_of_the_registry(client, world, ledger):
    client.force_login(world.users["institution"])
    for url in ("/cadres/C-DC-1/", "/cadres/C-OTHER-1/", "/archive/C-DC-1/", "/api/v1/cadres/C-DC-1",
                "/api/v1/cadres/C-DC-1/records", f"/records/{ledger['dc1'].pk}/reverse/"):
        assert client.get(url).status_code == 404, url
    assert list(client.get("/cadres/?page_size=100").context["page"].object_list) == []


def test_the_school_lists_its_trainees_with_totals_by_year(client, world, ledger):
    client.force_login(world.users["institution"])
    # when the school's staff open 学员学时 from the menu
    response = client.get("/records/trainees/", follow=True)
    assert response.redirect_chain == [("/records/trainees/DX4199/", 302)]
    # then every standing entry at the school is listed once (not the reversed one, not other institutions')
    assert rows(response) == {("C-DC-1", "财政业务专题培训班"), ("C-DC-1", "数字政府网络专题班"),
                              ("C-DC-2", "青年干部培训班"), ("C-OTHER-1", "县处级干部进修班")}
    # and the totals by year count entries, distinct trainees and credited hours (not completed: 0)
    assert years(response) == {2024: (3, 2, 80), 2023: (1, 1, 24)}
    counts = response.context["counts"]
    assert (counts["entries"], counts["trainees"], counts["hours"], counts["credit_hours"]) == (4, 3, 114, 104)
    html = response.content.decode()
    assert "共 4 条记录，学员 3 人，登记 114.0 学时，计入 104.0 学时" in html
    assert "陈刚" in html and "另一市发改委" in html  # the other city's cadre, with their unit
    # and no 身份证号 in full, no link to a cadre's page the staff cannot open
    assert not ID_NUMBER.search(html) and world.cadres["dc1"].id_number_masked in html
    assert 'href="/cadres/' not in html and 'href="/archive/' not in html


@pytest.mark.parametrize("query, expected", [
    ("year=2024", {"财政业务专题培训班", "数字政府网络专题班", "县处级干部进修班"}),
    ("year=2023", {"青年干部培训班"}),
    ("name=王磊", {"财政业务专题培训班", "数字政府网络专题班"}),
    ("title=进修", {"县处级干部进修班"}),
    ("source=online", {"数字政府网络专题班"}),
    ("year=2024&source=full_time&name=陈", {"县处级干部进修班"}),
    ("year=1999", set()),
])
def test_filters_narrow_the_list(client, world, ledger, query, expected):
    client.force_login(world.users["institution"])
    response = client.get(f"/records/trainees/DX4199/?{query}")
    assert {title for _, title in rows(response)} == expected
    assert response.context["counts"]["entries"] == len(expected)


def test_the_year_table_ignores_the_year_but_keeps_the_other_filters(client, world, ledger):
    client.force_login(world.users["institution"])
    response = client.get("/records/trainees/DX4199/?year=2024&name=王磊")
    assert years(response) == {2024: (2, 1, 40)}
    assert response.context["all_years"]["entries"] == 2


def test_the_export_holds_the_listed_entries_masked_and_is_audited(client, world, ledger):
    from python_calamine import CalamineWorkbook

    client.force_login(world.users["institution"])
    response = client.get("/records/trainees/DX4199/export.xlsx?year=2024")
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["姓名", "人员编码", "身份证号", "单位"]
    assert {(r[1], r[4]) for r in sheet[1:]} == rows(client.get("/records/trainees/DX4199/?year=2024"))
    assert not any(ID_NUMBER.search(str(cell)) for r in sheet for cell in r)
    online = next(r for r in sheet[1:] if r[4] == "数字政府网络专题班")
    assert (online[10], online[11], online[12]) == (10, 0, "否")  # 学时, 计入学时, 结业
    event = AuditEvent.objects.get(event_type=EventType.EXPORTED)
    assert event.actor == world.users["institution"] and event.subject_code == "DX4199"
    assert event.extra["count"] == 3 and event.extra["filter"] == {"year": "2024"}


def test_an_administrator_sees_only_their_own_cadres_at_the_school(client, world, ledger):
    # given the county admin: the city's school is above their scope, so they may open it
    client.force_login(world.users["dc"])
    response = client.get("/records/trainees/DX4199/")
    # then only their county's cadres are listed
    assert {code for code, _ in rows(response)} == {"C-DC-1", "C-DC-2"}
    # and the city admin does not see the other city's cadre there either
    client.force_login(world.users["city"])
    assert {code for code, _ in rows(client.get("/records/trainees/DX4199/"))} == {"C-DC-1", "C-DC-2"}


@pytest.mark.parametrize("persona, code", [
    ("institution", "GBXY01"),   # another institution than theirs
    ("institution", "NO-SUCH"),
    ("other", "DX4199"),          # the other city does not see this city's school
    ("cadre", "DX4199"),          # a cadre sees no institution
])
def test_an_institution_outside_the_scope_is_not_found(client, world, ledger, persona, code):
    client.force_login(world.users[persona])
    assert client.get(f"/records/trainees/{code}/").status_code == 404
    assert client.get(f"/records/trainees/{code}/export.xlsx").status_code == 404
    assert not AuditEvent.objects.filter(event_type=EventType.EXPORTED).exists()


@pytest.mark.parametrize("persona", ["admin", "city", "dc_hr", "leader", "cadre"])
def test_only_institution_staff_have_their_own_page_in_the_menu(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get("/records/trainees/").status_code == 404
    labels = {e["item"].label for g in menu_for(world.users[persona], "/") for e in g["items"]}
    assert "学员学时" not in labels


def test_institution_staff_find_it_in_the_menu(world):
    menu = menu_for(world.users["institution"], "/records/trainees/DX4199/")
    active = [e["item"].label for g in menu for e in g["items"] if e["active"]]
    assert active == ["学员学时"]


def test_the_page_counts_its_queries(client, world, ledger, django_assert_max_num_queries):
    for n in range(30):
        _add(world, "C-DC-1", f"第{n}期专题班", start=date(2024, 10, 1), end=date(2024, 10, 2), hours="8")
    client.force_login(world.users["institution"])
    with django_assert_max_num_queries(12):
        assert client.get("/records/trainees/DX4199/?page_size=50").status_code == 200


def test_an_institution_with_more_entries_than_the_cap_sums_only_a_narrowed_list(client, world, ledger, monkeypatch):
    from ganxun.records import selectors, views

    # given an institution with more entries than are summed on every view (an online academy's millions)
    monkeypatch.setattr(views, "TRAINEE_TOTALS_CAP", 2)
    monkeypatch.setattr(selectors, "TRAINEE_TOTALS_CAP", 2)
    client.force_login(world.users["institution"])
    response = client.get("/records/trainees/DX4199/")
    html = response.content.decode()
    # then the list shows the latest entries without totals and says how to get them
    assert response.context["counts"] is None and response.context["years"] is None
    assert "超过 2 条记录，只列出最近的 2 条" in html and 'data-testid="trainee-years-capped"' in html
    assert len(response.context["page"].object_list) == 2
    # and a narrowed list is summed again
    narrowed = client.get("/records/trainees/DX4199/?name=陈刚")
    assert narrowed.context["counts"]["entries"] == 1 and years(narrowed) == {2024: (1, 1, 40)}
    # and the home page gives this year's and last year's figures, but no sum over all the years
    home = client.get("/").content.decode()
    assert "记录超过 2 条，历年合计请在学员与学时明细中按年度查看" in home
