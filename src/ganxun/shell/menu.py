from ganxun.web.menu import ALL, MenuItem

ITEMS = (MenuItem("home", "工作台", "home", "bi-speedometer2", ALL, "/", exact=True),)
