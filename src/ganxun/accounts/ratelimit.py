"""The login form's rate limit (``GANXUN_RATE_LOGIN``): posts per client address and per username.

It comes before django-axes, which still locks a username after 5 wrong passwords (settings ``AXES_*``): the
rate limit slows a guesser who tries many usernames from one address, or one username from many requests.
"""

from functools import wraps

from django.shortcuts import render

from ganxun.audit.context import client_address
from ganxun.core.ratelimit import first_over, setting_rate


def login_rate_limited(view):
    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            rate = setting_rate("GANXUN_RATE_LOGIN")
            username = (request.POST.get("username") or "").strip().lower()
            keys = [f"ip:{client_address(request)}", *([f"username:{username}"] if username else [])]
            wait = first_over("login", keys, rate)
            if wait is not None:
                response = render(request, "web/error.html", {
                    "code": 429, "title": "登录尝试过于频繁",
                    "message": f"登录请求过于频繁，请 {wait} 秒后再试。如忘记密码，请联系系统管理员。"}, status=429)
                response["Retry-After"] = str(wait)
                return response
        return view(request, *args, **kwargs)

    return limited
