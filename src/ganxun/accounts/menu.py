from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("system", "用户管理", "users", "bi-person-gear", frozenset({Role.ORG_ADMIN, Role.SUPERUSER}),
                  prefix="/accounts/users/", order=10),)
