"""View decorators shared by every module's pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from ganxun.core.errors import NotFound


def scoped_view(fn):
    """Login required; an object missing or outside the user's scope answers the same 404 page."""
    @wraps(fn)
    def wrapper(request, *args, **kwargs):
        try:
            return fn(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None
    return login_required(wrapper)
