from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ITEMS = (
    MenuItem("mine", "我的信息", "cadres:list", "bi-person", frozenset({Role.CADRE}), prefix="/cadres/", order=20),
    MenuItem("org", "干部名册", "cadres:list", "bi-people", prefix="/cadres/", also=("/archive/",), order=20),
)
