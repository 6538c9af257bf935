"""The ninja API at /api/v1. Each app contributes its routers (``<app>/api.py``); errors share one shape."""

import logging
from pathlib import Path

import ninja
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import Swagger

from ganxun.api.auth import ActiveSession, BearerToken
from ganxun.core.apierrors import error_body
from ganxun.api.middleware import throttled
from ganxun.core.errors import DomainError

log = logging.getLogger("ganxun.api")

class ShippedSwagger(Swagger):
    """The API docs page with the Swagger UI files shipped in django-ninja. ninja renders its CDN page unless
    "ninja" is in ``INSTALLED_APPS``, which it is not (settings: its import would cost every command); its page
    that loads the shipped files is rendered in its stead."""
    template_cdn = str(Path(ninja.__file__).parent / "templates" / "ninja" / "swagger.html")


api = NinjaAPI(
    title="干训 ganxun API",
    version="1.0",
    description="干部教育培训管理信息系统接口。所有接口按调用者的数据范围返回数据；范围外的对象与不存在的对象一样返回 404。",
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
    docs_url="/docs",
    docs=ShippedSwagger(),
    openapi_url="/openapi.json",
)


def _answer(request, status: int, **kw):
    return api.create_response(request, error_body(status, **kw), status=status)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    status = {"not_found": 404, "permission_denied": 403}.get(exc.code, 400)
    return api.create_response(request, {"detail": exc.message, "code": exc.code, "extra": exc.extra}, status=status)


# Exceptions that mean one status and nothing more: the answer is that status's shared body (core.apierrors).
_STATUS_OF = ((AuthenticationError, 401), (AuthorizationError, 403), (PermissionDenied, 403), (Http404, 404),
              (ObjectDoesNotExist, 404))
for _exc_class, _status in _STATUS_OF:
    api.add_exception_handler(_exc_class, lambda request, exc, status=_status: _answer(request, status))


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    return throttled(int(exc.wait or 60))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in exc.message:
        return _answer(request, 403, detail="请求被拒绝：页面会话的写操作需要 CSRF 令牌，其他系统请使用 Authorization: Bearer 令牌",
                       code="csrf_failed")
    return _answer(request, exc.status_code)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems, errors = [], []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", [])]
        where = ".".join(p for p in loc if p not in ("query", "body", "path")) or "请求体"
        problems.append(f"{where}：{err.get('msg', '格式不正确')}")
        # the location, the message and the kind only: no input echoed back, nothing that is not plain JSON
        errors.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return api.create_response(request, {"detail": "请求参数不正确：" + "；".join(problems), "code": "invalid",
                                         "extra": {"errors": errors}}, status=422)


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    """Anything else: the traceback goes to the server's log, the client learns only that it was recorded."""
    log.error("API 内部错误：%s %s", request.method, request.get_full_path(), exc_info=exc)
    return _answer(request, 500)


def _mount_app_routers() -> None:
    """Each installed app may have an ``api.py`` with ``ROUTERS = ((prefix, router), …)``; they are mounted
    in the order of ``INSTALLED_APPS``. No app is named here: adding a module adds its endpoints."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if config.name.startswith("ganxun.") and module_has_submodule(config.module, "api"):
            for prefix, router in getattr(import_module(f"{config.name}.api"), "ROUTERS", ()):
                api.add_router(prefix, router)


_mount_app_routers()
