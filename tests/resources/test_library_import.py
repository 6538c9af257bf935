"""Importing teachers and courses: every bad row named, all rows or none, idempotent on re-import, scoped."""

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import ImportRejected
from ganxun.core.tabular import read_table
from ganxun.resources.columns import COURSE_COLUMNS, COURSE_EXTRA, TEACHER_COLUMNS
from ganxun.resources.exporters import export_courses, export_teachers
from ganxun.resources.importers import import_courses, import_teachers
from ganxun.resources.models import Course, CourseVersion, Teacher, TeacherStatus
from tests.core.test_tabular import xlsx_bytes


def teacher(**values) -> list:
    data = {"教师编码": "JS001", "姓名": "王明", "教师类型": "兼职", "所属机构编码": "DX4199", "所属单位编码": "",
            "职称": "副教授", "擅长专题": "党史、党建", "人员编码": "", "入库日期": "2024-03-01", "状态": "在库"}
    data.update(values)
    return [data[c] for c in TEACHER_COLUMNS]


def course(**values) -> list:
    data = {"课程编码": "KC001", "课程名称": "党史专题", "内容类别": "党性教育", "教学方法": "讲授式", "学时": "3",
            "授课教师编码": "JS001", "精品课程": "否", "所属机构编码": "DX4199", "所属单位编码": ""}
    data.update(values)
    return [data[c] for c in [*COURSE_COLUMNS, *COURSE_EXTRA]]


def teachers_table(rows):
    return read_table(xlsx_bytes(TEACHER_COLUMNS, rows), "师资.xlsx")


def courses_table(rows, headers=(*COURSE_COLUMNS, *COURSE_EXTRA)):
    return read_table(xlsx_bytes(list(headers), rows), "课程.xlsx")


def test_city_admin_imports_teachers_then_reimport_changes_nothing(world, institutions):
    admin = world.users["city"]
    rows = [teacher(), teacher(教师编码="JS002", 姓名="李强", 教师类型="领导干部", 人员编码="C-DC-1", 职称="",
                                入库日期="", 状态="")]
    report = import_teachers(acting_user=admin, table=teachers_table(rows))
    assert report.created == 2
    one, two = Teacher.objects.order_by("code")
    assert one.status == TeacherStatus.ACTIVE and one.title.label == "副教授" and str(one.admitted_on) == "2024-03-01"
    assert two.status == TeacherStatus.PENDING and two.cadre == world.cadres["dc1"]
    assert AuditEvent.objects.filter(event_type="teacher_created").count() == 2
    # re-import the same file, and our own export: nothing changes
    assert import_teachers(acting_user=admin, table=teachers_table(rows)).unchanged == 2
    content, _ = export_teachers(acting_user=admin)
    assert import_teachers(acting_user=admin, table=read_table(content, "导出.xlsx")).unchanged == 2
    assert AuditEvent.objects.filter(event_type__in=["teacher_created", "teacher_updated"]).count() == 2


def test_every_bad_teacher_row_is_reported_and_nothing_is_written(world, institutions):
    rows = [teacher(教师编码="A1", 教师类型="讲师"), teacher(教师编码="A2", 所属机构编码="DX4198"),
            teacher(教师编码="A3", 人员编码="C-DC-1"), teacher(教师编码="A4", 入库日期="2024-02-30"),
            teacher(教师编码="A4"), teacher(教师编码="A6", 职称="院士")]
    with pytest.raises(ImportRejected) as exc:
        import_teachers(acting_user=world.users["city"], table=teachers_table(rows))
    where = [(e.row, e.column) for e in exc.value.errors]
    assert where == [(2, "教师类型"), (3, "所属机构编码"), (4, "人员编码"), (5, "入库日期"), (6, "教师编码"), (7, "职称")]
    assert "应为 专职、兼职、领导干部、退休干部、专家 之一" in str(exc.value.errors[0])
    assert not Teacher.objects.exists()


def test_a_changed_row_updates_with_an_audit_row(world, institutions):
    admin = world.users["city"]
    import_teachers(acting_user=admin, table=teachers_table([teacher()]))
    report = import_teachers(acting_user=admin, table=teachers_table([teacher(职称="教授", 状态="已出库")]))
    assert report.updated == 1
    t = Teacher.objects.get()
    assert t.title.label == "教授" and t.status == TeacherStatus.EXITED and t.exit_reason == "批量导入"
    event = AuditEvent.objects.get(event_type="teacher_updated")
    assert event.extra["after"]["title"] == "教授" and event.reason == "批量导入"


def test_institution_staff_import_into_their_own_library_and_cannot_change_others(world, institutions):
    staff = world.users["institution"]
    report = import_teachers(acting_user=staff, table=teachers_table([teacher(所属机构编码="")]))
    assert report.created == 1 and Teacher.objects.get().institution.code == "DX4199"
    import_teachers(acting_user=world.users["dc"],
                    table=teachers_table([teacher(教师编码="DC1", 所属机构编码="DX419901")]))
    with pytest.raises(ImportRejected) as exc:
        import_teachers(acting_user=staff, table=teachers_table([teacher(教师编码="DC1", 所属机构编码="DX419901")]))
    assert exc.value.errors[0].column == "教师编码" and "不在您的管理范围内" in exc.value.errors[0].message


def test_courses_import_with_teachers_idempotent_and_versioned(world, institutions):
    admin = world.users["city"]
    import_teachers(acting_user=admin, table=teachers_table([teacher(), teacher(教师编码="JS002", 姓名="李强")]))
    rows = [course(授课教师编码="JS001、JS002"), course(课程编码="KC002", 学时=1.5, 精品课程="是", 授课教师编码="")]
    assert import_courses(acting_user=admin, table=courses_table(rows)).created == 2
    kc1 = Course.objects.get(code="KC001")
    assert sorted(t.code for t in kc1.teachers.all()) == ["JS001", "JS002"] and kc1.version == 1
    assert import_courses(acting_user=admin, table=courses_table(rows)).unchanged == 2
    content, _ = export_courses(acting_user=admin)
    assert import_courses(acting_user=admin, table=read_table(content, "导出.xlsx")).unchanged == 2
    # the contract's columns alone (no 所属单位编码) import too; a new 学时 is a new version
    contract = [r[:len(COURSE_COLUMNS)] for r in [course(授课教师编码="JS001,JS002", 学时="4")]]
    report = import_courses(acting_user=admin, table=courses_table(contract, COURSE_COLUMNS))
    assert report.updated == 1 and Course.objects.get(code="KC001").version == 2
    assert CourseVersion.objects.filter(course__code="KC001").count() == 2


def test_every_bad_course_row_is_reported_and_nothing_is_written(world, institutions):
    rows = [course(内容类别="党建", 授课教师编码=""), course(课程编码="B2", 学时="1.25", 授课教师编码=""),
            course(课程编码="B3", 授课教师编码="NOPE"), course(课程编码="B4", 所属机构编码="DX4198", 授课教师编码="")]
    with pytest.raises(ImportRejected) as exc:
        import_courses(acting_user=world.users["city"], table=courses_table(rows))
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "内容类别"), (3, "学时"), (4, "授课教师编码"),
                                                            (5, "所属机构编码")]
    assert not Course.objects.exists()


def test_the_import_page_offers_teachers_and_courses_with_templates(client, world, institutions):
    client.force_login(world.users["institution"])
    template = client.get("/import/template/teachers.xlsx")
    table = read_table(template.content, "t.xlsx")
    assert table.headers == TEACHER_COLUMNS
    assert import_teachers(acting_user=world.users["institution"], table=table, dry_run=True).created == 1
