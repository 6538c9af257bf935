"""The left menu, by module.

The groups (首页, 组织与干部 …) are the layout's and are listed here; the entries are each app's own, in its
``menu.py`` (``ITEMS = (MenuItem(...), …)``), collected from the installed apps. Roles hide what they
cannot use. A new module adds its entries (and, if it needs one, a group) in its own folder.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

from ganxun.core.roles import EVERY_ROLE, TREE_READERS, role_of


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: str
    icon: str
    order: int


@dataclass(frozen=True)
class MenuItem:
    group: str            # a MenuGroup key
    label: str
    url_name: str
    icon: str
    roles: frozenset = TREE_READERS
    prefix: str = ""
    also: tuple = ()      # further path prefixes that belong to this entry
    exact: bool = False   # ``prefix`` is the whole path (工作台 owns "/" itself, not every page under it)
    order: int = 100

    def match(self, path: str) -> int:
        """Length of the longest prefix of ``path`` this entry owns (0 when none)."""
        if self.exact:
            return len(self.prefix) if path == self.prefix else 0
        return max((len(p) for p in (self.prefix, *self.also) if p and path.startswith(p)), default=0)


GROUPS = (
    MenuGroup("home", "首页", "bi-house", 10),
    MenuGroup("mine", "我的", "bi-person", 20),
    MenuGroup("org", "组织与干部", "bi-diagram-3", 30),
    MenuGroup("resources", "培训资源", "bi-building", 40),
    MenuGroup("ledger", "学时与档案", "bi-journal-check", 60),
    MenuGroup("plans", "规划与指标", "bi-bullseye", 80),
    MenuGroup("system", "系统管理", "bi-gear", 100),
)
ALL = EVERY_ROLE


@lru_cache(maxsize=1)
def collected() -> tuple[tuple[MenuGroup, tuple[MenuItem, ...]], ...]:
    """Every group with the entries the installed apps declare, both in their order."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    groups = {g.key: g for g in GROUPS}
    items: list[MenuItem] = []
    for config in apps.get_app_configs():
        if config.name.startswith("ganxun.") and module_has_submodule(config.module, "menu"):
            module = import_module(f"{config.name}.menu")
            groups.update({g.key: g for g in getattr(module, "GROUPS", ())})
            items += getattr(module, "ITEMS", ())
    unknown = {i.group for i in items} - set(groups)
    if unknown:
        raise LookupError(f"menu entries name unknown groups: {sorted(unknown)}")
    return tuple((g, tuple(sorted((i for i in items if i.group == g.key), key=lambda i: i.order)))
                 for g in sorted(groups.values(), key=lambda g: g.order))


@lru_cache(maxsize=256)
def _href(url_name: str, prefix: str, urlconf) -> str:
    """An entry's address, worked out once per process (and per script prefix and URLconf, which it rests on)."""
    return reverse(url_name, urlconf=urlconf)


def menu_for(user, path: str) -> list[dict]:
    role = role_of(user)
    groups = [(group, [i for i in items if role in i.roles]) for group, items in collected()]
    groups = [(group, items) for group, items in groups if items]
    # The most specific entry is the active one: the longest prefix it owns. A page no entry owns
    # (the public verification page at /verify/…) highlights nothing rather than 工作台.
    best = max((i for _, items in groups for i in items if i.match(path)), key=lambda i: i.match(path), default=None)
    return [{"label": group.label, "icon": group.icon,
             "items": [{"item": i, "active": i is best, "href": _href(i.url_name, get_script_prefix(), get_urlconf())} for i in items]}
            for group, items in groups]
