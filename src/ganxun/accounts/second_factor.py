"""The second factor (TOTP with django-otp, plus 10 single-use recovery codes): enrol, verify, reset.

Pages only: an API token is its own factor and never asks for a code (docs/security-identity.md).
Audit rows reuse the existing event types (an enrolment or reset is a change of credentials,
``password_set`` with ``extra.credential = "second_factor"``; a wrong code is ``login_failed`` with
``extra.stage = "second_factor"``) so this part adds no audit migration.
"""

from base64 import b32encode

import django_otp
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ganxun.accounts.models import User
from ganxun.accounts.selectors import access_user
from ganxun.audit.events import EventType, Outcome, record_event
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.core.roles import can_administer_security, can_write_orgs, needs_second_factor

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def second_factor_required(user) -> bool:
    """Whether this login must verify a code after its password (the setting and the role decide)."""
    return settings.GANXUN_SECOND_FACTOR == "required" and needs_second_factor(user)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed device of an enrolment in progress (made once, so a reload shows the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand: base32, in groups of four."""
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    import segno

    return segno.make(device.config_url, error="m", micro=False).svg_inline(scale=5, border=2, omitsize=True,
                                                                          svgclass="qr")


def _clean_code(code: str) -> str:
    return "".join((code or "").split()).lower()


@transaction.atomic(durable=True)
def enrol_confirm(*, user: User, code: str) -> list[str]:
    """Confirm the pending device with a first code; returns the 10 recovery codes, shown this once."""
    if is_enrolled(user):
        raise DomainError("您已绑定身份验证器；如需更换，请先在“双因素认证”页面重置", code="already_enrolled")
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    code = _clean_code(code)
    if device is None:
        raise DomainError("请重新打开绑定页面，扫描二维码后再输入验证码", code="no_pending_device")
    if not (code.isdigit() and len(code) == 6):
        raise DomainError("验证码应为身份验证器显示的 6 位数字", code="invalid_code")
    if not device.verify_token(code):
        raise DomainError("验证码不正确，请确认手机时间准确后输入当前显示的 6 位数字", code="wrong_code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    record_event(actor=user, event_type=EventType.SECOND_FACTOR_ENROLLED, subject_type="user",
                 subject_code=user.username, extra={"credential": "second_factor", "action": "enrolled"})
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def wait_seconds(user) -> int:
    """Seconds before the authenticator accepts another try (django-otp doubles the wait after each wrong code)."""
    from django.utils import timezone

    device = confirmed_totp(user)
    if device is None or device.throttling_failure_timestamp is None or not device.throttling_failure_count:
        return 0
    delay = device.get_throttle_factor() * (2 ** (device.throttling_failure_count - 1))
    left = delay - (timezone.now() - device.throttling_failure_timestamp).total_seconds()
    return max(0, int(left + 0.999))


def verify_code(request, code: str) -> bool:
    """Check a TOTP code or a recovery code for the logged-in user; on success the session is verified.

    A recovery code works once (django-otp deletes it); wrong codes are throttled by django-otp and audited.
    """
    user = request.user
    code = _clean_code(code)
    device = None
    if code:
        is_totp = code.isdigit() and len(code) == 6  # recovery codes are 8 base32 characters
        candidates = [confirmed_totp(user)] if is_totp else list(StaticDevice.objects.filter(user=user))
        for candidate in candidates:
            if candidate is not None and django_otp.verify_token(user, candidate.persistent_id, code):
                device = candidate
                break
    if device is None:
        record_event(actor=None, event_type=EventType.LOGIN_FAILED, subject_type="user", subject_code=user.username,
                     outcome=Outcome.FAILURE, reason="第二因素验证码错误", extra={"stage": "second_factor"})
        return False
    django_otp.login(request, device)
    record_event(actor=user, event_type=EventType.LOGIN, subject_type="user", subject_code=user.username,
                 extra={"stage": "second_factor", "device": "recovery_code" if isinstance(device, StaticDevice)
                        else "totp"})
    return True


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def _drop_devices(user: User) -> int:
    count = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    return count


@transaction.atomic(durable=True)
def reset_own_second_factor(*, user: User, password: str) -> None:
    """A user drops their own authenticator (confirming with the password); they enrol again at once."""
    if not user.check_password(password or ""):
        raise DomainError("当前密码不正确", code="wrong_password")
    _drop_devices(user)
    record_event(actor=user, event_type=EventType.SECOND_FACTOR_RESET, subject_type="user",
                 subject_code=user.username, extra={"credential": "second_factor", "action": "reset_own"})


def can_reset_second_factor(acting_user) -> bool:
    """Who may reset another login's authenticator (the security administrator's job; re-gated at the 三权分立 merge)."""
    return can_write_orgs(acting_user) or can_administer_security(acting_user)


@transaction.atomic(durable=True)
def reset_second_factor(*, acting_user, username: str, reason: str = "") -> User:
    """An administrator resets a login's authenticator (a lost phone): the user enrols again at next login."""
    if not can_reset_second_factor(acting_user):
        raise PermissionDenied("只有安全管理员可以重置他人的双因素认证")
    user = access_user(acting_user, username)
    count = _drop_devices(user)
    if count == 0:
        raise DomainError(f"用户 {username} 尚未绑定身份验证器，无需重置", code="not_enrolled")
    record_event(actor=acting_user, event_type=EventType.SECOND_FACTOR_RESET, subject_type="user",
                 subject_code=username, reason=reason, extra={"credential": "second_factor", "action": "reset"})
    return user


def enrol_for_tests_and_deploys(user: User, key: str = "", tolerance: int = 1) -> TOTPDevice:
    """A confirmed device made directly (no page, no recovery codes): for tests and the deploy tests' own login."""
    extra = {"key": key} if key else {}
    extra["tolerance"] = tolerance
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True, **extra)
