from playwright.sync_api import expect

from tests.e2e.conftest import login, shot, swapped
from tests.factories import add_institution


def test_a_class_from_creation_to_the_hours_in_the_trainees_archive(page, e2e_world, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # given the city's party school and its staff account
    add_institution("DX4199", "中共示例市委党校", "party_school", level="city", owner=e2e_world.orgs["city_dept"])
    login(page, "school_staff")
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="培训班次").click()
    expect(page.get_by_test_id("class-empty")).to_contain_text("还没有班次")
    # when they create a 5-day core class commissioned by the city's department
    page.get_by_test_id("class-new").click()
    page.fill("#id_code", "BC2021001")
    page.fill("#id_name", "2021年春季学期科级干部进修班")
    page.select_option("#id_organiser", "4199ZZB")
    page.fill("#id_start_date", "2021-03-01")
    page.fill("#id_end_date", "2021-03-05")
    page.fill("#id_quota", "1")
    page.get_by_test_id("class-save").click()
    expect(page.get_by_test_id("class-name")).to_contain_text("2021年春季学期科级干部进修班")
    expect(page.get_by_test_id("timetable-empty")).to_be_visible()
    with swapped(page, "#gx-timetable"):
        page.select_option("#check-plan", "henan-2019-2022")
    checks = page.get_by_test_id("checks")
    expect(checks.get_by_test_id("check-class_theory_party_share")).to_have_attribute("data-verdict", "unmet")

    def add(day, slot, course, category, hours, teacher_kind="full_time", method="lecture"):
        form = page.get_by_test_id("session-form")
        form.locator("#id_date").fill(day)
        form.locator("#id_slot").fill(slot)
        form.locator("#id_course_name").fill(course)
        form.locator("#id_hours").fill(str(hours))
        form.locator("#id_teacher_kind").select_option(teacher_kind)
        form.locator("#id_content_category").select_option(category)
        form.locator("#id_method").select_option(method)
        with swapped(page, "#gx-timetable"):
            form.get_by_test_id("session-save").click()
        expect(page.get_by_test_id("timetable-table")).to_contain_text(course)

    # they build a timetable: theory, party spirit, and too much professional training
    add("2021-03-01", "上午", "习近平新时代中国特色社会主义思想概论", "theory", 4, "leader", "lecture")
    add("2021-03-01", "下午", "党章党规党纪专题", "party_spirit", 4, "full_time", "seminar")
    add("2021-03-02", "上午", "数字政府建设", "professional", 4, "expert", "case")
    add("2021-03-02", "下午", "应急管理能力", "professional", 4, "expert", "lecture")
    # then the theory share check fails and says what to change
    theory = checks.get_by_test_id("check-class_theory_party_share")
    expect(theory).to_have_attribute("data-verdict", "unmet")
    expect(checks.get_by_test_id("advice-class_theory_party_share")).to_contain_text("把约 3.2 学时的其他课程换成")
    shot(page, "class_timetable_failing")
    # when they turn one professional session into a party-spirit one
    page.get_by_test_id("timetable-table").locator("tr", has_text="应急管理能力").get_by_text("修改").click()
    form = page.get_by_test_id("session-form")
    expect(form).to_contain_text("修改这节课")
    form.locator("#id_course_name").fill("红色教育现场教学")
    form.locator("#id_content_category").select_option("party_spirit")
    form.get_by_test_id("session-save").click()
    # then the check passes (12 of 16 hours = 75%)
    expect(theory).to_have_attribute("data-verdict", "met")
    expect(page.get_by_test_id("timetable-total")).to_contain_text("共 4 节，16 学时")
    expect(page.get_by_test_id("class-hours")).to_have_text("16")
    shot(page, "class_timetable_passing")
    # when they enrol two trainees into the one place, by code and name
    page.get_by_test_id("tab-trainees").click()
    for code, name in (("C-DC-1", "王磊"), ("C-CITY-2", "李秀英")):
        page.fill("#e-code", code)
        page.fill("#e-name", name)
        page.get_by_test_id("enrol-by-code").get_by_role("button", name="报名", exact=True).click()
    table = page.get_by_test_id("trainee-table")
    expect(table.locator("tr", has_text="王磊")).to_contain_text("在读")
    expect(table.locator("tr", has_text="李秀英")).to_contain_text("候补")
    expect(page.get_by_test_id("taken")).to_have_text("1")
    shot(page, "class_trainees")
    # when attendance is marked: 王磊 at every slot, by bulk marking on the grid
    page.get_by_test_id("tab-attendance").click()
    grid = page.get_by_test_id("attendance-grid")
    grid.locator('tr[data-trainee="C-DC-1"] input[type=checkbox]').check()
    page.select_option("#b-session", "all")
    page.select_option("#b-status", "present")
    page.get_by_test_id("bulk-mark").click()
    expect(grid.locator('tr[data-trainee="C-DC-1"]').get_by_test_id("rate")).to_contain_text("100%")
    shot(page, "class_attendance")
    # and the four closing documents are filed (late, so each with its note)
    page.get_by_test_id("tab-closing").click()
    expect(page.get_by_test_id("close-problems")).to_contain_text("缺少材料")
    for kind in ("plan", "agenda", "signin", "timetable"):
        row = page.get_by_test_id("documents").locator(f'tr[data-document="{kind}"]')
        row.locator("input[type=file]").set_input_files(files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf",
                                                                "buffer": b"%PDF-1.4 test"}])
        row.locator('input[name="late_note"]').fill("系统上线前举办的班次，补录材料")
        row.get_by_role("button", name="上传").click()
        expect(page.get_by_test_id("documents").locator(f'tr[data-document="{kind}"]')).to_contain_text(f"{kind}.pdf")
    expect(page.get_by_test_id("completion-preview").locator('tr[data-trainee="C-DC-1"]')).to_contain_text("可结业")
    shot(page, "class_closing")
    # then the class closes
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("close-class").click()
    expect(page.get_by_test_id("closed-note")).to_contain_text("结业 1 人")
    expect(page.get_by_test_id("certificates")).to_contain_text("BC2021001-0001")
    shot(page, "class_closed")
    # and the hours are in the trainee's archive, for the county's department to see
    page.get_by_role("button", name="退出").click()
    login(page, "dc_admin")
    page.goto("/archive/C-DC-1/?plan=henan-2019-2022&as_of=2021-12-31")
    records = page.get_by_test_id("records-table")
    expect(records).to_contain_text("2021年春季学期科级干部进修班")
    expect(records).to_contain_text("16")
    shot(page, "class_in_archive")


