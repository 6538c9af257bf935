from ganxun.web.menu import menu_for


def active(user, path):
    return [e["item"].label for g in menu_for(user, path) for e in g["items"] if e["active"]]


def test_the_menu_marks_the_module_a_page_belongs_to(world):
    admin = world.users["dc"]
    assert active(admin, "/cadres/C-DC-1/") == ["干部名册"]
    assert active(admin, "/archive/C-DC-1/") == ["干部名册"]
    assert active(admin, "/records/review/") == ["自学审核"]
    assert active(world.users["cadre"], "/archive/C-DC-2/") == ["我的档案"]


def test_roles_see_only_their_entries(world):
    labels = {e["item"].label for g in menu_for(world.users["cadre"], "/") for e in g["items"]}
    assert "用户管理" not in labels and "我的档案" in labels
    labels = {e["item"].label for g in menu_for(world.users["leader"], "/") for e in g["items"]}
    assert "用户管理" not in labels and "达标评估" in labels
