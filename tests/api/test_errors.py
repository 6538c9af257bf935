"""Every answer under /api/ is JSON in the one error shape, whatever went wrong, and says nothing about the
server's insides; bad parameters are 422 naming the parameter, never a 500; every operation declares the
statuses it can answer."""

import logging

import pytest

from ganxun.accounts.services import token_create
from ganxun.core.roles import UNSCOPED_OPERATOR

SERVER_ERROR = {"detail": "服务器内部错误，已记录，请联系管理员", "code": "server_error"}


@pytest.fixture
def api(client, world):
    client.force_login(world.users["city"])
    client.raise_request_exception = False
    return client


def _is_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"] and isinstance(body["code"], str)
    if code:
        assert body["code"] == code
    return body


def test_an_unknown_path_is_a_json_404(api):
    for url in ("/api/v1/nope", "/api/v1/cadres/C-DC-1/nope", "/api/v2/cadres/", "/api/"):
        body = _is_error(api.get(url), 404, "not_found")
        assert "接口不存在" in body["detail"], url


def test_a_wrong_method_is_a_json_405_with_allow(api):
    response = api.delete("/api/v1/cadres/")
    _is_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"] and "DELETE" in response.json()["detail"]


def test_anonymous_and_a_bad_token_are_json_401(client, world):
    _is_error(client.get("/api/v1/cadres/"), 401, "unauthenticated")
    _is_error(client.get("/api/v1/cadres/", HTTP_AUTHORIZATION="Bearer gx_wrong"), 401, "unauthenticated")


def test_a_session_write_without_csrf_is_a_json_403(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["city"])
    body = _is_error(client.post("/api/v1/dictionary/title/", {"label": "x"}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]


def test_an_unexpected_exception_is_logged_and_answered_without_internals(api, monkeypatch, caplog):
    from ganxun.cadres import api as cadres_api

    def broken(*a, **kw):
        raise RuntimeError('relation "cadres_cadre" does not exist: SELECT id_number FROM cadres_cadre')

    monkeypatch.setattr(cadres_api, "access_cadre", broken)
    with caplog.at_level(logging.ERROR, logger="ganxun.api"):
        response = api.get("/api/v1/cadres/C-DC-1")
    _is_error(response, 500)
    assert response.json() == SERVER_ERROR
    for leak in (b"Traceback", b"RuntimeError", b"SELECT", b"cadres_cadre", b".py"):
        assert leak not in response.content
    logged = "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "") for r in caplog.records)
    assert "/api/v1/cadres/C-DC-1" in logged and "SELECT id_number" in logged
    assert any(r.exc_info for r in caplog.records)  # the traceback is in the server's log


def test_an_exception_outside_the_views_is_json_too(api, monkeypatch):
    """A middleware that fails (here the API write check) reaches Django's 500 page: under /api/ it is JSON."""
    from ganxun.core import textcheck

    monkeypatch.setattr(textcheck, "walk_json", lambda body: 1 / 0)
    response = api.post("/api/v1/dictionary/title/", {"label": "x"}, content_type="application/json")
    _is_error(response, 500)
    assert response.json() == SERVER_ERROR and b"ZeroDivisionError" not in response.content


# --- bad parameters: 422 naming the parameter, never a 500 --------------------------------------------------

def test_a_huge_page_number_is_422_and_a_page_past_the_end_is_empty(api):
    body = _is_error(api.get("/api/v1/cadres/?page=99999999999999999999"), 422, "invalid")
    assert "page" in body["detail"]
    assert api.get("/api/v1/cadres/?page=1000000").json() == {"items": [], "count": 5}
    assert len(api.get("/api/v1/cadres/?page=1").json()["items"]) == 5
    for url in ("/api/v1/cadres/C-DC-1/records?page=99999999999999999999", "/api/v1/classes/?year=99999999999999999999",
                "/api/v1/callups/plans?year=99999999999999999999", "/api/v1/callups/plans/99999999999999999999"):
        _is_error(api.get(url), 422, "invalid")


@pytest.mark.parametrize("url", [
    "/api/v1/cadres/C-DC-1/compliance?plan=henan-2019-2022&as_of={}",
    "/api/v1/orgs/4199/compliance?plan=henan-2019-2022&as_of={}",
    "/api/v1/callups/conflicts?from={}&to=2022-12-31",
])
def test_a_date_out_of_range_is_422_naming_the_parameter_and_the_range(api, url):
    assert api.get(url.format("2022-01-01")).status_code == 200
    for day in ("0001-01-01", "1949-12-31", "2101-01-01", "9999-12-31"):
        body = _is_error(api.get(url.format(day)), 422, "invalid")
        name = "from" if "conflicts" in url else "as_of"
        assert f"{name}：日期超出可接受的范围（1950-01-01 至 2100-12-31）" in body["detail"], body
        assert body["extra"]["errors"][0]["type"] == "date_out_of_range"


def test_a_class_compliance_date_out_of_range_is_422(api, world):
    from datetime import date

    from ganxun.classes.services import class_save

    class_save(acting_user=world.users["city"], values={
        "code": "BC-1", "name": "科级干部进修班", "kind": "core", "organiser": world.orgs["city_dept"],
        "start_date": date(2022, 3, 1), "end_date": date(2022, 3, 10)})
    assert api.get("/api/v1/classes/BC-1/compliance?plan=henan-2019-2022&as_of=2022-12-31").status_code == 200
    _is_error(api.get("/api/v1/classes/BC-1/compliance?plan=henan-2019-2022&as_of=0001-01-01"), 422, "invalid")


def test_a_validation_error_echoes_no_input(api):
    secret = "11010519491231002X"
    body = _is_error(api.get(f"/api/v1/cadres/?page={secret}"), 422, "invalid")
    assert secret not in str(body)
    assert set(body["extra"]["errors"][0]) == {"loc", "msg", "type"}


# --- the OpenAPI description declares the statuses ----------------------------------------------------------

def test_every_operation_declares_its_error_statuses_with_the_error_schema(client, world):
    spec = client.get("/api/v1/openapi.json").json()
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"detail", "code"} and "extra" in error["properties"]
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()]
    assert len(operations) > 40
    for path, method, op in operations:
        statuses = set(op["responses"])
        assert statuses & {"200", "201"}, (method, path)
        assert {"401", "429"} <= statuses, (method, path)
        if op.get("parameters") or "requestBody" in op:
            params = [p for p in op.get("parameters", []) if p["in"] != "path"]
            if params or "requestBody" in op:
                assert "422" in statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)
        if method in ("post", "put", "patch"):
            assert {"400", "403", "404", "422"} <= statuses, (method, path)
        for status in statuses - {"200", "201"}:
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", (method, path, status)


def test_a_token_user_gets_the_same_shapes(client, world):
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    _is_error(client.get("/api/v1/cadres/C-OTHER-1", **auth), 404, "not_found")
    _is_error(client.get("/api/v1/cadres/?page=0", **auth), 422, "invalid")
