"""Logins, logouts, failed logins and lockouts leave audit rows.

A try during a lockout leaves one row, 锁定期间的登录: django-axes refuses it before the password is
checked (so the row says nothing about the password), and then sends both ``user_login_failed`` (from
Django's ``authenticate``) and ``user_locked_out`` (again, for an account already locked). The lock itself
(the 5th wrong password) leaves two rows: that failure and 账号锁定.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from ganxun.audit.context import client_address
from ganxun.audit.events import EventType, Outcome, record_event

LOCKED_TRY_REASON = "账号锁定期间的登录尝试，已拒绝（未核对密码）"


def _address(request) -> str:
    return client_address(request) if request is not None else ""


def _refused_while_locked(request, credentials) -> bool:
    """True for a try that axes refused because the account was locked before it.

    Whichever receiver runs first: when axes has counted the try (its default: a try during a lockout
    extends it), the count includes it, so the account was locked before when the count is past the limit
    (the try that locks it reaches the limit exactly). When axes refused without counting
    (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``) it marks the request ``axes_locked_out``.
    When axes has not seen the try yet, its lock state is the state before the try.
    """
    if request is None:
        return False
    counted = getattr(request, "axes_failures_since_start", None)
    if counted is not None:
        return counted > get_failure_limit(request, credentials)
    if getattr(request, "axes_locked_out", False):
        return True
    return AxesProxyHandler.is_locked(request, credentials)


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
    if _refused_while_locked(request, credentials):
        record_event(actor=None, event_type=EventType.LOGIN_DURING_LOCKOUT, subject_type="user",
                     subject_code=username, outcome=Outcome.FAILURE, address=_address(request),
                     reason=LOCKED_TRY_REASON)
        return
    actor = get_user_model().objects.filter(username=username).first()
    record_event(actor=None, event_type=EventType.LOGIN_FAILED, subject_type="user", subject_code=username,
                 outcome=Outcome.FAILURE, address=_address(request),
                 reason="密码错误或账号不存在" if actor else "账号不存在")


@receiver(user_locked_out)
def _on_locked_out(sender, request, username, ip_address, **kwargs):
    if _refused_while_locked(request, getattr(request, "axes_credentials", None)):
        return  # a try on an account already locked: 锁定期间的登录 records it
    record_event(actor=None, event_type=EventType.LOGIN_LOCKED, subject_type="user",
                 subject_code=(username or "")[:150], outcome=Outcome.FAILURE, address=ip_address or "",
                 reason="连续 5 次密码错误，账号锁定 15 分钟")
