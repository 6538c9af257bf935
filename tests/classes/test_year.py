"""The institution-year view: core classes pooled against the class indicators, teachers' workload, leader-taught
hours, and the resource rules of 五(二) (teacher rotation, leaders lecturing at the party school)."""

from datetime import date
from decimal import Decimal

from ganxun.classes.importers import import_classes, import_sessions
from ganxun.classes.models import ClassSession
from ganxun.classes.year import year_view
from ganxun.plans.catalog import load_plan
from ganxun.records.models import LearningRecord
from ganxun.records.services import set_credit, set_institution
from ganxun.resources.models import Teacher
from tests.classes.conftest import CLASS_COLUMNS, SESSION_COLUMNS, class_row, table, timetable
from tests.factories import add_cadre

TODAY = date(2026, 12, 1)


def test_the_year_pools_the_core_classes_and_counts_teachers_and_leaders(client, world, schools):
    staff = world.users["institution"]
    import_classes(acting_user=staff, table=table(CLASS_COLUMNS, [
        class_row("BC1"), class_row("BC2", 开始日期="2021-09-01", 结束日期="2021-09-05"),
        class_row("BC3", 班次类型="专题班", 开始日期="2021-10-01", 结束日期="2021-10-03")]))
    import_sessions(acting_user=staff, table=table(SESSION_COLUMNS, [
        *timetable("BC1"),                                                   # 40 of 40 theory + party spirit
        *timetable("BC2", start=date(2021, 9, 1), theory=2, party=1, other=2, leader=0)]))   # 12 of 20
    xuchang = load_plan("xuchang-2019-2022")
    view = year_view(staff, "DX4199", 2021, xuchang, today=TODAY)
    pooled = {p.code: p for p in view.pooled}
    theory = pooled["class_theory_party_share"]
    assert (theory.part, theory.whole, theory.classes, theory.met) == (Decimal("52"), Decimal("60"), 2, 1)
    assert [r.training_class.code for r in view.classes] == ["BC1", "BC2"]      # core classes only
    assert view.total_hours == Decimal("60") and view.leader_hours == Decimal("8")
    loads = {(t.name, t.kind): (t.sessions, len(t.classes)) for t in view.teachers}
    assert loads[("教师3", "full_time")] == (2, 2)          # one slot in each class
    assert loads[("教师1", "leader")] == (1, 1) and loads[("教师1", "full_time")] == (1, 1)
    # the page
    client.force_login(staff)
    html = client.get("/classes/year/?year=2021&plan=xuchang-2019-2022").content.decode()
    assert 'data-indicator="class_theory_party_share"' in html and "52 / 60 学时（87%）" in html
    assert 'data-testid="leader-hours">8<' in html
    client.force_login(world.users["other"])
    assert client.get("/classes/year/?institution=DX4199&year=2021").status_code == 404


def test_teacher_rotation_and_leaders_lecturing_follow_the_city_plans_rules(world, schools):
    staff = world.users["institution"]
    o = world.orgs
    trained = add_cadre(o["city_edu"], "C-T-1", "孙老师")
    untrained = add_cadre(o["city_edu"], "C-T-2", "钱老师")
    mayor = add_cadre(o["city_dept"], "C-M-1", "周市长", rank="bureau_deputy", is_leader=True, local_team="city",
                      post_title="副市长")
    add_cadre(o["city_dept"], "C-M-2", "吴部长", rank="bureau_deputy", is_leader=True, local_team="city",
              post_title="组织部部长")
    for code, name, cadre, kind in (("T1", "孙老师", trained, "full_time"), ("T2", "钱老师", untrained, "full_time"),
                                    ("T3", "李老师", None, "full_time"), ("T4", "周市长", mayor, "leader")):
        Teacher.objects.create(code=code, name=name, kind=kind, institution=schools["city"], cadre=cadre,
                               status="active")
    record = LearningRecord(cadre=trained, title="全省党校系统骨干教师研修班", source="full_time", start_date=date(2020, 5, 1),
                            end_date=date(2020, 5, 20), days=20, hours=Decimal("120"))
    set_institution(record, schools["province"])
    set_credit(record)
    record.save()
    import_classes(acting_user=staff, table=table(CLASS_COLUMNS, [class_row("BC1")]))
    rows = timetable("BC1")
    rows[0][4] = "周市长"
    import_sessions(acting_user=staff, table=table(SESSION_COLUMNS, rows))
    assert ClassSession.objects.get(teacher_name="周市长").teacher.cadre == mayor
    view = year_view(staff, "DX4199", 2021, load_plan("xuchang-2019-2022"), today=TODAY)
    rotation = {r.name: r for r in view.rotation["rows"]}
    assert rotation["孙老师"].verdict == "met" and "河南省委党校" in rotation["孙老师"].detail
    assert rotation["钱老师"].verdict == "unmet"
    assert rotation["李老师"].verdict == "" and "未关联干部档案" in rotation["李老师"].detail
    lectures = {r.name: r.verdict for r in view.lectures["rows"]}
    assert lectures == {"周市长（副市长）": "met", "吴部长（组织部部长）": "unmet"}
    # a party school registered as its own unit under the city (not under the department) finds the same leaders
    from tests.factories import add_org

    schools["city"].owner_org = add_org(o["city"], "4199DX", "示例市委党校", "public_institution", "city")
    schools["city"].save()
    again = year_view(world.users["admin"], "DX4199", 2021, load_plan("xuchang-2019-2022"), today=TODAY)
    assert {r.name: r.verdict for r in again.lectures["rows"]} == lectures
    # the province's plan has no such rules; a county school gets the rotation but not the lectures
    assert year_view(staff, "DX4199", 2021, load_plan("henan-2019-2022"), today=TODAY).rotation is None
    county = year_view(world.users["admin"], "DX419901", 2021, load_plan("xuchang-2019-2022"), today=TODAY)
    assert county.rotation is not None and county.lectures is None
