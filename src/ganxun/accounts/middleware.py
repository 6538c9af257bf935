"""What a logged-in session may reach before its identity is complete.

A login of a second-factor role (``core.roles.SECOND_FACTOR_ROLES``, with ``GANXUN_SECOND_FACTOR=required``)
whose session has not verified a code reaches only the enrolment and verify pages, logout and static
files; every other page sends it there. A login whose password is older than
``GANXUN_PASSWORD_MAX_AGE_DAYS`` reaches only the change-password page (after its second factor).
API calls with a token carry no session and are not concerned.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from ganxun.accounts.online import SESSION_ADDRESS, SESSION_LAST_SEEN
from ganxun.accounts.passwords import password_expired
from ganxun.audit.context import client_address
from ganxun.accounts.second_factor import is_enrolled, second_factor_required


def _always_open(path: str) -> bool:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return (path.startswith(static) or path == "/healthz"
            or path in (reverse("login"), reverse("logout")))


# A session is written back (its idle timeout restarted, 在线用户's last request stamped) at most once a minute while
# the address stays the same: a page view is otherwise a read, and one write per click is a write transaction per
# click on the database for a timeout that is counted in minutes.
TOUCH_SECONDS = 60


def _touch(session, address: str) -> None:
    now = timezone.now()
    seen = session.get(SESSION_LAST_SEEN)
    try:
        fresh = seen is not None and 0 <= (now - datetime.fromisoformat(seen)).total_seconds() < TOUCH_SECONDS
    except (TypeError, ValueError):
        fresh = False
    if fresh and session.get(SESSION_ADDRESS) == address:
        return
    # what 在线用户 shows: this session's last request and its address; setting them saves the session, which
    # moves its expiry to SESSION_COOKIE_AGE from now
    session[SESSION_LAST_SEEN] = now.isoformat()
    session[SESSION_ADDRESS] = address


class IdentityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            _touch(request.session, client_address(request))
        if user is not None and user.is_authenticated and not _always_open(request.path):
            target = self._detour(request, user)
            if target and request.path != target:
                if request.path.startswith("/api/"):
                    # a session (not a token) on the API: the same rule, said as the API says it
                    return JsonResponse({"detail": "请先在页面上完成双因素认证或修改过期的密码"}, status=401)
                query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                return redirect(f"{target}?{query}" if query else target)
        return self.get_response(request)

    @staticmethod
    def _detour(request, user) -> str:
        if second_factor_required(user) and not user.is_verified():
            return reverse("second_factor_verify") if is_enrolled(user) else reverse("second_factor_enrol")
        if password_expired(user):
            return reverse("password_change")
        return ""
