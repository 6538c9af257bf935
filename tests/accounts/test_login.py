"""Login, lockout, logout and idle timeout, as a user meets them on the pages."""

from datetime import timedelta

import pytest

from django.conf import settings
from django.utils import timezone

from ganxun.audit.models import AuditEvent
from tests.conftest import PASSWORD


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_changes_the_session_id_and_is_audited(client, world):
    # given an anonymous visit that already holds a session
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    # when the user logs in
    response = _login(client, "city_admin", PASSWORD)
    # then they land on the home page with a new session id and a login audit row
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(event_type="login", subject_code="city_admin").count() == 1


def test_sixth_try_is_refused_even_with_the_right_password(client, world):
    # given five wrong passwords (the fifth already answers with the lockout page)
    for attempt in range(5):
        response = _login(client, "city_admin", "Wrong#Password1")
        expected = "已锁定" if attempt == 4 else "用户名或密码不正确"
        assert expected in response.content.decode()
    # when the right password comes sixth
    response = _login(client, "city_admin", PASSWORD)
    # then it is refused and nobody is logged in
    assert response.status_code == 429
    assert "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # five wrong passwords, the lock and the refused sixth try are all audited
    assert AuditEvent.objects.filter(event_type="login_failed", subject_code="city_admin").count() == 5
    assert AuditEvent.objects.filter(event_type="login_locked", subject_code="city_admin").count() == 1
    assert AuditEvent.objects.filter(event_type="login_during_lockout", subject_code="city_admin").count() == 1


def _rows(username):
    return list(AuditEvent.objects.filter(subject_code=username).order_by("id")
                .values_list("event_type", "reason"))


def test_the_lock_itself_leaves_the_fifth_failure_and_one_lock_row(client, world):
    for _ in range(5):
        _login(client, "city_admin", "Wrong#Password1")
    rows = _rows("city_admin")
    assert sorted(t for t, _ in rows) == ["login_failed"] * 5 + ["login_locked"]
    assert dict(rows)["login_locked"] == "连续 5 次密码错误，账号锁定 15 分钟"


@pytest.mark.parametrize("extends", [True, False], ids=["tries-extend-the-lock", "tries-do-not-extend-it"])
def test_each_try_during_a_lockout_is_one_row_that_does_not_claim_a_wrong_password(client, world, settings, extends):
    settings.AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = extends
    # given a locked account
    for _ in range(5):
        _login(client, "city_admin", "Wrong#Password1")
    before = AuditEvent.objects.count()
    # when the right password comes, then a wrong one, both during the lockout
    assert _login(client, "city_admin", PASSWORD).status_code == 429
    assert _login(client, "city_admin", "Wrong#Password2").status_code == 429
    # then each try leaves exactly one row, 锁定期间的登录, and no second lock row
    new = _rows("city_admin")[-(AuditEvent.objects.count() - before):]
    assert [t for t, _ in new] == ["login_during_lockout", "login_during_lockout"]
    assert all("锁定期间" in reason and "密码错误" not in reason for _, reason in new)
    assert AuditEvent.objects.filter(event_type="login_locked").count() == 1
    # and 操作日志 names the event in words
    event = AuditEvent.objects.filter(event_type="login_during_lockout").first()
    assert event.get_event_type_display() == "锁定期间的登录" and event.outcome == "failure"


def test_lockout_ends_after_fifteen_minutes(client, world):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, "city_admin", "Wrong#Password1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(client, "city_admin", PASSWORD)
    assert response.status_code == 302


def test_lockout_of_one_user_does_not_lock_another(client, world):
    for _ in range(6):
        _login(client, "city_admin", "Wrong#Password1")
    assert _login(client, "dc_admin", PASSWORD).status_code == 302


def test_logout_ends_the_session(client, world):
    _login(client, "city_admin", PASSWORD)
    assert client.get("/cadres/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/cadres/").status_code == 302
    assert AuditEvent.objects.filter(event_type="logout", subject_code="city_admin").exists()


def test_activity_extends_an_idle_session_and_writes_it_at_most_once_a_minute(client, world):
    from django.contrib.sessions.models import Session

    from ganxun.accounts.online import SESSION_LAST_SEEN

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    _login(client, "city_admin", PASSWORD)
    assert client.get("/cadres/").status_code == 200
    key = client.session.session_key
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get("/cadres/").status_code == 200   # within the minute: the page is a read, nothing written
    assert Session.objects.get(pk=key).expire_date == soon
    row = Session.objects.get(pk=key)
    data = row.get_decoded()
    data[SESSION_LAST_SEEN] = (timezone.now() - timedelta(seconds=61)).isoformat()
    Session.objects.filter(pk=key).update(session_data=Session.objects.encode(data), expire_date=soon)
    assert client.get("/cadres/").status_code == 200   # a minute on: written, the idle timeout restarted
    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(minutes=29)


def test_idle_session_past_its_age_is_logged_out(client, world):
    from django.contrib.sessions.models import Session

    _login(client, "city_admin", PASSWORD)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/cadres/").status_code == 302


def test_disabled_user_is_logged_out_at_once(client, world):
    from ganxun.accounts.services import user_deactivate

    _login(client, "city_admin", PASSWORD)
    user_deactivate(acting_user=world.users["admin"], username="city_admin", reason="调离")
    assert client.get("/cadres/").status_code == 302
    assert _login(client, "city_admin", PASSWORD).status_code == 200  # form shown again with an error
