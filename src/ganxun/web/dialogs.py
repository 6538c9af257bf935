"""What every create/edit dialog does: the form in a dialog (htmx) or on its own page, a service's
refusal shown at the fields it names, and where to go once saved; and what a page's action button does
with a service's answer."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from ganxun.core.errors import DomainError


def dialog_page(request, form, dialog_template: str, page_template: str, **context):
    """The form inside the page's dialog when htmx asks; a page of its own otherwise (no script)."""
    return render(request, dialog_template if request.htmx else page_template, {"form": form, **context})


def attach_errors(form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's refusal on the form: at each field it names (``aliases`` maps the service's
    field names to the form's), else at the top."""
    fields = exc.extra.get("fields") or {}
    for field, message in fields.items():
        name = (aliases or {}).get(field, field)
        form.add_error(name if name in form.fields else None, message)
    if not fields:
        form.add_error(None, exc.message)


def dialog_done(request, target: str, *, refresh: bool = False):
    """Once saved: htmx closes the dialog by going to ``target`` (or reloading the page behind it, with
    its filters, when ``refresh``); without htmx, a plain redirect to ``target``."""
    if request.htmx:
        response = HttpResponse(status=204)
        if refresh:
            response["HX-Refresh"] = "true"
        else:
            response["HX-Redirect"] = target
        return response
    return redirect(target)


def _of(value, result):
    return value(result) if callable(value) else value


def dialog_save(request, form, save: Callable[[], Any], *, message, target, aliases: dict[str, str] | None = None,
                refresh: bool = False):
    """A valid form's POST: run the service call ``save()``. A refusal goes onto the form and None comes
    back (show the form again); success becomes the ``message`` and ``dialog_done(target)``. ``message``
    and ``target`` may be functions of what ``save`` returned."""
    try:
        saved = save()
    except DomainError as exc:
        attach_errors(form, exc, aliases)
        return None
    messages.success(request, _of(message, saved))
    return dialog_done(request, _of(target, saved), refresh=refresh)


def action_feedback(request, act: Callable[[], Any], success) -> bool:
    """A page action (a button that posts and comes back): run the service call ``act()`` and tell the
    user what came of it, its refusal as an error or ``success`` (a function of the result, or a text)."""
    try:
        result = act()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, _of(success, result))
    return True
