from ganxun.core.roles import AUDIT_READERS, EVERY_ROLE, SECOND_FACTOR_ROLES, SECURITY_ADMINS, USER_ADMINS
from ganxun.web.menu import MenuItem

ITEMS = (
    MenuItem("mine", "修改密码", "password_change", "bi-key", EVERY_ROLE, prefix="/accounts/password/", order=80),
    MenuItem("mine", "双因素认证", "second_factor", "bi-shield-lock", SECOND_FACTOR_ROLES, prefix="/accounts/2fa/",
             order=90),
    MenuItem("system", "用户管理", "users", "bi-person-gear", USER_ADMINS, prefix="/accounts/users/", order=10),
    MenuItem("system", "在线用户", "online_users", "bi-people", USER_ADMINS | SECURITY_ADMINS, prefix="/accounts/online/",
             order=15),
    MenuItem("system", "操作日志", "audit:list", "bi-journal-text", AUDIT_READERS, prefix="/audit/", exact=True,
             order=20),
    MenuItem("system", "登录日志", "audit:logins", "bi-box-arrow-in-right", AUDIT_READERS, prefix="/audit/logins/",
             order=21),
)
