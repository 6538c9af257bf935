from ganxun.core.roles import REGISTRY_WRITERS, Role
from ganxun.web.menu import MenuItem

ITEMS = (
    MenuItem("mine", "学时申报", "records:self_study", "bi-journal-plus", frozenset({Role.CADRE}),
             prefix="/records/self_study/", order=30),
    MenuItem("ledger", "学习记录", "records:list", "bi-journal-text", prefix="/records/", order=10),
    # a training institution's staff: the hours their trainees earned there
    MenuItem("ledger", "学员学时", "records:trainees_mine", "bi-people", frozenset({Role.INSTITUTION}),
             prefix="/records/trainees/", order=5),
    MenuItem("ledger", "自学审核", "records:review", "bi-check2-square", REGISTRY_WRITERS, prefix="/records/review/",
             order=20),
)
