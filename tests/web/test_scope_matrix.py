"""Role × endpoint: inside the scope 200, outside 404 (like a missing object), anonymous 302 or 401."""

from datetime import date

import pytest

from ganxun.accounts.services import token_create
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.records.services import record_append
from tests.resources.conftest import ALL as ALL_INSTITUTIONS, VISIBLE as INSTITUTIONS_SEEN, institutions  # noqa: F401

# Which cadres each persona may see (from tests/conftest.py).
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
ALL_CADRES = VISIBLE["admin"]
ORG_OF = {"C-CITY-1": "4199JYJ", "C-CITY-2": "4199JYJ", "C-DC-1": "419901CZJ", "C-DC-2": "419901CZJ",
          "C-XC-1": "419902NYJ", "C-OTHER-1": "4198FGW"}
WRITERS = {"admin", "province", "city", "dc", "dc_hr", "other"}


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_cadre_pages_and_api_follow_the_scope(as_user, persona, world):
    client = as_user(persona)
    for code in sorted(ALL_CADRES):
        expected = 200 if code in VISIBLE[persona] else 404
        assert client.get(f"/cadres/{code}/").status_code == expected, (persona, code, "detail page")
        assert client.get(f"/api/v1/cadres/{code}").status_code == expected, (persona, code, "api detail")
        edit = client.get(f"/cadres/{code}/edit/").status_code
        if code not in VISIBLE[persona] or persona not in WRITERS:
            assert edit == 404, (persona, code, "edit page")
        else:
            assert edit == 200, (persona, code, "edit page")
        org = ORG_OF[code]
        org_visible = org in {ORG_OF[c] for c in VISIBLE[persona]}
        listing = client.get(f"/cadres/?org={org}")
        assert listing.status_code == (200 if org_visible else 404), (persona, org, "list filtered by org")
    page = client.get("/cadres/?page_size=100", follow=False)
    assert page.status_code == 200
    shown = {c.person_code for c in page.context["page"].object_list}
    assert shown == VISIBLE[persona]
    api = client.get("/api/v1/cadres/?page_size=100").json()
    assert {c["person_code"] for c in api["items"]} == VISIBLE[persona]
    assert api["count"] == len(VISIBLE[persona])


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_export_contains_only_the_scope(as_user, persona, world):
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    response = as_user(persona).get("/cadres/export.xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert {r[0] for r in rows[1:]} == VISIBLE[persona]


def _cadres_in(response) -> set:
    assert response.status_code == 200
    return {r.cadre.person_code for r in response.context["page"].object_list}


def _cadres_in_sheet(response) -> set:
    from io import BytesIO

    from python_calamine import CalamineWorkbook

    assert response.status_code == 200
    return {r[1] for r in CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()[1:]}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_trainee_pages_follow_the_scope(as_user, persona, world, institutions):  # noqa: F811
    # given one entry for every cadre at the city's party school, DX4199 (the institution persona's own)
    for code in sorted(ALL_CADRES):
        record_append(acting_user=world.users["admin"], person_code=code, institution_code="DX4199",
                      values={"title": "主体班", "source": "full_time", "start_date": date(2024, 3, 4),
                              "end_date": date(2024, 3, 8), "hours": "40"})
    client = as_user(persona)
    # then 学员学时 and its export open for every institution the persona sees, and are 404 for the others
    for code in sorted(ALL_INSTITUTIONS):
        expected = 200 if code in INSTITUTIONS_SEEN[persona] else 404
        for url in (f"/records/trainees/{code}/", f"/records/trainees/{code}/export.xlsx"):
            assert client.get(url).status_code == expected, (persona, url)
    assert client.get("/records/trainees/NO-SUCH/").status_code == 404
    # and list exactly the trainees in scope: the school's staff all of its own, an administrator their cadres
    if "DX4199" in INSTITUTIONS_SEEN[persona]:
        expected = ALL_CADRES if persona == "institution" else VISIBLE[persona]
        assert _cadres_in(client.get("/records/trainees/DX4199/?page_size=100")) == expected
        assert _cadres_in_sheet(client.get("/records/trainees/DX4199/export.xlsx")) == expected
    # 学员学时 in the menu is the institution's own page; no other role has one
    mine = client.get("/records/trainees/")
    if persona == "institution":
        assert (mine.status_code, mine["Location"]) == (302, "/records/trainees/DX4199/")
    else:
        assert mine.status_code == 404


def test_anonymous_pages_redirect_to_login_and_api_answers_401(client, world):
    for url in ["/", "/cadres/", "/cadres/C-DC-1/", "/orgs/", "/cadres/export.xlsx", "/audit/",
                "/records/trainees/", "/records/trainees/DX4199/", "/records/trainees/DX4199/export.xlsx",
                "/records/review/", "/records/review/bulk/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for url in ["/api/v1/cadres/", "/api/v1/cadres/C-DC-1", "/api/v1/orgs/4199"]:
        assert client.get(url).status_code == 401, url


def test_bearer_token_applies_the_token_owners_scope(client, world):
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/cadres/C-DC-1", **auth).status_code == 200
    outside = client.get("/api/v1/cadres/C-XC-1", **auth)
    missing = client.get("/api/v1/cadres/NOBODY", **auth)
    assert outside.status_code == missing.status_code == 404
    assert outside.json() == missing.json()
    assert client.get("/api/v1/cadres/", HTTP_AUTHORIZATION="Bearer gx_wrong").status_code == 401


def test_api_never_returns_a_full_id_number(as_user, world):
    import re

    body = as_user("admin").get("/api/v1/cadres/?page_size=100").content.decode()
    assert not re.search(r"\d{17}[\dX]", body)


@pytest.mark.parametrize("persona, org, expected", [
    ("city", "419901", 200), ("dc", "419902", 404), ("dc", "419901CZJ", 200), ("other", "4199", 404),
    ("dc_hr", "419901", 404), ("cadre", "4199", 404),
])
def test_org_api_follows_the_scope(as_user, persona, org, expected):
    assert as_user(persona).get(f"/api/v1/orgs/{org}").status_code == expected


def test_healthz_needs_no_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


# 三权分立: the three administrators, each refused the other two's functions (404, like any page outside a role).
SEPARATED = {"sys_admin": "sysadmin", "sec_admin": "secadmin", "audit_admin": "auditadmin"}
AUDIT_PAGES = ["/audit/", "/audit/export.xlsx", "/audit/logins/", "/audit/logins/export.xlsx"]
SYSTEM_PAGES = ["/accounts/users/", "/resources/dictionary/"]
ROLE_PAGES = {
    "sys_admin": {"allowed": SYSTEM_PAGES + ["/orgs/"], "refused": AUDIT_PAGES},
    "sec_admin": {"allowed": [], "refused": SYSTEM_PAGES + AUDIT_PAGES + ["/cadres/C-DC-1/"]},
    "audit_admin": {"allowed": AUDIT_PAGES, "refused": SYSTEM_PAGES + ["/cadres/C-DC-1/"]},
}


@pytest.fixture
def separated_admins(world):
    from ganxun.accounts.services import user_create

    return {role: user_create(acting_user=UNSCOPED_OPERATOR, username=name, password="Ganxun#2024demo", role=role)
            for role, name in SEPARATED.items()}


@pytest.mark.parametrize("role", sorted(SEPARATED))
def test_the_three_administrators_are_refused_each_others_functions(client, separated_admins, role):
    user = separated_admins[role]
    assert not user.is_superuser and not user.is_staff
    client.force_login(user)
    for url in ROLE_PAGES[role]["allowed"]:
        assert client.get(url).status_code == 200, (role, url)
    for url in ROLE_PAGES[role]["refused"]:
        assert client.get(url).status_code == 404, (role, url)
    menu = client.get("/").content.decode()
    assert ("操作日志" in menu) == ("登录日志" in menu) == (role == "audit_admin"), role
    assert ("用户管理" in menu) == (role == "sys_admin"), role
    # the security and audit administrators see no cadre at all, in pages or the API
    if role != "sys_admin":
        assert client.get("/api/v1/cadres/?page_size=100").json()["count"] == 0


@pytest.mark.parametrize("persona", ["admin", "province", "dc", "dc_hr", "leader", "cadre", "institution"])
def test_only_the_audit_administrator_reads_the_audit(as_user, persona):
    client = as_user(persona)
    for url in AUDIT_PAGES:
        assert client.get(url).status_code == 404, (persona, url)


def test_no_one_but_the_operator_creates_the_three_administrators(world, separated_admins):
    from ganxun.accounts.services import user_create
    from ganxun.core.errors import PermissionDenied

    for actor in (world.users["admin"], world.users["province"], separated_admins["sys_admin"]):
        with pytest.raises(PermissionDenied, match="ganxun createadmin"):
            user_create(acting_user=actor, username="x_" + actor.username, password="Ganxun#2024demo",
                        role="audit_admin")
