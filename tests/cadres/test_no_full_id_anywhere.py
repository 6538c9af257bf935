"""No full 身份证号 in any page, export or API body (security.md, 个人信息保护): every GET route the URLconf has,
for the users who see the most, read whole (spreadsheets and Word files unpacked), and every export kind of
``ganxun export``. The one place a full number appears is the answer to a reveal with a reason (test_reveal)."""

import io
import re
import zipfile
from datetime import date

import pytest
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from ganxun.core.dataio import export_kinds
from ganxun.records.services import record_append
from tests.factories import run_command
from tests.resources.conftest import institutions  # noqa: F401

FULL_ID = re.compile(rb"\d{17}[\dXx]")
# What the routes' parameters are filled with: objects of the test world (tests/conftest.py).
ARGUMENTS = {"person_code": "C-DC-2", "org_code": "419901CZJ", "username": "dc_admin", "domain": "ethnicity"}
SKIP = ("accounts/logout/", "favicon.ico")


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def _urls() -> list[str]:
    urls = set()
    for route in _routes(get_resolver().url_patterns):
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if route.startswith(SKIP) or not all(n in ARGUMENTS for n in names) or route.startswith("^"):
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: ARGUMENTS[m.group(1)], route)
        urls.add("/" + url)
    return sorted(urls)


def _readable(content: bytes) -> bytes:
    """The body, or every member of a zip (xlsx, docx) unpacked."""
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return b"\n".join(z.read(name) for name in z.namelist())
    return content


@pytest.mark.parametrize("persona", ["admin", "dc"])
def test_no_page_export_or_api_body_shows_a_full_number(client, world, institutions, persona):  # noqa: F811
    for code in ("C-DC-1", "C-DC-2"):
        record_append(acting_user=world.users["admin"], person_code=code, institution_code="DX4199",
                      values={"title": "主体班", "source": "full_time", "start_date": date(2024, 3, 4),
                              "end_date": date(2024, 3, 8), "hours": "40"})
    client.force_login(world.users[persona])
    urls = _urls()
    assert {"/cadres/", "/cadres/C-DC-2/", "/cadres/export.xlsx", "/api/v1/cadres/", "/archive/C-DC-2/xlsx",
            "/api/v1/cadres/C-DC-2/records"} <= set(urls)
    seen = 0
    for url in urls + ["/cadres/?q=" + world.cadres["dc1"].id_masked, "/records/trainees/DX4199/",
                       "/records/trainees/DX4199/export.xlsx", "/cadres/C-DC-2/?tab=history"]:
        response = client.get(url)
        if response.status_code != 200 or response.get("Content-Type", "").startswith("application/pdf"):
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert not FULL_ID.search(_readable(body)), url
        seen += 1
    assert seen >= 40


def test_no_command_line_export_holds_a_full_number(world, tmp_path, capsys):
    for kind in export_kinds():
        for suffix in ("xlsx", "csv"):
            target = tmp_path / f"{kind.key}.{suffix}"
            assert run_command("export_data", kind.key, str(target)) == 0, kind.key
            assert not FULL_ID.search(_readable(target.read_bytes())), target.name
    assert not FULL_ID.search(capsys.readouterr().out.encode())


@pytest.mark.parametrize("url", ["/cadres/?q={}", "/cadres/?q={}&page=2&sort=name", "/cadres/export.xlsx?q={}",
                                 "/api/v1/cadres/?q={}"])
def test_a_full_number_typed_into_search_finds_the_cadre_and_is_not_echoed(client, world, url):
    cadre = world.cadres["dc2"]
    client.force_login(world.users["dc"])
    response = client.get(url.format(cadre.id_number), follow=True)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    readable = _readable(body)
    assert cadre.id_number.encode() not in readable and not FULL_ID.search(readable)
    assert cadre.person_code.encode() in readable
    if url.startswith("/cadres/?"):
        # the search went on by the cadre's 人员编码, from the first page, the other choices kept
        assert response.redirect_chain and f"q={cadre.person_code}" in response.redirect_chain[-1][0]
        assert "page=" not in response.redirect_chain[-1][0] and ("sort=name" in response.redirect_chain[-1][0]) == (
            "sort" in url)
        assert [c.person_code for c in response.context["page"]] == [cadre.person_code]


def test_a_full_number_of_no_one_in_the_scope_is_searched_masked_and_finds_no_one(client, world):
    other = world.cadres["dc2"]
    client.force_login(world.users["other"])
    response = client.get(f"/cadres/?q={other.id_number}", follow=True)
    assert response.status_code == 200 and other.id_number.encode() not in response.content
    assert other.id_number_masked in response.content.decode()   # the search box says what was looked for
    assert list(response.context["page"]) == []
