import pytest


@pytest.fixture
def api(client, world):
    client.force_login(world.users["city"])
    return client


def test_list_paginates_and_filters(api):
    body = api.get("/api/v1/cadres/?page_size=2&page=1").json()
    assert body["count"] == 5 and len(body["items"]) == 2
    body = api.get("/api/v1/cadres/?flag=young").json()
    assert [c["person_code"] for c in body["items"]] == ["C-DC-2"]
    body = api.get("/api/v1/cadres/?org=419902").json()
    assert [c["person_code"] for c in body["items"]] == ["C-XC-1"]


def test_org_filter_outside_the_scope_is_not_found(api):
    response = api.get("/api/v1/cadres/?org=4198")
    assert response.status_code == 404 and "不在您的管理范围内" in response.json()["detail"]


def test_bad_page_size_is_a_chinese_422_naming_the_field(api):
    response = api.get("/api/v1/cadres/?page_size=100000")
    assert response.status_code == 422
    assert "page_size" in response.json()["detail"] and "请求参数不正确" in response.json()["detail"]


def test_detail_shows_the_masked_id_number_and_authority(api, world):
    body = api.get("/api/v1/cadres/C-DC-2").json()
    assert body["id_number_masked"] == world.cadres["dc2"].id_number_masked
    assert body["managing_department_code"] == "419901ZZB"
    assert "id_number" not in body


def test_list_query_count_does_not_grow_with_the_page(api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get("/api/v1/cadres/?page_size=1")   # the session's first request writes it (its once-a-minute touch); the measured ones do not
    counts = []
    for size in (1, 100):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"/api/v1/cadres/?page_size={size}").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
