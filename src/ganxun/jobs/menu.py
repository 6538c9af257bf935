from ganxun.core.roles import TREE_READERS
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("mine", "我的任务", "jobs:list", "bi-list-task", TREE_READERS, prefix="/jobs/", order=90),)
