from ganxun.core.roles import Role
from ganxun.web.menu import MenuItem

ITEMS = (
    MenuItem("classes", "年度培训计划", "callups:plans", "bi-calendar2-range",
             frozenset({Role.ORG_ADMIN, Role.LEADER, Role.SUPERUSER}), prefix="/callups/plans/", order=28),
    MenuItem("classes", "培训计划报批", "callups:submissions", "bi-file-earmark-check",
             frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER}), prefix="/callups/submissions/",
             order=29),
    MenuItem("classes", "调训通知", "callups:list", "bi-megaphone",
             frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.SUPERUSER}), prefix="/callups/", order=30),
    MenuItem("classes", "智能调训", "callups:suggest", "bi-stars", frozenset({Role.ORG_ADMIN, Role.SUPERUSER}),
             prefix="/callups/suggest/", order=32),
    MenuItem("classes", "调训冲突", "callups:conflicts", "bi-exclamation-diamond",
             frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER}), prefix="/callups/conflicts/",
             order=35),
    MenuItem("classes", "调训统计", "callups:rates", "bi-percent",
             frozenset({Role.ORG_ADMIN, Role.UNIT_HR, Role.LEADER, Role.SUPERUSER}), prefix="/callups/rates/", order=36),
    MenuItem("mine", "我的调训", "callups:mine", "bi-megaphone", frozenset({Role.CADRE}), prefix="/callups/mine/",
             order=26),
)
