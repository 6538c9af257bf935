from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ADMINS = frozenset({Role.ORG_ADMIN, Role.SUPERUSER})
ITEMS = (
    MenuItem("system", "用户管理", "users", "bi-person-gear", ADMINS, prefix="/accounts/users/", order=10),
    MenuItem("system", "操作日志", "audit:list", "bi-journal-text", ADMINS, prefix="/audit/", order=20),
)
