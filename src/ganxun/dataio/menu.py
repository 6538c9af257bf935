from ganxun.core.roles import REGISTRY_WRITERS
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("org", "数据导入", "dataio:import", "bi-upload", REGISTRY_WRITERS, prefix="/import/", order=30),)
