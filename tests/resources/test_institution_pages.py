"""The institution pages, export and API as each persona meets them: inside 200, outside 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganxun.audit.models import AuditEvent
from ganxun.core.tabular import read_table
from ganxun.resources.models import Institution
from tests.resources.conftest import ALL, EDITABLE, VISIBLE

LIST = "/resources/institutions/"
WRITERS = {"admin", "province", "city", "dc", "other"}


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_list_detail_edit_and_api_follow_the_scope(as_user, institutions, persona):
    client = as_user(persona)
    # the list
    page = client.get(LIST + "?page_size=100")
    assert page.status_code == 200
    assert {r["institution"].code for r in page.context["rows"]} == VISIBLE[persona]
    assert {r["institution"].code for r in page.context["rows"] if r["editable"]} == EDITABLE[persona]
    # the API list
    body = client.get("/api/v1/institutions/?page_size=100").json()
    assert {i["code"] for i in body["items"]} == VISIBLE[persona] and body["count"] == len(VISIBLE[persona])
    # each one: detail page and API 200 inside, 404 outside; edit only where the user may write
    for code in sorted(ALL):
        expected = 200 if code in VISIBLE[persona] else 404
        assert client.get(f"{LIST}{code}/").status_code == expected, (persona, code, "detail")
        assert client.get(f"/api/v1/institutions/{code}").status_code == expected, (persona, code, "api")
        edit = client.get(f"{LIST}{code}/edit/").status_code
        assert edit == (200 if code in EDITABLE[persona] else 404), (persona, code, "edit")
    # the toolbar
    html = page.content.decode()
    assert ('data-testid="institution-new"' in html) == (persona in WRITERS)
    assert (client.get(LIST + "new/").status_code == 200) == (persona in WRITERS)


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_export_contains_only_what_the_persona_sees_and_is_audited(as_user, institutions, persona):
    client = as_user(persona)
    response = client.get(LIST + "export.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_table(response.content, "export.xlsx") if VISIBLE[persona] else None
    exported = {r.get("机构编码") for r in table.rows} if table else set()
    assert exported == VISIBLE[persona]
    event = AuditEvent.objects.get(event_type="exported", subject_type="institutions")
    assert event.extra["count"] == len(VISIBLE[persona])


def test_anonymous_is_sent_to_login_and_the_api_answers_401(client, institutions):
    assert client.get(LIST).status_code == 302
    assert client.get(LIST + "DX41/").status_code == 302
    assert client.get(LIST + "export.xlsx").status_code == 302
    assert client.get("/api/v1/institutions/").status_code == 401
    assert client.get("/api/v1/institutions/DX41").status_code == 401


def test_the_api_answers_404_alike_for_missing_and_outside(as_user, institutions):
    client = as_user("dc")
    outside, missing = client.get("/api/v1/institutions/DX419902"), client.get("/api/v1/institutions/NOPE")
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["detail"] == missing.json()["detail"]


def test_the_api_paginates_filters_and_names_the_owner(as_user, institutions):
    client = as_user("city")
    body = client.get("/api/v1/institutions/?page_size=2&page=2").json()
    assert body["count"] == 7 and [i["code"] for i in body["items"]] == ["DX4199", "DX419901"]
    body = client.get("/api/v1/institutions/?kind=party_school&level=county").json()
    assert [i["code"] for i in body["items"]] == ["DX419901", "DX419902"]
    body = client.get("/api/v1/institutions/?recognised=no").json()
    assert [i["code"] for i in body["items"]] == ["SH001"] and body["items"][0]["owner_org_code"] is None
    one = client.get("/api/v1/institutions/XY4101").json()
    assert one == {"code": "XY4101", "name": "焦裕禄干部学院", "kind": "cadre_college", "kind_label": "干部学院",
                   "level": "province", "recognised": True, "is_flagship": True, "owner_org_code": "41ZZB",
                   "owner_org_name": "河南省委组织部", "capacity": None, "contact_person": "", "contact_phone": "",
                   "address": "", "tags": ["三学院三基地"], "description": ""}


@pytest.mark.parametrize("query, expected", [
    ("q=党校", {"DX41", "DX4199", "DX419901", "DX419902"}),
    ("q=bm4199jy", {"BM4199JY"}),
    ("kind=party_school&level=city", {"DX4199"}),
    ("recognised=no", {"SH001"}),
    ("flagship=yes", {"XY4101"}),
    ("level=province&flagship=no", {"DX41"}),
])
def test_the_list_filters(as_user, institutions, query, expected):
    page = as_user("city").get(f"{LIST}?{query}")
    assert {r["institution"].code for r in page.context["rows"]} == expected


def test_an_empty_list_says_so_and_offers_import_to_writers(as_user, world):
    html = as_user("city").get(LIST).content.decode()
    assert "还没有可查看的培训机构" in html and "导入培训机构" in html
    html = as_user("city").get(LIST + "?kind=online_academy").content.decode()
    assert "没有符合条件的培训机构" in html


def test_detail_shows_owner_badges_and_whether_it_is_read_only(as_user, institutions):
    client = as_user("city")
    html = client.get(LIST + "XY4101/").content.decode()
    assert "焦裕禄干部学院" in html and "河南省委组织部（41ZZB）" in html
    assert "认可的培训机构" in html and "三学院三基地" in html
    assert 'data-testid="read-only"' in html and 'data-testid="institution-edit"' not in html
    html = client.get(LIST + "SH001/").content.decode()
    assert "未认可" in html
    html = client.get(LIST + "DX4199/").content.decode()
    assert 'data-testid="institution-edit"' in html


def test_new_in_the_dialog_creates_and_redirects(as_user, world):
    client = as_user("city")
    dialog = client.get(LIST + "new/", HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200 and "新增培训机构" in dialog.content.decode()
    assert "<html" not in dialog.content.decode()
    data = {"code": "GX4199", "name": "示例大学干部教育培训基地", "kind": "university_base", "level": "city",
            "owner_org_code": "4199JYJ", "recognised": "on"}
    response = client.post(LIST + "new/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == LIST + "GX4199/"
    made = Institution.objects.get(code="GX4199")
    assert made.recognised and not made.is_flagship and made.owner_org == world.orgs["city_edu"]


def test_new_with_an_owner_outside_the_scope_shows_the_error_by_the_field(as_user, world):
    client = as_user("dc")
    data = {"code": "X1", "name": "某机构", "kind": "party_school", "level": "county", "owner_org_code": "4198ZZB"}
    response = client.post(LIST + "new/", data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "所属单位编码 4198ZZB 不存在或不在您的管理范围内" in html
    assert not Institution.objects.exists()


def test_edit_changes_and_the_history_tab_shows_it(as_user, institutions):
    client = as_user("dc")
    data = {"name": "中共东城区委党校", "kind": "party_school", "level": "county", "owner_org_code": "419901ZZB",
            "reason": "复核后暂停认可"}
    response = client.post(LIST + "DX419901/edit/", data)
    assert response.status_code == 302 and response["Location"] == LIST + "DX419901/"
    assert not Institution.objects.get(code="DX419901").recognised
    html = client.get(LIST + "DX419901/?tab=history").content.decode()
    assert "修改培训机构" in html and "认可：是 → 否" in html and "复核后暂停认可" in html


def test_a_script_in_a_name_is_shown_as_text(as_user, institutions):
    Institution.objects.filter(code="DX4199").update(name="<script>alert(1)</script>")
    html = as_user("city").get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_the_menu_offers_institutions_to_the_roles_that_use_them(as_user, institutions):
    for persona in ("city", "dc_hr", "leader", "institution", "admin"):
        assert "培训机构" in as_user(persona).get("/").content.decode(), persona
    assert 'href="/resources/institutions/"' not in as_user("cadre").get("/").content.decode()


def test_list_and_api_query_counts_do_not_grow_with_the_page(as_user, world, institutions):
    from tests.factories import add_institution

    for n in range(30):
        add_institution(f"T{n:03d}", f"测试机构{n}", "private_provider", level="county", owner=world.orgs["dc_fin"])
    client = as_user("city")
    client.get("/")   # the session's first request writes it (its once-a-minute touch); the measured ones do not
    for url in (LIST + "?page_size={}", "/api/v1/institutions/?page_size={}"):
        counts = []
        for size in (1, 30):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url.format(size)).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], url
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST + "export.xlsx")
    assert len(read_table(response.content, "x.xlsx").rows) == 37
    # a fixed number, whatever the rows: the session, the scope, one read, and the export's audit row (which takes
    # the chain's lock and head, audit.chain)
    assert len(ctx.captured_queries) < 15
