from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("system", "操作日志", "audit:list", "bi-journal-text", frozenset({Role.ORG_ADMIN, Role.SUPERUSER}),
                  prefix="/audit/", order=20),)
