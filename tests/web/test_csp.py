"""Content-Security-Policy (issue 15): every HTML page forbids inline script and style, and every response to a
signed-in user is kept by no cache (web/csp.py). That the pages keep to the policy: test_inline_code.py."""

import pytest
from django.conf import settings

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*")


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


def assert_strict(policy: str):
    parsed = directives(policy)
    for name in ("script-src", "style-src", "default-src"):
        assert name in parsed, name
        assert not set(parsed[name]) & set(UNSAFE), (name, parsed[name])
    assert parsed["object-src"] == ["'none'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["base-uri"] == ["'self'"]


def test_the_setting_allows_no_inline_script_or_style():
    assert_strict(settings.GANXUN_CONTENT_SECURITY_POLICY)


def test_the_login_page_carries_the_policy(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == settings.GANXUN_CONTENT_SECURITY_POLICY
    assert_strict(response["Content-Security-Policy"])


@pytest.mark.parametrize("path", ["/", "/cadres/", "/cadres/C-DC-1/", "/records/review/", "/plans/list/",
                                  "/accounts/users/", "/import/", "/reports/dashboard/", "/archive/C-DC-1/", "/audit/",
                                  "/no-such-page/"])
def test_a_signed_in_page_carries_the_policy_and_is_never_stored(client, world, path):
    # given an administrator signed in
    client.force_login(world.users["admin"])
    # when they open a page (or one that does not exist)
    response = client.get(path)
    assert response["Content-Type"].startswith("text/html"), path
    # then the page forbids inline code, and no browser or proxy keeps a copy of it
    assert_strict(response["Content-Security-Policy"])
    assert response["Cache-Control"] == "no-store", path


def test_a_signed_in_users_download_is_never_stored(client, world):
    client.force_login(world.users["city"])
    response = client.get("/cadres/export.xlsx")
    assert response.status_code == 200
    assert not response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_token_is_never_stored(client, world):
    from ganxun.accounts.services import token_create
    from ganxun.core.roles import UNSCOPED_OPERATOR

    # given another system calling the API with its token (no session)
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_admin")
    response = client.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    # then the cadres' data are not kept by any cache on the way
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_htmx_fragment_is_never_stored(client, world):
    client.force_login(world.users["admin"])
    response = client.get("/cadres/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching_for_a_signed_in_user(client, world):
    client.force_login(world.users["admin"])
    response = client.get("/static/ganxun/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]
    assert "Content-Security-Policy" not in response
