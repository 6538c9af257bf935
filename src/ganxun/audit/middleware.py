from ganxun.audit.context import client_address, current_address

API_PREFIX = "/api/"
TOKEN_PREFIX_LENGTH = 10   # what ``ApiToken.prefix`` keeps (accounts.services.token_create)


class RequestContextMiddleware:
    """Names the request's address for audit rows, and leaves one row for every API call made with a token.

    The token row (接口调用) says who (the token's owner, or 系统 for a token that matched no one), the token's
    prefix (never the token), the method, the path and the status. It is one INSERT after the response is
    made, in its own short transaction, so it costs an API call about as much as a login row costs a login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_address.set(client_address(request))
        try:
            response = self.get_response(request)
            if request.path.startswith(API_PREFIX):
                bearer = request.META.get("HTTP_AUTHORIZATION", "")
                if bearer[:7].lower() == "bearer ":
                    _record_api_call(request, response, bearer[7:].strip())
            return response
        finally:
            current_address.reset(token)


def _record_api_call(request, response, raw_token: str) -> None:
    from ganxun.audit.events import EventType, Outcome, record_event

    user = getattr(request, "user", None)
    ok = response.status_code < 400
    record_event(actor=user, event_type=EventType.API_CALL, subject_type="api", subject_code=request.path[:64],
                 subject_label=f"{request.method} {request.path}"[:200],
                 outcome=Outcome.SUCCESS if ok else Outcome.FAILURE,
                 reason="" if ok else f"HTTP {response.status_code}",
                 extra={"token_prefix": raw_token[:TOKEN_PREFIX_LENGTH], "method": request.method,
                        "path": request.path[:500], "status": response.status_code})
