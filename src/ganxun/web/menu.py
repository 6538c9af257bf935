"""The left menu, by module. Entries appear as later modules land; roles hide what they cannot use."""

from dataclasses import dataclass, field

from ganxun.core.roles import role_of


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str
    roles: frozenset = frozenset({"org_admin", "unit_hr", "leader", "superuser"})
    prefix: str = ""
    also: tuple = ()  # further path prefixes that belong to this entry
    exact: bool = False  # ``prefix`` is the whole path (工作台 owns "/" itself, not every page under it)

    def match(self, path: str) -> int:
        """Length of the longest prefix of ``path`` this entry owns (0 when none)."""
        if self.exact:
            return len(self.prefix) if path == self.prefix else 0
        return max((len(p) for p in (self.prefix, *self.also) if p and path.startswith(p)), default=0)


@dataclass(frozen=True)
class MenuGroup:
    label: str
    icon: str
    items: tuple = field(default_factory=tuple)


ALL = frozenset({"org_admin", "unit_hr", "leader", "superuser", "cadre", "institution"})
ADMINS = frozenset({"org_admin", "superuser"})

MENU = (
    MenuGroup("首页", "bi-house", (MenuItem("工作台", "home", "bi-speedometer2", ALL, "/", exact=True),)),
    MenuGroup("我的", "bi-person", (
        MenuItem("我的档案", "archive:mine", "bi-person-vcard", frozenset({"cadre"}), prefix="/archive/"),
        MenuItem("我的信息", "cadres:list", "bi-person", frozenset({"cadre"}), prefix="/cadres/"),
        MenuItem("自学申报", "records:self_study", "bi-journal-plus", frozenset({"cadre"}),
                 prefix="/records/self_study/"),
    )),
    MenuGroup("组织与干部", "bi-diagram-3", (
        MenuItem("组织机构", "orgs:tree", "bi-diagram-3", prefix="/orgs/"),
        MenuItem("干部名册", "cadres:list", "bi-people", prefix="/cadres/", also=("/archive/",)),
        MenuItem("数据导入", "cadres:import", "bi-upload", frozenset({"org_admin", "unit_hr", "superuser"}),
                 prefix="/cadres/import"),
    )),
    MenuGroup("培训资源", "bi-building", (
        MenuItem("培训机构", "resources:institutions", "bi-building",
                 frozenset({"org_admin", "unit_hr", "leader", "superuser", "institution"}),
                 prefix="/resources/institutions/"),
    )),
    MenuGroup("学时与档案", "bi-journal-check", (
        MenuItem("学习记录", "records:list", "bi-journal-text", prefix="/records/"),
        MenuItem("自学审核", "records:review", "bi-check2-square", frozenset({"org_admin", "unit_hr", "superuser"}),
                 prefix="/records/review/"),
    )),
    MenuGroup("规划与指标", "bi-bullseye", (
        MenuItem("达标评估", "reports:dashboard", "bi-bar-chart", prefix="/reports/"),
        MenuItem("规划指标", "plans:list", "bi-list-check", prefix="/plans/"),
    )),
    MenuGroup("系统管理", "bi-gear", (
        MenuItem("用户管理", "users", "bi-person-gear", ADMINS, prefix="/accounts/users/"),
        MenuItem("操作日志", "audit:list", "bi-journal-text", ADMINS, prefix="/audit/"),
    )),
)


def menu_for(user, path: str) -> list[dict]:
    role = role_of(user)
    groups = []
    for group in MENU:
        items = [i for i in group.items if role in i.roles]
        if items:
            groups.append({"group": group, "items": items})
    # The most specific entry is the active one: the longest prefix it owns. A page no entry owns
    # (the public verification page at /verify/…) highlights nothing rather than 工作台.
    best = max((i for g in groups for i in g["items"] if i.match(path)), key=lambda i: i.match(path), default=None)
    for g in groups:
        g["active"] = [i for i in g["items"] if i is best]
    return [{"label": g["group"].label, "icon": g["group"].icon,
             "items": [{"item": i, "active": i is best} for i in g["items"]]} for g in groups]
