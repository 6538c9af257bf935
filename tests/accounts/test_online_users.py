"""在线用户 with 强制下线, and disabling a user ending their sessions and tokens at once."""

import re

from django.test import Client

from ganxun.accounts.services import token_create
from ganxun.audit.models import AuditEvent
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.conftest import PASSWORD


def _logged_in(username):
    browser = Client(REMOTE_ADDR="10.1.2.3")
    assert browser.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    assert browser.get("/").status_code == 200
    return browser


def test_the_admin_sees_who_is_online_and_forces_one_out(client, world):
    hr = _logged_in("dc_hr")
    client.force_login(world.users["city"])
    page = client.get("/accounts/online/").content.decode()
    assert "在线用户" in page and "dc_hr" in page and "10.1.2.3" in page
    assert hr.session.session_key not in page  # sessions are named by a digest, never by their key
    ref = re.search(r'/accounts/online/([0-9a-f]+)/end/', page).group(1)
    response = client.post(f"/accounts/online/{ref}/end/", follow=True)
    assert "已强制用户 dc_hr 下线" in response.content.decode()
    assert hr.get("/").status_code == 302  # back to the login page
    event = AuditEvent.objects.get(event_type="session_ended", subject_code="dc_hr")
    assert event.actor_name == "city_admin" and event.extra["forced"] is True


def test_an_admin_sees_no_session_outside_their_scope_and_cannot_end_it(client, world):
    other = _logged_in("other_admin")
    client.force_login(world.users["dc"])
    assert "other_admin" not in client.get("/accounts/online/").content.decode()
    client.force_login(world.users["other"])
    mine = re.search(r'/accounts/online/([0-9a-f]+)/end/', client.get("/accounts/online/").content.decode())
    assert mine is not None  # other_admin's first browser, seen by their own second session
    client.force_login(world.users["dc"])
    response = client.post(f"/accounts/online/{mine.group(1)}/end/", follow=True)
    assert "不存在、已结束或不在您的管理范围内" in response.content.decode()
    assert other.get("/").status_code == 200


def test_a_leader_has_no_online_page(client, world):
    client.force_login(world.users["leader"])
    assert client.get("/accounts/online/").status_code == 404
    assert "在线用户" not in client.get("/").content.decode()


def test_disabling_a_user_ends_their_sessions_and_tokens_at_once(client, world):
    hr = _logged_in("dc_hr")
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="dc_hr")
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    admin = Client()
    admin.force_login(world.users["city"])
    assert admin.post("/accounts/users/dc_hr/disable/").status_code == 302
    assert hr.get("/").status_code == 302
    assert client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert "dc_hr" not in {r.user.username for r in admin.get("/accounts/online/").context["rows"]}
    assert AuditEvent.objects.filter(event_type="user_deactivated", subject_code="dc_hr").count() == 1
