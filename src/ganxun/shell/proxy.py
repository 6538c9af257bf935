"""The reverse proxy's headers, believed from the proxy only: a WSGI wrapper for any server (gunicorn).

waitress does this itself (``proxy_adjustments`` in the serve command); gunicorn only knows how to set the
scheme (``forwarded_allow_ips``/``secure_scheme_headers``, which also trust X-Forwarded-Ssl and friends that
nginx passes through from the client) and never REMOTE_ADDR. So ``ganxun serve`` turns gunicorn's own
handling off and wraps the application in :class:`TrustedProxy`, which behaves exactly like waitress with
``trusted_proxy_count=1`` and ``clear_untrusted_proxy_headers``:

- from the trusted peer, ``X-Forwarded-Proto`` becomes the request's scheme and the last ``X-Forwarded-For``
  hop (the address the proxy saw) becomes REMOTE_ADDR;
- every ``X-Forwarded-*`` and ``Forwarded`` header is deleted before Django sees the request, whoever sent it.
"""

import ipaddress


def _last_hop(value: str) -> str | None:
    hop = value.rsplit(",", 1)[-1].strip()
    if hop.startswith("[") and "]" in hop:  # [v6]:port
        hop = hop[1:hop.index("]")]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None


class TrustedProxy:
    def __init__(self, application, trusted_proxy: str | None):
        self.application = application
        self.trusted_proxy = trusted_proxy

    def __call__(self, environ, start_response):
        proto = environ.get("HTTP_X_FORWARDED_PROTO")
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR")
        for key in [k for k in environ if k.startswith("HTTP_X_FORWARDED_") or k == "HTTP_FORWARDED"]:
            del environ[key]
        environ["wsgi.url_scheme"] = "http"  # the socket's: ganxun serve speaks plain HTTP only
        environ.pop("HTTPS", None)
        if self.trusted_proxy and environ.get("REMOTE_ADDR") == self.trusted_proxy:
            scheme = (proto or "").rsplit(",", 1)[-1].strip().lower()
            if scheme in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme
                if scheme == "https":
                    environ["HTTPS"] = "on"
            address = _last_hop(forwarded_for) if forwarded_for else None
            if address:
                environ["REMOTE_ADDR"] = address
        return self.application(environ, start_response)
