from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("plans", "达标评估", "reports:dashboard", "bi-bar-chart", prefix="/reports/", order=10),)
