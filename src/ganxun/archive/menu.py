from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("mine", "我的档案", "archive:mine", "bi-person-vcard", frozenset({Role.CADRE}), prefix="/archive/",
                  order=10),)
