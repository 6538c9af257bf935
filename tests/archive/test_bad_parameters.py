"""An evaluation date the engine cannot count from (before 1950, after 2100) is a message, never a 500: on the
archive page a warning (the page is shown for today), on its PDF and spreadsheet a 400 page naming the date."""

import pytest

from tests.archive.conftest import PLAN

URLS = ("/archive/C-DC-1/", "/archive/C-DC-1/pdf", "/archive/C-DC-1/xlsx")


@pytest.mark.parametrize("url", URLS)
def test_a_valid_date_is_answered(client, world, ledger, url):
    client.force_login(world.users["dc"])
    response = client.get(f"{url}?plan={PLAN}&as_of=2022-12-31")
    assert response.status_code == 200


@pytest.mark.parametrize("as_of", ["0001-01-01", "1949-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_a_message_on_the_page(client, world, ledger, as_of):
    client.force_login(world.users["dc"])
    client.raise_request_exception = False
    response = client.get(f"/archive/C-DC-1/?plan={PLAN}&as_of={as_of}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"评估日「{as_of}」超出可接受的范围（1950-01-01 至 2100-12-31）" in html
    for url in URLS[1:]:
        response = client.get(f"{url}?plan={PLAN}&as_of={as_of}")
        assert response.status_code == 400, url
        assert "超出可接受的范围（1950-01-01 至 2100-12-31）" in response.content.decode()


def test_the_bounds_themselves_are_accepted(client, world, ledger):
    client.force_login(world.users["dc"])
    for as_of in ("1950-01-01", "2100-12-31"):
        response = client.get(f"/archive/C-DC-1/?plan={PLAN}&as_of={as_of}")
        assert response.status_code == 200 and "超出可接受的范围" not in response.content.decode()
