"""The API's one error shape, ``{"detail": <中文说明>, "code": <stable code>, "extra": {…}}``, and the statuses each
operation declares in the OpenAPI description (``answers``). In core, so that every app's ``api.py`` (``orgs``
sits below ``api``) can declare them."""

from ninja import Field, Schema


class Error(Schema):
    detail: str = Field(description="中文说明")
    code: str = Field(description="稳定的错误编码，如 not_found、invalid、rate_limited、server_error")
    extra: dict | None = Field(None, description="补充信息，如各字段的问题")


ERROR_TEXT = {
    400: ("请求不正确", "bad_request"),
    401: ("未登录或令牌无效", "unauthenticated"),
    403: ("您的角色无权执行此操作", "permission_denied"),
    404: ("对象不存在或不在您的管理范围内", "not_found"),
    405: ("该接口不支持此请求方法", "method_not_allowed"),
    413: ("请求内容过大", "too_large"),
    415: ("请求内容的格式不受支持，应为 application/json", "unsupported_media_type"),
    422: ("请求参数不正确", "invalid"),
    429: ("请求过于频繁，请稍后再试", "rate_limited"),
    500: ("服务器内部错误，已记录，请联系管理员", "server_error"),
}


def error_body(status: int, detail: str | None = None, code: str | None = None, extra: dict | None = None) -> dict:
    text, default_code = ERROR_TEXT.get(status, ERROR_TEXT[500] if status >= 500 else ("请求无法处理", "error"))
    body = {"detail": detail or text, "code": code or default_code}
    if extra:
        body["extra"] = extra
    return body


# Every operation may answer these: not logged in (401) and too many requests (429).
ALWAYS = (401, 429)
# Reads of one object by its code, or of a filtered list: not in the scope (404), a bad parameter (422).
READ = (404, 422)
# Writes: a refused value or state (400), the role may not (403), the target not in the scope (404), a body
# that does not validate (422).
WRITE = (400, 403, 404, 422)


def answers(ok, *errors: int, status: int = 200) -> dict:
    """``response=`` for an operation: its success schema under ``status``, and :class:`Error` under each of
    the error statuses it can return (always 401 and 429)."""
    return {status: ok, **{code: Error for code in sorted({*ALWAYS, *errors})}}
