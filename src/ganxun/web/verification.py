"""Public verification of printed documents: the address printed on them, its QR code, and the registry of
verifiers that the one page at ``/verify/<code>`` consults.

Every document the system issues with a verification code (an archive, a 结业证书…) prints the same kind of
address. The page behind it belongs to the archive (``archive.views.verify``), which looks the code up among
its own issues first and then asks each registered verifier in turn; a module that issues codes registers
one at start-up (from its ``AppConfig.ready``), so the page needs to know no module:

    register_verifier(fn)   # fn(code) -> (template name, context) or None

``fn`` receives the code as typed (``normalise_code`` folds case, dashes and spaces) and must reveal only what
the holder of the document may know.
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse

Verifier = Callable[[str], "tuple[str, dict] | None"]

# The verification page: the short public route when the site mounts it, else the same page under /archive/.
VERIFY_ROUTES = ("verify_archive", "archive:verify")

_verifiers: dict[str, Verifier] = {}


def register_verifier(fn: Verifier) -> Verifier:
    """Add ``fn`` to the verifiers the page asks (once per function, whatever the number of imports)."""
    _verifiers[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def verifiers() -> tuple[Verifier, ...]:
    return tuple(_verifiers.values())


def verify_elsewhere(code: str) -> tuple[str, dict] | None:
    """The first registered verifier's answer for ``code``: (template name, context), or None when no one knows it."""
    for fn in verifiers():
        found = fn(code)
        if found is not None:
            return found
    return None


def normalise_code(code: str) -> str:
    """A code as stored: upper case, without the dashes and spaces it is printed and typed with."""
    return (code or "").replace("-", "").replace(" ", "").upper()


def display_code(code: str) -> str:
    """A code as printed: groups of four joined by dashes."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def public_url(request, path: str) -> str:
    """``path`` (from ``reverse``) as an absolute address users reach: under ``GANXUN_PUBLIC_URL`` (the site's
    address behind the proxy) when set, else with the request's own scheme and host."""
    public = settings.GANXUN_PUBLIC_URL
    if not public:
        return request.build_absolute_uri(path)
    return f"{public}/{path.removeprefix(get_script_prefix())}"


def verify_url(request, code: str) -> str:
    """The address printed on a document and in its QR code: /verify/<code> when the site mounts the public
    routes, else the same page under /archive/verify/<code> (both stay valid, so printed documents never go
    stale). It starts with ``GANXUN_PUBLIC_URL``; without it, with the request's scheme and host."""
    for name in VERIFY_ROUTES:
        try:
            return public_url(request, reverse(name, kwargs={"code": code}))
        except NoReverseMatch:
            continue
    raise NoReverseMatch("没有核验页面的路由（verify_archive 或 archive:verify）")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (drawn in the PDF, nothing fetched): error correction M, the
    standard quiet zone of 4 modules; the page sizes it."""
    return segno.make(url, error="m", micro=False).svg_inline(border=4, omitsize=True, svgclass="qr")
