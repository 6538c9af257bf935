from ganxun.web.menu import menu_for


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = user.scope_org.name if user.scope_org_id else ("全部" if user.is_superuser else "")
    if user.role == "cadre" and user.person_id:
        scope = "仅本人"
    return {"menu": menu_for(user, request.path), "scope_label": scope}
