"""The ninja API at /api/v1. Each app contributes a router; errors share one shape."""

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


from ganxun.cadres.api import router as cadres_router  # noqa: E402
from ganxun.orgs.api import router as orgs_router  # noqa: E402
from ganxun.resources.api import router as institutions_router  # noqa: E402

api.add_router("/cadres/", cadres_router)
api.add_router("/orgs/", orgs_router)
api.add_router("/institutions/", institutions_router)
