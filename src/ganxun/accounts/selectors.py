"""Reads of logins for the user-management page; the data scope applies as everywhere."""

from django.db.models import Q

from ganxun.accounts.models import User
from ganxun.core.roles import Role, can_administer_security, role_of
from ganxun.core.errors import NotFound
from ganxun.orgs.selectors import path_q, scope_of


def users_visible_to(user):
    """Logins an administrator may see: those granted inside their scope (or every one for a superuser)."""
    scope = scope_of(user)
    if scope.everything or can_administer_security(user):   # 安全管理员: every login's sessions and second factor
        return User.objects.select_related("scope_org", "person").order_by("username")
    if role_of(user) != Role.ORG_ADMIN or not scope.paths:
        return User.objects.none()
    return (User.objects.filter(path_q(scope, "scope_org__path") | Q(path_q(scope, "person__org__path")))
            .exclude(is_superuser=True).select_related("scope_org", "person").order_by("username"))


def access_user(acting_user, username: str) -> User:
    user = users_visible_to(acting_user).filter(username=username).first()
    if user is None:
        raise NotFound("用户不存在或不在您的管理范围内")
    return user
