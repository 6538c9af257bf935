"""The login form's rate limit (``GANXUN_RATE_LOGIN``): posts per client address and per username.

It comes before django-axes, which still locks a username after 5 wrong passwords (settings ``AXES_*``): the
rate limit slows a guesser who tries many usernames from one address, or one username from many requests.
The second-factor page (a code after the password) counts its posts the same way, per address and per signed-in
user, in a bucket of its own: django-otp's doubling wait per device stays underneath it.
"""

from functools import wraps

from django.shortcuts import render

from ganxun.audit.context import client_address
from ganxun.core.ratelimit import first_over, setting_rate


def _limited_posts(bucket: str, username_of, message: str):
    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST":
                username = (username_of(request) or "").strip().lower()
                keys = [f"ip:{client_address(request)}", *([f"username:{username}"] if username else [])]
                wait = first_over(bucket, keys, setting_rate("GANXUN_RATE_LOGIN"))
                if wait is not None:
                    response = render(request, "web/error.html", {
                        "code": 429, "title": "登录尝试过于频繁", "message": message.format(wait=wait)}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate


login_rate_limited = _limited_posts(
    "login", lambda request: request.POST.get("username"),
    "登录请求过于频繁，请 {wait} 秒后再试。如忘记密码，请联系系统管理员。")

second_factor_rate_limited = _limited_posts(
    "second_factor", lambda request: request.user.get_username() if request.user.is_authenticated else "",
    "验证码提交过于频繁，请 {wait} 秒后再输入身份验证器当前显示的验证码。如身份验证器丢失，请联系安全管理员重置。")
