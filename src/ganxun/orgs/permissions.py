"""Who may change what. Reads are governed by scope alone; writes also by role."""

from ganxun.core.errors import PermissionDenied

WRITE_ROLES = {"org_admin", "superuser"}
REGISTRY_WRITE_ROLES = {"org_admin", "unit_hr", "superuser"}


def _role(user) -> str:
    return "superuser" if user.is_superuser else user.role


def can_write_orgs(user) -> bool:
    return _role(user) in WRITE_ROLES


def can_write_registry(user) -> bool:
    return _role(user) in REGISTRY_WRITE_ROLES


def require_org_write(user, org=None) -> None:
    if not can_write_orgs(user):
        raise PermissionDenied("只有组织部门管理员可以维护组织机构")


def require_registry_write(user) -> None:
    if not can_write_registry(user):
        raise PermissionDenied("您的角色只能查看，不能修改干部信息")
