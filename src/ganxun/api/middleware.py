"""Under ``/api/``: the rate limit (``GANXUN_RATE_API``), and every answer JSON — Django's own 404 for an
unknown path, 405, 500 and a 403 from the CSRF check included (their HTML pages are for the site)."""

import hashlib
import logging

from django.http import JsonResponse

from ganxun.core.apierrors import error_body
from ganxun.core.ratelimit import first_over, setting_rate

log = logging.getLogger("ganxun.api")
_KEPT_HEADERS = ("Allow", "Retry-After", "Vary", "WWW-Authenticate")


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def json_error(status: int, **kw) -> JsonResponse:
    return JsonResponse(error_body(status, **kw), status=status, json_dumps_params={"ensure_ascii": False})


def throttled(wait: int) -> JsonResponse:
    response = json_error(429, detail=f"请求过于频繁，请 {wait} 秒后再试", extra={"retry_after": wait})
    response["Retry-After"] = str(wait)
    return response


class ApiErrorsAsJsonMiddleware:
    """An error response under /api/ that is not JSON (Django's pages) becomes the API's error shape, with the
    same status and its ``Allow``/``Retry-After`` headers; the HTML never reaches an API client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (not is_api(request) or response.status_code < 400
                or response.get("Content-Type", "").startswith("application/json")):
            return response
        status = response.status_code
        detail = None
        if status == 405:
            detail = f"该接口不支持 {request.method} 方法（可用：{response.get('Allow', '无')}）"
        elif status == 404:
            detail = "接口不存在：请检查地址（见 /api/v1/docs）"
        elif status == 403:
            detail = "请求被拒绝：页面会话的写操作需要 CSRF 令牌，其他系统请使用 Authorization: Bearer 令牌"
        replaced = json_error(status, detail=detail)
        for header in _KEPT_HEADERS:
            if header in response:
                replaced[header] = response[header]
        return replaced


class ApiRateLimitMiddleware:
    """``GANXUN_RATE_API`` per client address and, besides, per account (a session) or per token (a bearer):
    guessing tokens from one address meets the address's limit long before it finds one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request):
            rate = setting_rate("GANXUN_RATE_API")
            if rate is not None:
                wait = first_over("api", _keys(request), rate)
                if wait is not None:
                    log.warning("API 请求过于频繁：%s %s（%s）", request.method, request.path, _address(request))
                    return throttled(wait)
        return self.get_response(request)


def _address(request) -> str:
    from ganxun.audit.context import client_address

    return client_address(request)


def _keys(request) -> list[str]:
    keys = [f"ip:{_address(request)}"]
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        keys.append("token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest())
    else:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            keys.append(f"user:{user.pk}")
    return keys


__all__ = ["ApiErrorsAsJsonMiddleware", "ApiRateLimitMiddleware", "throttled"]
