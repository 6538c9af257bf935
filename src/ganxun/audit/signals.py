"""Logins, logouts, failed logins and lockouts leave audit rows."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ganxun.audit.context import client_address
from ganxun.audit.events import EventType, Outcome, record_event


def _address(request) -> str:
    return client_address(request) if request is not None else ""


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    record_event(actor=user, event_type=EventType.LOGIN, subject_type="user",
                 subject_code=user.get_username(), address=_address(request))


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(actor=user, event_type=EventType.LOGOUT, subject_type="user",
                     subject_code=user.get_username(), address=_address(request))


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    actor = get_user_model().objects.filter(username=username).first()
    record_event(actor=None, event_type=EventType.LOGIN_FAILED, subject_type="user", subject_code=username,
                 outcome=Outcome.FAILURE, address=_address(request),
                 reason="密码错误或账号不存在" if actor else "账号不存在")


@receiver(user_locked_out)
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    record_event(actor=None, event_type=EventType.LOGIN_LOCKED, subject_type="user",
                 subject_code=(username or "")[:150], outcome=Outcome.FAILURE, address=ip_address or "",
                 reason="连续 5 次密码错误，账号锁定 15 分钟")
