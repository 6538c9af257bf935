from ganxun.core.roles import TREE_READERS, Role
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("resources", "培训机构", "resources:institutions", "bi-building", TREE_READERS | {Role.INSTITUTION},
                  prefix="/resources/institutions/", order=10),)
