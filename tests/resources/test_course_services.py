"""The course library: every change of content makes a new numbered version and keeps the old ones."""

from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError
from ganxun.resources.course_services import course_create, course_update
from ganxun.resources.models import Course, CourseVersion
from ganxun.resources.teacher_services import teacher_create


@pytest.fixture
def teachers(world, institutions):
    for code in ("JS1", "JS2"):
        teacher_create(acting_user=world.users["city"], values={"code": code, "name": f"教师{code}",
                                                                "kind": "full_time", "institution_code": "DX4199"})
    teacher_create(acting_user=world.users["other"], values={"code": "JSX", "name": "外市教师", "kind": "expert",
                                                             "institution_code": "DX4198"})


def _new(user, **values):
    return course_create(acting_user=user, values={"code": "KC1", "name": "新时代党的建设", "category": "theory",
                                                   "method": "lecture", "hours": "3", "teachers": "JS1、JS2",
                                                   "institution_code": "DX4199", **values})


def test_a_new_course_is_version_1_with_its_teachers(world, teachers):
    course = _new(world.users["city"])
    assert course.version == 1 and course.hours == Decimal("3.0")
    assert sorted(t.code for t in course.teachers.all()) == ["JS1", "JS2"]
    assert list(course.versions.values_list("number", "name")) == [(1, "新时代党的建设")]
    assert AuditEvent.objects.get(event_type="course_created").extra["after"]["teachers"] == ["JS1", "JS2"]


def test_changing_the_content_makes_version_2_and_keeps_version_1(world, teachers):
    admin = world.users["city"]
    _new(admin)
    # when
    course = course_update(acting_user=admin, code="KC1", reason="按新教材修订",
                           values={"name": "新时代党的建设总要求", "method": "seminar", "hours": "4.5"})
    # then
    assert course.version == 2
    v2, v1 = CourseVersion.objects.filter(course=course)
    assert (v1.number, v1.name, v1.method, v1.hours) == (1, "新时代党的建设", "lecture", Decimal("3.0"))
    assert (v2.number, v2.name, v2.method, v2.hours, v2.reason) == (2, "新时代党的建设总要求", "seminar",
                                                                    Decimal("4.5"), "按新教材修订")
    event = AuditEvent.objects.get(event_type="course_updated")
    assert event.extra["after"]["version"] == 2 and event.extra["before"]["hours"] == "3.0"


def test_teachers_and_the_featured_flag_change_without_a_new_version(world, teachers):
    admin = world.users["city"]
    _new(admin)
    course = course_update(acting_user=admin, code="KC1", values={"teachers": ["JS2"], "featured": True})
    assert course.version == 1 and course.featured and [t.code for t in course.teachers.all()] == ["JS2"]
    assert CourseVersion.objects.count() == 1


def test_the_detail_page_lists_every_version(client, world, teachers):
    admin = world.users["city"]
    _new(admin)
    course_update(acting_user=admin, code="KC1", values={"hours": "2"})
    client.force_login(admin)
    html = client.get("/resources/courses/KC1/").content.decode()
    assert "第 2 版（现行）" in html and "第 1 版" in html and 'data-testid="course-versions"' in html


@pytest.mark.parametrize("hours, message", [("0", "应大于 0"), ("1.25", "最多保留一位小数"), ("abc", "不是数字"),
                                            ("", "不能为空")])
def test_bad_hours_are_refused_naming_the_field(world, teachers, hours, message):
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], hours=hours)
    assert exc.value.message.startswith("学时：") and message in exc.value.message
    assert not Course.objects.exists()


def test_a_teacher_outside_the_scope_is_not_found(world, teachers):
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], teachers="JS1,JSX")
    assert exc.value.message == "授课教师编码：教师编码 JSX 不存在或不在您的查看范围内"


def test_the_api_creates_and_versions_a_course(client, world, teachers):
    client.force_login(world.users["institution"])
    body = {"code": "KC9", "name": "党史专题", "category": "party_spirit", "method": "case", "hours": "1.5",
            "teachers": ["JS1"]}
    created = client.post("/api/v1/courses/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["institution_code"] == "DX4199"
    changed = client.put("/api/v1/courses/KC9", {**body, "hours": "2"}, content_type="application/json")
    assert changed.json()["version"] == 2 and changed.json()["hours"] == "2.0" or changed.json()["hours"] == 2.0
    bad = client.post("/api/v1/courses/", {**body, "code": "KC10", "method": "lecturing"},
                      content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("教学方法：应为 讲授式")
