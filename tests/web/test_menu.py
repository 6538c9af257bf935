import re

import pytest

from ganxun.web.menu import menu_for


def active(user, path):
    return [e["item"].label for g in menu_for(user, path) for e in g["items"] if e["active"]]


def test_the_menu_marks_the_module_a_page_belongs_to(world):
    admin = world.users["dc"]
    assert active(admin, "/") == ["工作台"]
    assert active(admin, "/cadres/C-DC-1/") == ["干部名册"]
    assert active(admin, "/import/") == ["数据导入"]
    assert active(admin, "/archive/C-DC-1/") == ["干部名册"]
    assert active(admin, "/records/review/") == ["自学审核"]
    assert active(admin, "/records/") == ["学习记录"]
    assert active(world.users["cadre"], "/archive/C-DC-2/") == ["我的档案"]
    assert active(world.users["cadre"], "/archive/mine/") == ["我的档案"]


def test_the_dashboard_owns_only_its_own_page_not_every_page_under_the_root(world):
    # 工作台's "/" is a prefix of every path: it must never win over a more specific entry, and a page
    # no entry owns (the public verification page) highlights nothing
    for persona in ("admin", "province", "dc", "dc_hr", "leader", "cadre", "institution"):
        user = world.users[persona]
        assert active(user, "/") == ["工作台"], persona
        assert active(user, "/verify/ABCD-EFGH") == [], persona
        assert "工作台" not in active(user, "/archive/C-DC-2/"), persona


@pytest.mark.parametrize("persona", ["admin", "province", "city", "dc", "dc_hr", "leader"])
def test_the_archive_page_highlights_the_roster_for_every_administrative_role(client, world, persona):
    # given an administrator (or reader) of any kind on a cadre's archive page
    client.force_login(world.users[persona])
    response = client.get("/archive/C-DC-1/")
    assert response.status_code == 200
    # then the rendered menu marks 干部名册 — and only it
    html = response.content.decode()
    marked = re.findall(r'class="gx-menu-item active"[^>]*>\s*<i[^>]*></i>\s*([^<]+?)\s*</a>', html)
    assert marked == ["干部名册"], (persona, marked)


def test_roles_see_only_their_entries(world):
    labels = {e["item"].label for g in menu_for(world.users["cadre"], "/") for e in g["items"]}
    assert "用户管理" not in labels and "我的档案" in labels
    labels = {e["item"].label for g in menu_for(world.users["leader"], "/") for e in g["items"]}
    assert "用户管理" not in labels and "达标评估" in labels
