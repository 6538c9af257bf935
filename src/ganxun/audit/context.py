"""The request an action runs in, so audit rows can name the address without threading it through."""

from contextvars import ContextVar

current_address: ContextVar[str] = ContextVar("current_address", default="")


def client_address(request) -> str:
    """The address an audit row names: the socket's peer, or the real client's behind the trusted proxy.

    Never read from X-Forwarded-For here. `ganxun serve` (waitress) replaces REMOTE_ADDR with the address
    the reverse proxy saw only when the connection comes from GANXUN_TRUSTED_PROXY, and deletes the header
    of every other peer; any other server leaves REMOTE_ADDR the socket's, whatever a client sends.
    """
    return request.META.get("REMOTE_ADDR", "")[:64]
