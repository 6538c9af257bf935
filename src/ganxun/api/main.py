"""The ninja API at /api/v1. Each app contributes its routers (``<app>/api.py``); errors share one shape."""

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from ganxun.api.auth import ActiveSession, BearerToken
from ganxun.core.errors import DomainError

api = NinjaAPI(
    title="干训 ganxun API",
    version="1.0",
    description="干部教育培训管理信息系统接口。所有接口按调用者的数据范围返回数据；范围外的对象与不存在的对象一样返回 404。",
    auth=[BearerToken(), ActiveSession()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    status = {"not_found": 404, "permission_denied": 403}.get(exc.code, 400)
    return api.create_response(request, {"detail": exc.message, "code": exc.code, "extra": exc.extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", []) if p not in ("query", "body", "path"))
        problems.append(f"{where}：{err.get('msg', '格式不正确')}")
    return api.create_response(request, {"detail": "请求参数不正确：" + "；".join(problems), "code": "invalid",
                                         "extra": {"errors": exc.errors}}, status=422)


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
