from ganxun.core.roles import ORG_WRITERS, TREE_READERS, Role
from ganxun.web.menu import MenuItem

# Who reads the libraries: everyone with an org scope, and an institution's staff (their own library).
LIBRARY_READERS = TREE_READERS | {Role.INSTITUTION}

# A training institution's staff reach their own record through 本机构 (records/menu.py), not this list.
ITEMS = (
    MenuItem("resources", "培训机构", "resources:institutions", "bi-building", TREE_READERS,
             prefix="/resources/institutions/", order=10),
    MenuItem("resources", "师资库", "resources:teachers", "bi-person-video3", LIBRARY_READERS,
             prefix="/resources/teachers/", order=20),
    MenuItem("resources", "课程库", "resources:courses", "bi-easel", LIBRARY_READERS,
             prefix="/resources/courses/", order=30),
    MenuItem("resources", "教材", "resources:materials", "bi-book", LIBRARY_READERS,
             prefix="/resources/materials/", order=40),
    MenuItem("resources", "案例", "resources:cases", "bi-journal-richtext", LIBRARY_READERS,
             prefix="/resources/cases/", order=50),
    MenuItem("resources", "现场教学点", "resources:sites", "bi-geo-alt", LIBRARY_READERS,
             prefix="/resources/sites/", order=60),
    MenuItem("system", "数据字典", "resources:dictionary", "bi-book-half", ORG_WRITERS,
             prefix="/resources/dictionary/", order=50),
)
