from playwright.sync_api import expect

from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.resources.course_services import course_create, course_update
from ganxun.resources.teacher_services import teacher_admit, teacher_create
from tests.e2e.conftest import login, shot
from tests.factories import add_institution


def test_city_admin_adds_a_teacher_in_the_dialog_and_reads_a_versioned_course(page, e2e_world):
    # given the city party school with a teacher and a course edited once
    add_institution("DX4199", "中共示例市委党校", "party_school", level="city", owner=e2e_world.orgs["city_dept"])
    teacher_create(acting_user=UNSCOPED_OPERATOR, values={"code": "JS001", "name": "王建华", "kind": "full_time",
                                                          "institution_code": "DX4199", "title": "教授",
                                                          "subjects": "党史、党的建设"})
    teacher_admit(acting_user=UNSCOPED_OPERATOR, code="JS001")
    course_create(acting_user=UNSCOPED_OPERATOR, values={"code": "KC001", "name": "新时代党的建设总要求",
                                                         "category": "theory", "method": "lecture", "hours": "3",
                                                         "teachers": "JS001", "institution_code": "DX4199"})
    course_update(acting_user=UNSCOPED_OPERATOR, code="KC001", reason="按新版教材修订",
                  values={"method": "seminar", "hours": "3.5"})
    # when the city admin opens 培训资源 → 师资库 and adds a teacher
    login(page, "city_admin")
    page.get_by_role("link", name="师资库").click()
    expect(page.get_by_test_id("teacher-table")).to_contain_text("王建华")
    page.get_by_test_id("teacher-new").click()
    dialog = page.locator("#gx-modal")
    expect(dialog).to_be_visible()
    dialog.locator("#id_code").fill("JS002")
    dialog.locator("#id_name").fill("李红梅")
    dialog.locator("#id_kind").select_option("leader")
    dialog.locator("#id_title").select_option(label="副教授")
    dialog.locator("#id_institution_code").fill("DX4199")
    dialog.locator("#id_owner_org_code").fill("")
    dialog.locator("#id_person_code").fill("C-CITY-1")
    dialog.get_by_role("button", name="确定").click()
    # then its page shows the linked cadre record and the evaluation section waiting for the quality module
    expect(page.get_by_test_id("teacher-name")).to_contain_text("李红梅")
    expect(page.get_by_test_id("teacher-fields")).to_contain_text("张建国（人员编码 C-CITY-1）")
    expect(page.get_by_test_id("teacher-evaluation")).to_contain_text("教学质量评估")
    shot(page, "teacher_detail")
    page.goto("/resources/teachers/")
    expect(page.get_by_test_id("teacher-table")).not_to_contain_text("wrap")
    shot(page, "teachers_list")
    # and the course shows both versions
    page.goto("/resources/courses/KC001/")
    expect(page.get_by_test_id("course-versions")).to_contain_text("第 2 版（现行）")
    expect(page.get_by_test_id("course-versions")).to_contain_text("第 1 版")
    shot(page, "course_detail")
    page.goto("/resources/dictionary/?domain=teacher_title")
    expect(page.get_by_test_id("dictionary-table")).to_contain_text("高级讲师")
    shot(page, "dictionary")
