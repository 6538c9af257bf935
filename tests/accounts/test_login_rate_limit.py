"""GANXUN_RATE_LOGIN: login posts per client address and per username, a 429 page with Retry-After; the
django-axes lockout (5 wrong passwords) works as before underneath it."""

import pytest
from django.core.cache import cache

from ganxun.audit.models import AuditEvent
from ganxun.core import ratelimit
from tests.conftest import PASSWORD


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr(ratelimit, "_clock", lambda: Clock.now)
    cache.clear()
    yield Clock
    cache.clear()


def _login(client, username, password, addr="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=addr)


def test_the_post_past_the_rate_is_a_429_page_until_the_window_ends(client, world, settings, clock):
    settings.GANXUN_RATE_LOGIN = "3/m"
    for n in range(3):
        assert "用户名或密码不正确" in _login(client, f"nobody{n}", "Wrong#Password1").content.decode()
    response = _login(client, "city_admin", PASSWORD)
    assert response.status_code == 429 and response["Retry-After"] == "60"
    html = response.content.decode()
    assert "登录请求过于频繁，请 60 秒后再试" in html and response["Content-Type"].startswith("text/html")
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/login/").status_code == 200  # the form itself is not counted
    clock.now += 60
    response = _login(client, "city_admin", PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_one_username_is_limited_from_every_address(client, world, settings, clock):
    settings.GANXUN_RATE_LOGIN = "3/m"
    for n in range(3):
        _login(client, "city_admin", "Wrong#Password1", addr=f"10.0.0.{n}")
    assert _login(client, "city_admin", PASSWORD, addr="10.0.0.9").status_code == 429
    assert _login(client, "dc_admin", PASSWORD, addr="10.0.0.10").status_code == 302


def test_the_axes_lockout_still_comes_at_the_sixth_try(client, world, settings, clock):
    settings.GANXUN_RATE_LOGIN = "10/m"  # the production default
    for attempt in range(5):
        response = _login(client, "city_admin", "Wrong#Password1")
        assert ("已锁定" if attempt == 4 else "用户名或密码不正确") in response.content.decode()
    response = _login(client, "city_admin", PASSWORD)
    assert response.status_code == 429 and "已锁定" in response.content.decode()
    assert "Retry-After" not in response  # axes' page, not the rate limit's
    assert AuditEvent.objects.filter(event_type="login_failed", subject_code="city_admin").count() == 5
    assert AuditEvent.objects.filter(event_type="login_locked", subject_code="city_admin").count() == 1
