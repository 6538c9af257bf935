"""The teachers' library: registration, 入库 and 出库 with date and reason, the link to a cadre record, every
write audited and every refusal a Chinese message naming the field."""

from datetime import date

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.resources.models import Teacher, TeacherStatus
from ganxun.resources.teacher_services import teacher_admit, teacher_create, teacher_exit, teacher_update


def _new(user, **values):
    return teacher_create(acting_user=user, values={"code": "JS001", "name": "王明", "kind": "part_time",
                                                    "institution_code": "DX4199", **values})


def test_institution_staff_register_a_teacher_in_their_own_library_audited(world, institutions):
    # when
    teacher = _new(world.users["institution"], institution_code="", title="副教授", subjects="党史、党建")
    # then
    assert teacher.institution.code == "DX4199" and teacher.status == TeacherStatus.PENDING
    assert teacher.title.label == "副教授"
    event = AuditEvent.objects.get(event_type="teacher_created")
    assert event.subject_code == "JS001" and event.extra["after"]["institution"] == "DX4199"


def test_institution_staff_cannot_write_another_library(world, institutions):
    with pytest.raises(DomainError) as exc:
        _new(world.users["institution"], institution_code="DX419901")
    assert "只能维护本机构" in exc.value.message and "institution" in exc.value.extra["fields"]
    assert not Teacher.objects.exists()


def test_county_admin_cannot_write_the_city_school_library(world, institutions):
    with pytest.raises(DomainError) as exc:
        _new(world.users["dc"])
    assert "DX4199" in exc.value.message and "您不能在其中新增或修改" in exc.value.message


@pytest.mark.parametrize("persona", ["leader", "dc_hr", "cadre"])
def test_readers_cannot_register_teachers(world, institutions, persona):
    with pytest.raises(PermissionDenied):
        _new(world.users[persona])


def test_both_or_neither_library_is_refused(world, institutions):
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], owner_org_code="4199JYJ")
    assert "只能填一个" in exc.value.message
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], institution_code="")
    assert "须填一个" in exc.value.message


def test_an_unknown_title_names_the_active_choices(world, institutions):
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], title="院士")
    assert exc.value.message.startswith("职称：「院士」不是启用的职称") and "教授" in exc.value.message


def test_admission_then_exit_with_date_and_reason_each_audited(world, institutions):
    # given
    admin = world.users["city"]
    _new(admin)
    # when
    teacher_admit(acting_user=admin, code="JS001", on=date(2024, 3, 1), reason="经党校校委会审定")
    teacher = teacher_exit(acting_user=admin, code="JS001", on=date(2025, 6, 30), reason="工作调动")
    # then
    assert teacher.status == TeacherStatus.EXITED and teacher.exited_on == date(2025, 6, 30)
    assert teacher.admitted_on == date(2024, 3, 1) and teacher.exit_reason == "工作调动"
    admit, leave = AuditEvent.objects.filter(event_type="teacher_updated").order_by("id")
    assert admit.extra["action"] == "admit" and admit.extra["after"]["status"] == "active"
    assert leave.extra["action"] == "exit" and leave.reason == "工作调动"
    assert leave.extra["after"]["exited_on"] == "2025-06-30"


def test_exit_needs_a_reason_an_admitted_teacher_and_a_date_after_admission(world, institutions):
    admin = world.users["city"]
    _new(admin)
    with pytest.raises(DomainError) as exc:
        teacher_exit(acting_user=admin, code="JS001", reason="退休")
    assert "只有在库的教师可以出库" in exc.value.message
    teacher_admit(acting_user=admin, code="JS001", on=date(2024, 3, 1))
    with pytest.raises(DomainError) as exc:
        teacher_exit(acting_user=admin, code="JS001", reason="")
    assert exc.value.message == "请填写出库原因"
    with pytest.raises(DomainError) as exc:
        teacher_exit(acting_user=admin, code="JS001", reason="退休", on=date(2024, 1, 1))
    assert "不能早于入库日期 2024-03-01" in exc.value.message
    with pytest.raises(DomainError):
        teacher_admit(acting_user=admin, code="JS001")


def test_a_leader_teacher_links_to_a_cadre_inside_the_scope_only(world, institutions):
    admin = world.users["city"]
    teacher = _new(admin, kind="leader", person_code="C-DC-1")
    assert teacher.cadre == world.cadres["dc1"]
    with pytest.raises(DomainError) as exc:
        teacher_update(acting_user=admin, code="JS001", values={"person_code": "C-OTHER-1"})
    assert exc.value.message == "人员编码：人员编码 C-OTHER-1 不存在或不在您的管理范围内"
    with pytest.raises(DomainError) as exc:
        teacher_update(acting_user=admin, code="JS001", values={"kind": "expert"})
    assert "只有「领导干部」「退休干部」类型的教师可以关联干部档案" in exc.value.message


def test_a_part_time_teacher_cannot_be_linked_to_a_cadre(world, institutions):
    with pytest.raises(DomainError) as exc:
        _new(world.users["city"], person_code="C-DC-1")
    assert "cadre" in exc.value.extra["fields"]


def test_an_update_that_changes_nothing_writes_nothing(world, institutions):
    admin = world.users["city"]
    _new(admin, subjects="党史")
    teacher_update(acting_user=admin, code="JS001", values={"name": "王明", "subjects": "党史"})
    assert not AuditEvent.objects.filter(event_type="teacher_updated").exists()
    teacher_update(acting_user=admin, code="JS001", values={"subjects": "党史、乡村振兴"}, reason="补充")
    event = AuditEvent.objects.get(event_type="teacher_updated")
    assert event.extra == {"before": {"subjects": "党史"}, "after": {"subjects": "党史、乡村振兴"}}


def test_the_teacher_page_admits_exits_and_shows_no_fake_evaluation(client, world, institutions):
    client.force_login(world.users["city"])
    response = client.post("/resources/teachers/new/", {"code": "JS009", "name": "李华", "kind": "expert",
                                                        "institution_code": "DX4199", "owner_org_code": ""})
    assert response.status_code == 302
    assert client.post("/resources/teachers/JS009/admit/", {"on": "2024-05-01", "reason": ""}).status_code == 302
    html = client.get("/resources/teachers/JS009/").content.decode()
    assert "在库" in html and "教学质量评估" in html and 'data-testid="teacher-exit"' in html
    refused = client.post("/resources/teachers/JS009/exit/", {"on": "2024-06-01", "reason": ""})
    assert refused.status_code == 200 and "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    assert Teacher.objects.get(code="JS009").status == TeacherStatus.ACTIVE
    history = client.get("/resources/teachers/JS009/?tab=history").content.decode()
    assert "入库" in history and "新增师资" in history


def test_form_errors_name_the_field(client, world, institutions):
    client.force_login(world.users["city"])
    response = client.post("/resources/teachers/new/", {"code": "JS 1", "name": "李华", "kind": "expert",
                                                        "institution_code": "DX4198"})
    html = response.content.decode()
    assert response.status_code == 200 and "不能包含空格" in html and "DX4198 不存在或不在您的管理范围内" in html
    assert not Teacher.objects.exists()