def test_a_trainee_signs_in_on_a_phone_with_the_classroom_qr_code(browser, live_server, e2e_world, page):
    from datetime import time
    from decimal import Decimal

    from django.utils import timezone

    from ganxun.classes.models import ClassSession, Enrolment, TrainingClass
    from ganxun.resources.models import Institution

    # given a class running today at the city's party school, with a slot now, and 王磊 enrolled
    school = Institution.objects.create(code="DX4199", name="中共示例市委党校", kind="party_school", level="city",
                                        recognised=True, owner_org=e2e_world.orgs["city_dept"])
    now = timezone.localtime()
    tc = TrainingClass.objects.create(code="BC-NOW", name="本周进修班", kind="core", organiser=e2e_world.orgs["city_dept"],
                                      institution=school, start_date=now.date(), end_date=now.date())
    session = ClassSession.objects.create(training_class=tc, date=now.date(), slot="1", slot_order=11,
                                          course_name="党的创新理论", content_category="theory", hours=Decimal("3"),
                                          starts_at=time(0, 30), ends_at=time(23, 59))  # signs in all day
    Enrolment.objects.create(training_class=tc, cadre=e2e_world.cadres["dc1"])
    from tests.conftest import PASSWORD
    from ganxun.accounts.models import User

    trainee = User(username="wanglei", role="cadre", person=e2e_world.cadres["dc1"])
    trainee.set_password(PASSWORD)
    trainee.save()
    # the staff show the QR code in the classroom
    login(page, "school_staff")
    page.goto(f"/classes/{tc.code}/sessions/{session.pk}/qr/")
    expect(page.get_by_test_id("qr-screen")).to_contain_text("党的创新理论")
    url = page.get_by_test_id("qr-screen").locator(".text-break").inner_text()
    shot(page, "class_qr_screen")
    # the trainee opens it on a phone, logs in, and signs in
    phone = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    mobile = phone.new_page()
    try:
        mobile.goto(url)
        mobile.fill("#id_username", "wanglei")
        mobile.fill("#id_password", PASSWORD)
        mobile.click("button[type=submit]")
        expect(mobile.get_by_test_id("signin")).to_contain_text("本周进修班")
        mobile.get_by_test_id("signin-button").click()
        expect(mobile.get_by_test_id("signin-ok")).to_contain_text("签到成功")
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        shot(mobile, "class_signin_phone")
    finally:
        phone.close()
    page.reload()
    expect(page.get_by_test_id("signed")).to_have_text("1")
