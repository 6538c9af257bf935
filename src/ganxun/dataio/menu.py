from ganxun.core.roles import REGISTRY_WRITERS, TREE_READERS
from ganxun.web.menu import MenuItem

ITEMS = (MenuItem("org", "数据导入", "dataio:import", "bi-upload", REGISTRY_WRITERS, prefix="/import/", order=30),
         MenuItem("org", "数据导出", "dataio:export", "bi-download", TREE_READERS, prefix="/import/export/", order=31))
