from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("org", "组织机构", "orgs:tree", "bi-diagram-3", prefix="/orgs/", order=10),)
