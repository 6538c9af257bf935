from ganxun.core.roles import EVERY_ROLE, SECOND_FACTOR_ROLES, Role
from ganxun.web.menu import MenuItem

ADMINS = frozenset({Role.ORG_ADMIN, Role.SUPERUSER})
ITEMS = (
    MenuItem("mine", "修改密码", "password_change", "bi-key", EVERY_ROLE, prefix="/accounts/password/", order=80),
    MenuItem("mine", "双因素认证", "second_factor", "bi-shield-lock", SECOND_FACTOR_ROLES, prefix="/accounts/2fa/",
             order=90),
    MenuItem("system", "用户管理", "users", "bi-person-gear", ADMINS, prefix="/accounts/users/", order=10),
    MenuItem("system", "在线用户", "online_users", "bi-people", ADMINS, prefix="/accounts/online/", order=15),
    MenuItem("system", "操作日志", "audit:list", "bi-journal-text", ADMINS, prefix="/audit/", order=20),
)
