"""The page layout's context: the menu the user's role shows, and what the header says they manage."""

from ganxun.core.roles import Role, is_cadre, role_of
from ganxun.web.menu import menu_for


def scope_label(user) -> str:
    """管理范围 as the header says it: the org the grant opens, 仅本人 for a cadre, the institution for its staff."""
    role = role_of(user)
    if role == Role.SUPERUSER:
        return "全部"
    if is_cadre(user):
        return "仅本人"
    if role == Role.INSTITUTION and user.institution_code:
        from ganxun.resources.selectors import institutions_visible_to

        institution = institutions_visible_to(user).first()
        return f"本机构：{institution.name}" if institution else ""
    return user.scope_org.name if user.scope_org_id else ""


def layout(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu": menu_for(user, request.path), "scope_label": scope_label(user)}
