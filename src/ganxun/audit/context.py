"""The request an action runs in, so audit rows can name the address without threading it through."""

from contextvars import ContextVar

current_address: ContextVar[str] = ContextVar("current_address", default="")


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")[:64]
