from ganxun.core.roles import TREE_READERS
from ganxun.web.menu import MenuItem

# A training institution's staff reach their own record through 本机构 (records/menu.py), not this list.
ITEMS = (MenuItem("resources", "培训机构", "resources:institutions", "bi-building", TREE_READERS,
                  prefix="/resources/institutions/", order=10),)
