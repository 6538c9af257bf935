from ganxun.core.roles import Role
from ganxun.web.menu import ALL, MenuItem

ITEMS = (
    MenuItem("home", "工作台", "home", "bi-speedometer2", ALL, "/", exact=True),
    # a training institution's staff land on their own institution's record (the list beside it holds only it)
    MenuItem("resources", "本机构", "my_institution", "bi-bank", frozenset({Role.INSTITUTION}),
             prefix="/resources/institutions/", also=("/my-institution/",), order=5),
)
