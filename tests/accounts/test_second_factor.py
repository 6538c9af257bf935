"""The second factor on the pages: enrolment, the verify step, recovery codes, resets."""

import re

import pytest
from django.test import override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganxun.accounts.second_factor import enrol_for_tests_and_deploys
from ganxun.audit.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("second_factor_on")


@pytest.fixture
def second_factor_on():
    with override_settings(GANXUN_SECOND_FACTOR="required"):
        yield


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _login(client, username="city_admin"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def _enrol(client):
    page = client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user__username="city_admin", confirmed=False)
    response = client.post("/accounts/2fa/enrol/", {"code": _code(device), "next": "/"})
    return page, response, device


def test_an_admin_is_sent_to_enrol_and_reaches_nothing_else_before(client, world):
    _login(client)
    # every page sends the half-logged-in admin to the enrolment page
    for path in ("/", "/accounts/users/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/enrol/")
    # the enrolment page draws the QR code itself and gives the secret as text
    page = client.get("/accounts/2fa/enrol/")
    body = page.content.decode()
    assert "<svg" in body and 'data-testid="totp-secret"' in body
    assert "http://" not in body.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_enrol_with_a_first_code_shows_ten_recovery_codes_once(client, world):
    _login(client)
    page, response, device = _enrol(client)
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    # the session is verified: the pages open now
    assert client.get("/accounts/users/").status_code == 200
    # the codes are not shown again
    assert codes[0] not in client.get("/accounts/2fa/").content.decode()
    assert "剩余恢复码 <strong>10</strong>" in client.get("/accounts/2fa/").content.decode()
    assert AuditEvent.objects.filter(event_type="second_factor_enrolled", subject_code="city_admin",
                                     extra__action="enrolled").count() == 1


def test_a_wrong_first_code_binds_nothing(client, world):
    _login(client)
    client.get("/accounts/2fa/enrol/")
    response = client.post("/accounts/2fa/enrol/", {"code": "12345"})
    assert response.status_code == 400 and "6 位数字" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="city_admin", confirmed=True).exists()
    assert client.get("/").status_code == 302


def test_login_asks_for_the_code_after_the_password(client, world):
    device = enrol_for_tests_and_deploys(world.users["city"])
    response = _login(client)
    assert response["Location"] == "/"
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    # a wrong code is refused in Chinese and audited
    response = client.post("/accounts/2fa/verify/", {"code": "000000" if _code(device) != "000000" else "111111"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="login_failed", subject_code="city_admin",
                                     extra__stage="second_factor").count() == 1
    # a wrong code makes the next try wait (django-otp's throttle), which the page says
    response = client.post("/accounts/2fa/verify/", {"code": _code(device)})
    assert response.status_code == 400 and "秒后再输入" in response.content.decode()
    # past that wait the right code opens the pages
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/2fa/verify/", {"code": _code(device), "next": "/accounts/users/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/users/"
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once(client, world):
    _login(client)
    _, response, _ = _enrol(client)
    code = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())[0]
    client.post("/accounts/logout/")
    _login(client)
    assert client.post("/accounts/2fa/verify/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    _login(client)
    response = client.post("/accounts/2fa/verify/", {"code": code})
    assert response.status_code == 400 and "已使用" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_cadre_and_a_leader_are_not_asked(client, world):
    for username in ("city_leader",):
        _login(client, username)
        assert client.get("/").status_code == 200


@override_settings(GANXUN_SECOND_FACTOR="off")
def test_off_asks_no_one(client, world):
    _login(client)
    assert client.get("/").status_code == 200


def test_reset_own_device_needs_the_password_and_starts_enrolment(client, world):
    _login(client)
    _enrol(client)
    response = client.post("/accounts/2fa/reset/", {"password": "Wrong#Pass2026"}, follow=True)
    assert "当前密码不正确" in response.content.decode()
    assert TOTPDevice.objects.filter(user__username="city_admin", confirmed=True).exists()
    response = client.post("/accounts/2fa/reset/", {"password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/enrol/"
    assert not TOTPDevice.objects.filter(user__username="city_admin", confirmed=True).exists()
    assert AuditEvent.objects.get(event_type="second_factor_reset", subject_code="city_admin").extra["action"] == "reset_own"
    assert AuditEvent.objects.get(event_type="second_factor_reset").get_event_type_display() == "重置双因素认证"


def test_an_admin_resets_another_users_device_audited(client, world):
    enrol_for_tests_and_deploys(world.users["dc"])
    admin_device = enrol_for_tests_and_deploys(world.users["city"])
    _login(client)
    client.post("/accounts/2fa/verify/", {"code": _code(admin_device)})
    assert "重置双因素" in client.get("/accounts/users/").content.decode()
    response = client.post("/accounts/users/dc_admin/reset-2fa/", follow=True)
    assert "已重置用户 dc_admin" in response.content.decode()
    assert not TOTPDevice.objects.filter(user__username="dc_admin").exists()
    event = AuditEvent.objects.get(event_type="second_factor_reset", subject_code="dc_admin")
    assert event.actor_name == "city_admin" and event.extra["action"] == "reset"
    # a county admin cannot reset the city admin (outside their scope: 404), a leader has no such page
    client.post("/accounts/logout/")
    client.force_login(world.users["dc"])
    with override_settings(GANXUN_SECOND_FACTOR="off"):
        assert client.post("/accounts/users/city_admin/reset-2fa/").status_code == 404
    assert TOTPDevice.objects.filter(user__username="city_admin").exists()


def test_the_api_with_a_token_asks_no_second_factor(client, world):
    from ganxun.accounts.services import token_create
    from ganxun.core.roles import UNSCOPED_OPERATOR

    enrol_for_tests_and_deploys(world.users["city"])
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    response = client.get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    # while the same admin's unverified session on the API is told to verify first
    _login(client)
    assert client.get("/api/v1/orgs/").status_code == 401


def test_code_posts_past_the_login_rate_are_a_429_and_the_right_code_waits_too(client, world, settings, monkeypatch):
    """GANXUN_RATE_LOGIN counts second-factor posts per signed-in user too: a guesser who also spreads guesses over
    addresses is stopped before django-otp's doubling wait matters; the window's end lets the right code in."""
    from django.core.cache import cache

    from ganxun.core import ratelimit

    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    cache.clear()
    settings.GANXUN_RATE_LOGIN = "3/m"
    device = enrol_for_tests_and_deploys(world.users["city"])
    _login(client)
    wrong = "000000" if _code(device) != "000000" else "111111"
    for n in range(3):
        device.refresh_from_db()
        device.throttle_reset()
        response = client.post("/accounts/2fa/verify/", {"code": wrong}, REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post("/accounts/2fa/verify/", {"code": _code(device)}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "验证码提交过于频繁，请 60 秒后再输入" in response.content.decode()
    assert client.get("/").status_code == 302  # still not verified
    now[0] += 60
    response = client.post("/accounts/2fa/verify/", {"code": _code(device)}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 302 and client.get("/").status_code == 200
    cache.clear()
