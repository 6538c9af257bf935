from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("plans", "规划指标", "plans:list", "bi-list-check", prefix="/plans/", order=20),)
