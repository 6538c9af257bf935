"""Own password change, expiry forcing a change, history refusing reuse; the CLI's passwd is audited."""

from datetime import timedelta
from io import StringIO

import pytest
from django.test import override_settings
from django.utils import timezone

from ganxun.accounts.models import User
from ganxun.audit.models import AuditEvent
from tests.conftest import PASSWORD
from tests.factories import run_command

NEW = "Second#Pass2026"


def _change(client, old, new, new2=None):
    return client.post("/accounts/password/", {"old_password": old, "new_password": new,
                                               "new_password2": new if new2 is None else new2})


def test_a_user_changes_their_own_password_audited_and_stays_logged_in(client, world):
    client.force_login(world.users["leader"])
    assert "修改密码" in client.get("/").content.decode()  # the personal menu entry
    response = _change(client, PASSWORD, NEW)
    assert response.status_code == 302
    user = User.objects.get(username="city_leader")
    assert user.check_password(NEW) and user.password_changed_at is not None
    assert client.get("/").status_code == 200  # the session survives its own change
    event = AuditEvent.objects.get(event_type="password_set", subject_code="city_leader")
    assert event.actor_name == "city_leader" and event.extra == {"by": "self"}


@pytest.mark.parametrize("old,new,new2,message", [
    ("Wrong#Pass2026", NEW, None, "当前密码不正确"),
    (PASSWORD, NEW, "Other#Pass2026", "两次输入的新密码不一致"),
    (PASSWORD, "abcdefghij", None, "密码不符合要求"),
    (PASSWORD, PASSWORD, None, "不能与当前密码相同"),
])
def test_a_bad_change_is_refused_in_chinese_and_changes_nothing(client, world, old, new, new2, message):
    client.force_login(world.users["leader"])
    response = _change(client, old, new, new2)
    assert response.status_code == 400 and message in response.content.decode()
    assert User.objects.get(username="city_leader").check_password(PASSWORD)
    assert not AuditEvent.objects.filter(event_type="password_set").exists()


@override_settings(GANXUN_PASSWORD_HISTORY=3)
def test_the_last_passwords_may_not_come_back(client, world):
    client.force_login(world.users["leader"])
    chain = [PASSWORD, "Second#Pass2026", "Third#Pass2026", "Fourth#Pass2026"]
    for old, new in zip(chain, chain[1:]):
        assert _change(client, old, new).status_code == 302
    # the two before the current one are refused, the fourth back is allowed again (history of 3)
    response = _change(client, chain[3], chain[2])
    assert response.status_code == 400 and "不能与最近 3 次使用过的密码相同" in response.content.decode()
    assert _change(client, chain[3], chain[1]).status_code == 400
    assert _change(client, chain[3], chain[0]).status_code == 302


@override_settings(GANXUN_PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_must_be_changed_at_the_next_login(client, world):
    User.objects.filter(username="city_leader").update(password_changed_at=timezone.now() - timedelta(days=91))
    client.post("/accounts/login/", {"username": "city_leader", "password": PASSWORD})
    response = client.get("/cadres/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/password/")
    page = client.get(response["Location"])
    assert "密码已超过有效期" in page.content.decode()
    assert _change(client, PASSWORD, NEW).status_code == 302
    assert client.get("/").status_code == 200


@override_settings(GANXUN_PASSWORD_MAX_AGE_DAYS=90)
def test_a_fresh_password_is_not_asked_to_change(client, world):
    User.objects.filter(username="city_leader").update(password_changed_at=timezone.now() - timedelta(days=89))
    client.force_login(world.users["leader"])
    assert client.get("/").status_code == 200


def test_cli_passwd_is_audited_and_refuses_the_current_password(world, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(NEW + "\n"))
    assert run_command("user", "passwd", "city_leader", "--password-stdin") == 0
    event = AuditEvent.objects.get(event_type="password_set", subject_code="city_leader")
    assert event.actor_role == "operator" and event.extra == {"by": "administrator"}
    monkeypatch.setattr("sys.stdin", StringIO(NEW + "\n"))
    assert run_command("user", "passwd", "city_leader", "--password-stdin") != 0
    assert AuditEvent.objects.filter(event_type="password_set").count() == 1
