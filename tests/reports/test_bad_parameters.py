"""达标评估 with an evaluation date before 1950 or after 2100, or a page past the end: a message on the page (the
dashboard and the cadre report fall back to today), a 400 page for the export, never a 500."""

import pytest

from tests.plans.conftest import schools  # noqa: F401  (the shared fixture)
from tests.reports.test_dashboard import Q, ledger  # noqa: F401  (the shared fixture)

PAGES = ("/reports/dashboard/", "/reports/cadres/")
RANGE = "超出可接受的范围（1950-01-01 至 2100-12-31）"


@pytest.mark.parametrize("url", [*PAGES, "/reports/export.xlsx"])
def test_a_valid_date_is_answered(client, world, ledger, url):  # noqa: F811
    client.force_login(world.users["city"])
    assert client.get(f"{url}?{Q}").status_code == 200


@pytest.mark.parametrize("as_of", ["0001-01-01", "1949-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_a_message(client, world, ledger, as_of):  # noqa: F811
    client.force_login(world.users["city"])
    client.raise_request_exception = False
    for url in PAGES:
        response = client.get(f"{url}?plan=henan-2019-2022&as_of={as_of}")
        assert response.status_code == 200, url
        assert f"评估日期「{as_of}」{RANGE}，已改用今天" in response.content.decode(), url
    response = client.get(f"/reports/export.xlsx?plan=henan-2019-2022&as_of={as_of}")
    assert response.status_code == 400 and f"评估日期「{as_of}」{RANGE}" in response.content.decode()
    assert "已改用" not in response.content.decode()


def test_a_page_past_the_end_of_the_cadre_report_is_the_last_page(client, world, ledger):  # noqa: F811
    client.force_login(world.users["city"])
    for page in ("99999999999999999999", "-1", "abc"):
        response = client.get(f"/reports/cadres/?{Q}&page={page}&page_size=99999999999999999999")
        assert response.status_code == 200, page
