from ganxun.core.roles import AUDIT_READERS, USER_ADMINS
from ganxun.web.menu import MenuItem

ITEMS = (
    MenuItem("system", "用户管理", "users", "bi-person-gear", USER_ADMINS, prefix="/accounts/users/", order=10),
    MenuItem("system", "操作日志", "audit:list", "bi-journal-text", AUDIT_READERS, prefix="/audit/", exact=True,
             order=20),
    MenuItem("system", "登录日志", "audit:logins", "bi-box-arrow-in-right", AUDIT_READERS, prefix="/audit/logins/",
             order=21),
)
