from ganxun.core.roles import Role
from ganxun.web.menu import MenuGroup, MenuItem

GROUPS = (MenuGroup("classes", "培训实施", "bi-easel", 50),)
ITEMS = (
    MenuItem("classes", "培训班次", "classes:list", "bi-easel",
             frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER, Role.INSTITUTION}),
             prefix="/classes/", order=10),
    MenuItem("classes", "机构年度统计", "classes:year", "bi-bar-chart-line",
             frozenset({Role.ORG_ADMIN, Role.LEADER, Role.SUPERUSER, Role.INSTITUTION}), prefix="/classes/year/", order=20),
    MenuItem("mine", "我的班次", "classes:list", "bi-easel", frozenset({Role.CADRE}), prefix="/classes/", order=25),
)
