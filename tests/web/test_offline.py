"""Deployments sit on isolated intranets: no page, stylesheet or script may load from the internet."""

import re
from pathlib import Path

import ganxun

SRC = Path(ganxun.__file__).resolve().parent
EXTERNAL = re.compile(r"""(src|href)\s*=\s*["']?(https?:)?//""", re.IGNORECASE)
CSS_EXTERNAL = re.compile(r"""url\(\s*["']?(https?:)?//""", re.IGNORECASE)


def test_templates_reference_no_external_assets():
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.html") if EXTERNAL.search(p.read_text("utf-8"))]
    assert offenders == []


def test_shipped_stylesheets_load_fonts_and_images_locally():
    offenders = [str(p.relative_to(SRC)) for p in (SRC / "web" / "static").rglob("*.css")
                 if CSS_EXTERNAL.search(p.read_text("utf-8", errors="ignore"))]
    assert offenders == []


def test_pages_are_served_with_the_shipped_chinese_font(client, world):
    client.force_login(world.users["city"])
    body = client.get("/cadres/").content.decode()
    assert "/static/vendor/noto-sans-sc/400.css" in body
    assert client.get("/static/vendor/noto-sans-sc/400.css").status_code == 200


def test_api_docs_use_the_shipped_swagger_files(client, db):
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert not EXTERNAL.search(body)
    assets = re.findall(r'(?:src|href)="(/static/ninja/[^"]+)"', body)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:   # served from the package, though django-ninja is not an installed app
        assert client.get(asset).status_code == 200, asset
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cadres/{person_code}" in spec["paths"]


def test_a_form_without_its_token_is_refused_in_chinese(db):
    from django.test import Client

    # given a browser that posts the login form without the page's CSRF token
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    # then the refusal says what happened and what to do, in Chinese
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode() and "刷新后重新操作" in response.content.decode()
