"""Enrol an authenticator in the browser, then log in with password and a TOTP code computed from the secret."""

import time
from base64 import b32decode

from django.test import override_settings
from playwright.sync_api import expect

from django_otp.oath import TOTP
from tests.e2e.conftest import login, shot


def _code(secret: str, steps_ahead: int = 0) -> str:
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time() + steps_ahead * totp.step
    return f"{totp.token():06d}"


@override_settings(GANXUN_SECOND_FACTOR="required")
def test_an_admin_enrols_and_logs_in_with_a_code(page, e2e_world):
    login(page, "city_admin")
    # the password alone leads to the enrolment page: a QR code drawn by the server and the secret as text
    expect(page.get_by_role("heading", name="绑定身份验证器")).to_be_visible()
    expect(page.get_by_test_id("totp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text()
    shot(page, "second_factor_enrol")
    page.fill("#id_code", _code(secret))
    page.get_by_role("button", name="完成绑定").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.get_by_test_id("scope")).to_have_text("示例市委组织部")
    # log out and in again: after the password comes the code (a later step: each code is good once)
    page.get_by_role("button", name="退出").click()
    login(page, "city_admin")
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    page.fill("#id_code", "000000" if _code(secret, 1) != "000000" else "111111")
    page.get_by_role("button", name="验 证").click()
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确")
    page.wait_for_timeout(1100)  # django-otp makes the try after a wrong code wait a second
    page.fill("#id_code", _code(secret, 1))
    page.get_by_role("button", name="验 证").click()
    expect(page.get_by_test_id("scope")).to_have_text("示例市委组织部")
    page.get_by_role("link", name="双因素认证").click()
    expect(page.get_by_test_id("second-factor-status")).to_contain_text("已绑定")
