"""Standard personas on one fixture tree: a province, two cities, counties, and a user at each level.

河南省 41
├─ 河南省委组织部 41ZZB
├─ 示例市 4199
│  ├─ 示例市委组织部 4199ZZB
│  ├─ 示例市教育局 4199JYJ          cadre C-CITY-1 (正处级), C-CITY-2
│  ├─ 东城区 419901
│  │  ├─ 东城区委组织部 419901ZZB
│  │  └─ 东城区财政局 419901CZJ     cadre C-DC-1 (正科级), C-DC-2 (一级科员, young)
│  └─ 西城县 419902
│     ├─ 西城县委组织部 419902ZZB
│     └─ 西城县农业农村局 419902NYJ  cadre C-XC-1
└─ 另一市 4198
   ├─ 另一市委组织部 4198ZZB
   └─ 另一市发改委 4198FGW           cadre C-OTHER-1
"""

import os
from dataclasses import dataclass, field

import pytest

from ganxun.accounts.models import User
from tests.factories import add_cadre, add_org

PASSWORD = "Ganxun#Test2026"


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    cadres: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def _user(username, role, scope=None, person=None, institution_code=""):
    user = User(username=username, role=role, scope_org=scope, person=person, institution_code=institution_code,
                is_superuser=role == "superuser", is_staff=role == "superuser")
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    w = World()
    o = w.orgs
    o["henan"] = add_org(None, "41", "河南省", "region", "province")
    o["henan_dept"] = add_org(o["henan"], "41ZZB", "河南省委组织部", "org_department", "province")
    o["city"] = add_org(o["henan"], "4199", "示例市", "region", "city")
    o["city_dept"] = add_org(o["city"], "4199ZZB", "示例市委组织部", "org_department", "city")
    o["city_edu"] = add_org(o["city"], "4199JYJ", "示例市教育局", "agency", "city")
    o["dc"] = add_org(o["city"], "419901", "东城区", "region", "county")
    o["dc_dept"] = add_org(o["dc"], "419901ZZB", "东城区委组织部", "org_department", "county")
    o["dc_fin"] = add_org(o["dc"], "419901CZJ", "东城区财政局", "agency", "county")
    o["xc"] = add_org(o["city"], "419902", "西城县", "region", "county")
    o["xc_dept"] = add_org(o["xc"], "419902ZZB", "西城县委组织部", "org_department", "county")
    o["xc_agri"] = add_org(o["xc"], "419902NYJ", "西城县农业农村局", "agency", "county")
    o["other"] = add_org(o["henan"], "4198", "另一市", "region", "city")
    o["other_dept"] = add_org(o["other"], "4198ZZB", "另一市委组织部", "org_department", "city")
    o["other_dev"] = add_org(o["other"], "4198FGW", "另一市发改委", "agency", "city")

    c = w.cadres
    c["city1"] = add_cadre(o["city_edu"], "C-CITY-1", "张建国", rank="division_chief", category="leadership_team",
                           is_leader=True, is_team_member=True, is_principal=True, post_title="局长")
    c["city2"] = add_cadre(o["city_edu"], "C-CITY-2", "李秀英", female=True, rank="principal_clerk_2")
    c["dc1"] = add_cadre(o["dc_fin"], "C-DC-1", "王磊", rank="section_chief", is_leader=True, post_title="局长")
    c["dc2"] = add_cadre(o["dc_fin"], "C-DC-2", "赵婷", female=True, rank="clerk_1", is_young_talent=True)
    c["xc1"] = add_cadre(o["xc_agri"], "C-XC-1", "刘洋", rank="section_deputy", is_branch_secretary=True)
    c["other1"] = add_cadre(o["other_dev"], "C-OTHER-1", "陈刚", rank="division_deputy", is_leader=True)

    u = w.users
    u["admin"] = _user("admin", "superuser")
    u["province"] = _user("province_admin", "org_admin", o["henan_dept"])
    u["city"] = _user("city_admin", "org_admin", o["city_dept"])
    u["dc"] = _user("dc_admin", "org_admin", o["dc_dept"])
    u["dc_hr"] = _user("dc_hr", "unit_hr", o["dc_fin"])
    u["leader"] = _user("city_leader", "leader", o["city"])
    u["other"] = _user("other_admin", "org_admin", o["other_dept"])
    u["cadre"] = _user("dc2_self", "cadre", person=c["dc2"])
    u["institution"] = _user("school_staff", "institution", institution_code="DX4199")
    return w


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the test settings' is in memory, shared by the tests of a run): what
    one test's pages kept must not answer the next's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def evaluations(monkeypatch):
    """How often the engine judged each (cadre, cadre indicator): a spy on ``Indicator.evaluate``."""
    from collections import Counter

    from ganxun.plans.spec import Indicator

    seen = Counter()
    real = Indicator.evaluate

    def spy(ind, span, facts, **kw):
        if ind.subject == "cadre":
            seen[(kw["subject"], ind.code)] += 1
        return real(ind, span, facts, **kw)

    monkeypatch.setattr(Indicator, "evaluate", spy)
    return seen


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "own_sqlite: runs on a SQLite file of its own whatever the suite's database is (run once, in the "
                   "SQLite run)")


def pytest_collection_modifyitems(config, items):
    """The PostgreSQL run leaves out the tests that never touch the suite's database (``own_sqlite``): they
    would only repeat the SQLite run's."""
    if not os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres"):
        return
    repeated = [item for item in items if item.get_closest_marker("own_sqlite")]
    if repeated:
        config.hook.pytest_deselected(items=repeated)
        items[:] = [item for item in items if not item.get_closest_marker("own_sqlite")]
