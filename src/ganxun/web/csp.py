"""The Content-Security-Policy of every HTML page, and ``no-store`` on every signed-in user's response.

The policy is one string, ``settings.GANXUN_CONTENT_SECURITY_POLICY``: scripts and styles come only from the
site's own static files (no inline ``<script>``, no ``on…=`` handlers, no ``style="…"`` attributes; the
templates keep to that, and ``tests/web/test_inline_code.py`` scans them), so the policy needs no ``'unsafe-inline'``
and no nonce. Static files never reach this middleware (WhiteNoise answers them first, with their own
caching). PDFs and other downloads are no pages and carry no policy, but a signed-in user's are personal, and
get ``no-store`` like the pages.
"""

from django.conf import settings
from django.utils.cache import patch_cache_control

HEADER = "Content-Security-Policy"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html") and HEADER not in response:
            response[HEADER] = settings.GANXUN_CONTENT_SECURITY_POLICY
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # personal data: neither the browser nor a proxy keeps a copy, whatever the view allowed
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, no_store=True)
        return response
