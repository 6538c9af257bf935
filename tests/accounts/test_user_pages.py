import pytest

from ganxun.accounts.models import User
from tests.conftest import PASSWORD

NEW = {"username": "xc_hr", "display_name": "西城人事", "role": "unit_hr", "scope_code": "419902NYJ",
       "password": "Xicheng#Hr2026", "password2": "Xicheng#Hr2026"}


def test_city_admin_lists_only_users_granted_inside_the_city(client, world):
    client.force_login(world.users["city"])
    names = {u.username for u in client.get("/accounts/users/").context["page"].object_list}
    assert names == {"city_admin", "dc_admin", "dc_hr", "city_leader", "dc2_self"}


def test_city_admin_adds_a_unit_hr_inside_the_city(client, world):
    client.force_login(world.users["city"])
    response = client.post("/accounts/users/new/", NEW)
    assert response.status_code == 302
    assert User.objects.get(username="xc_hr").scope_org.code == "419902NYJ"


def test_county_admin_cannot_grant_a_scope_outside_the_county(client, world):
    client.force_login(world.users["dc"])
    response = client.post("/accounts/users/new/", NEW)
    assert "不在您的管理范围内" in response.content.decode()
    assert not User.objects.filter(username="xc_hr").exists()


def test_org_admin_cannot_create_a_superuser(client, world):
    client.force_login(world.users["city"])
    response = client.post("/accounts/users/new/", {**NEW, "role": "superuser"})
    assert response.status_code == 200 and not User.objects.filter(username="xc_hr").exists()


def test_weak_password_on_the_page_is_refused_in_chinese(client, world):
    client.force_login(world.users["city"])
    response = client.post("/accounts/users/new/", {**NEW, "password": "abcdefghij", "password2": "abcdefghij"})
    assert "密码不符合要求" in response.content.decode()


@pytest.mark.parametrize("persona", ["dc_hr", "leader", "cadre", "institution"])
def test_user_management_is_not_found_for_other_roles(client, world, persona):
    client.force_login(world.users[persona])
    assert client.get("/accounts/users/").status_code == 404


def test_disabling_a_user_outside_the_scope_is_not_found(client, world):
    client.force_login(world.users["dc"])
    assert client.post("/accounts/users/other_admin/disable/").status_code == 404
    assert User.objects.get(username="other_admin").is_active


def test_disabling_ends_the_users_session(client, world):
    from django.test import Client

    victim = Client()
    victim.post("/accounts/login/", {"username": "dc_hr", "password": PASSWORD})
    assert victim.get("/cadres/").status_code == 200
    client.force_login(world.users["dc"])
    client.post("/accounts/users/dc_hr/disable/")
    assert victim.get("/cadres/").status_code == 302
