"""The libraries as each persona meets them: every page, export and endpoint inside the scope 200, outside
404, anonymous 302 (pages) or 401 (API); writes only for the roles that may."""

import pytest

from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.resources.course_services import course_create
from ganxun.resources.item_services import item_create
from ganxun.resources.kinds import ITEM_KINDS
from ganxun.resources.teacher_services import teacher_create

# One entry of each library in four places: the city party school (the institution persona's own), the
# 东城区 party school, the other city's party school, and 东城区财政局's own library (an org, no institution).
PLACES = {"CITY": {"institution_code": "DX4199"}, "DC": {"institution_code": "DX419901"},
          "OTHER": {"institution_code": "DX4198"}, "DCORG": {"owner_org_code": "419901CZJ"}}
VISIBLE = {
    "admin": set(PLACES), "province": set(PLACES),
    "city": {"CITY", "DC", "DCORG"}, "leader": {"CITY", "DC", "DCORG"},
    "dc": {"CITY", "DC", "DCORG"}, "dc_hr": {"CITY", "DC", "DCORG"},
    "other": {"OTHER"}, "institution": {"CITY"}, "cadre": set(),
}
EDITABLE = {
    "admin": set(PLACES), "province": set(PLACES), "city": {"CITY", "DC", "DCORG"}, "dc": {"DC", "DCORG"},
    "other": {"OTHER"}, "institution": {"CITY"}, "leader": set(), "dc_hr": set(), "cadre": set(),
}
LISTS = {"teachers": "T", "courses": "K", **{k: k[:2].upper() for k in ITEM_KINDS}}


@pytest.fixture
def library(institutions):
    for place, holder in PLACES.items():
        teacher_create(acting_user=UNSCOPED_OPERATOR, values={"code": f"T-{place}", "name": f"教师{place}",
                                                                "kind": "part_time", **holder})
        course_create(acting_user=UNSCOPED_OPERATOR, values={"code": f"K-{place}", "name": f"课程{place}",
                                                               "category": "theory", "method": "lecture",
                                                               "hours": "3", "teachers": [f"T-{place}"], **holder})
        for key, kind in ITEM_KINDS.items():
            item_create(acting_user=UNSCOPED_OPERATOR, kind=kind,
                        values={"code": f"{LISTS[key]}-{place}", "name": f"{kind.label}{place}", **holder})


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


def _codes(prefix, places):
    return {f"{prefix}-{p}" for p in places}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
@pytest.mark.parametrize("lib", sorted(LISTS))
def test_pages_and_api_follow_the_scope(as_user, library, persona, lib):
    client = as_user(persona)
    prefix = LISTS[lib]
    page = client.get(f"/resources/{lib}/?page_size=100")
    assert page.status_code == 200
    shown = {r["cells"][0] for r in page.context["rows"]}
    assert shown == _codes(prefix, VISIBLE[persona]), (persona, lib)
    assert {r["cells"][0] for r in page.context["rows"] if r["edit_url"]} == _codes(prefix, EDITABLE[persona])
    body = client.get(f"/api/v1/{lib}/?page_size=100").json()
    assert {i["code"] for i in body["items"]} == _codes(prefix, VISIBLE[persona])
    for place in PLACES:
        code = f"{prefix}-{place}"
        expected = 200 if place in VISIBLE[persona] else 404
        assert client.get(f"/resources/{lib}/{code}/").status_code == expected, (persona, code, "detail")
        assert client.get(f"/api/v1/{lib}/{code}").status_code == expected, (persona, code, "api")
        edit = 200 if place in EDITABLE[persona] else 404
        assert client.get(f"/resources/{lib}/{code}/edit/").status_code == edit, (persona, code, "edit")
    writer = bool(EDITABLE[persona])
    assert (client.get(f"/resources/{lib}/new/").status_code == 200) == writer


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_exports_hold_only_what_the_persona_sees(as_user, library, persona):
    from ganxun.core.tabular import read_table

    client = as_user(persona)
    for lib, column in (("teachers", "教师编码"), ("courses", "课程编码")):
        response = client.get(f"/resources/{lib}/export.xlsx")
        assert response.status_code == 200
        rows = read_table(response.content, "x.xlsx").rows if VISIBLE[persona] else []
        assert {r.get(column) for r in rows} == _codes(LISTS[lib], VISIBLE[persona])


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_api_writes_follow_the_role_and_the_scope(as_user, library, persona):
    client = as_user(persona)
    for place in PLACES:
        body = {"name": "改名", "kind": "part_time", **PLACES[place]}
        response = client.put(f"/api/v1/teachers/T-{place}", body, content_type="application/json")
        if place in EDITABLE[persona]:
            assert response.status_code == 200, (persona, place, response.json())
        elif not EDITABLE[persona]:
            assert response.status_code == 403, (persona, place)  # a reader's role: refused before any lookup
        elif place in VISIBLE[persona]:
            assert response.status_code == 403, (persona, place)
        else:
            assert response.status_code == 404, (persona, place)
    new = {"code": "T-NEW", "name": "新教师", "kind": "expert", "institution_code": "DX4199"}
    response = client.post("/api/v1/teachers/", new, content_type="application/json")
    assert response.status_code == (201 if persona in {"admin", "province", "city", "institution"} else
                                    400 if persona in {"dc", "other"} else 403), (persona, response.json())


def test_anonymous_is_sent_to_login_and_the_api_answers_401(client, library):
    for lib, prefix in LISTS.items():
        assert client.get(f"/resources/{lib}/").status_code == 302
        assert client.get(f"/resources/{lib}/{prefix}-CITY/").status_code == 302
        assert client.get(f"/api/v1/{lib}/").status_code == 401
        assert client.get(f"/api/v1/{lib}/{prefix}-CITY").status_code == 401
    assert client.get("/resources/dictionary/").status_code == 302
    assert client.get("/api/v1/dictionary/").status_code == 401


def test_missing_and_outside_answer_the_same_404(as_user, library):
    client = as_user("dc")
    outside, missing = client.get("/api/v1/teachers/T-OTHER"), client.get("/api/v1/teachers/NOPE")
    assert outside.status_code == missing.status_code == 404
    assert outside.json()["detail"] == missing.json()["detail"]
    # a library filter outside the scope is not found either
    assert client.get("/resources/teachers/?institution=DX4198").status_code == 404
    assert client.get("/api/v1/courses/?institution=DX4198").status_code == 404


def test_list_query_count_does_not_grow_with_the_page(as_user, library):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user("admin")
    client.get("/")   # the session's first request writes it (its once-a-minute touch); the measured ones do not
    for lib in LISTS:
        counts = []
        for size in (1, 4):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/resources/{lib}/?page_size={size}").status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], lib


def test_an_empty_cell_reads_as_a_dash(as_user, library):
    table = as_user("admin").get("/resources/teachers/").content.decode().split('data-testid="teacher-table"')[1]
    assert "{&#x27;wrap&#x27;" not in table and "{'wrap'" not in table
