"""The class pages as users meet them: the list, creating a class, the timetable editor with its live checks,
adding trainees; and who sees what (a role × endpoint matrix)."""

import re

import pytest

from ganxun.classes.importers import import_classes, import_enrolments, import_sessions
from ganxun.classes.models import ClassSession, Enrolment, TrainingClass
from tests.classes.conftest import CLASS_COLUMNS, ENROLMENT_COLUMNS, SESSION_COLUMNS, class_row, table, timetable


@pytest.fixture
def as_user(client, world):
    def login(persona):
        client.force_login(world.users[persona])
        return client
    return login


@pytest.fixture
def city_class(world, schools):
    """BC1 at the city's party school, organised by the city's department, with a 40-hour timetable."""
    city = world.users["city"]
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()]))
    import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable()))
    return TrainingClass.objects.get(code="BC1")


def text(response) -> str:
    return response.content.decode()


def test_creating_a_class_in_the_form_opens_it_for_its_timetable(as_user, world, schools):
    client = as_user("city")
    page = client.get("/classes/new/")
    assert page.status_code == 200 and "示例市委组织部" in text(page)
    response = client.post("/classes/new/", {
        "code": "BC9", "name": "2021年春季学期科级干部培训班", "kind": "core", "organiser": "4199ZZB",
        "institution": "DX4199", "start_date": "2021-03-01", "end_date": "2021-03-05", "full_time": "on",
        "quota": "2", "completion_threshold": "90", "content_category": "theory"})
    assert response.status_code == 302 and response["Location"] == "/classes/BC9/"
    tc = TrainingClass.objects.get(code="BC9")
    assert tc.organiser == world.orgs["city_dept"] and tc.quota == 2 and str(tc.completion_threshold) == "0.900"
    detail = text(client.get("/classes/BC9/"))
    assert "课表中还没有课程" in detail and "课表检查" in detail


def test_a_bad_form_says_which_field_and_writes_nothing(as_user, schools):
    client = as_user("city")
    response = client.post("/classes/new/", {
        "code": "BC9", "name": "某班", "kind": "core", "organiser": "4199ZZB", "institution": "DX4199",
        "start_date": "2021-03-05", "end_date": "2021-03-01", "completion_threshold": "90"})
    assert response.status_code == 200
    assert 'data-testid="field-error-end_date"' in text(response) and "不能早于开始日期" in text(response)
    assert not TrainingClass.objects.exists()


def check_of(html: str, code: str) -> str:
    return re.search(rf'data-testid="check-{code}" data-verdict="(\w+)"', html).group(1)


def test_the_checks_follow_the_timetable_as_it_is_edited(as_user, city_class):
    client = as_user("city")
    html = text(client.get("/classes/BC1/?plan=henan-2019-2022"))
    assert check_of(html, "class_theory_party_share") == "met"        # 40 of 40 hours
    assert check_of(html, "class_leader_teaching_share") == "met"     # 8 of 40 hours
    # a 4-hour professional session: the theory share is still above 70%, the leader share falls below 20%
    htmx = {"HTTP_HX_REQUEST": "true"}
    slot = {"date": "2021-03-10", "slot": "上午", "course_name": "数字政府建设", "teacher_name": "周处长",
            "teacher_kind": "expert", "content_category": "professional", "method": "lecture", "hours": "4",
            "plan": "henan-2019-2022"}
    fragment = text(client.post("/classes/BC1/sessions/", slot, **htmx))
    assert 'id="gx-timetable"' in fragment and "数字政府建设" in fragment
    assert check_of(fragment, "class_leader_teaching_share") == "unmet"
    assert "领导干部讲授的课程" in fragment and "把约 0.8 学时" in fragment
    # fix it: the new slot is taught by a leader
    session = ClassSession.objects.get(course_name="数字政府建设")
    fixed = text(client.post("/classes/BC1/sessions/", {**slot, "teacher_kind": "leader",
                                                       "session_id": str(session.pk)}, **htmx))
    assert check_of(fixed, "class_leader_teaching_share") == "met"
    assert ClassSession.objects.filter(training_class=city_class).count() == 11
    # a clash is refused with the slot named, and nothing changes
    clash = text(client.post("/classes/BC1/sessions/", {**slot, "course_name": "另一门"}, **htmx))
    assert "已经安排了课程" in clash and not ClassSession.objects.filter(course_name="另一门").exists()
    # deleting re-checks too
    gone = text(client.post(f"/classes/BC1/sessions/{session.pk}/delete/?plan=henan-2019-2022", **htmx))
    assert "数字政府建设" not in gone and check_of(gone, "class_leader_teaching_share") == "met"


def test_the_checks_use_the_plan_chosen(as_user, world, schools):
    # a county party school's core class: the province's plan has no theory-share rule for it, the city's has
    city = world.users["dc"]
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row("BC2", 主办单位编码="419901ZZB",
                                                                           承办机构编码="DX419901")]))
    import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable("BC2", theory=5, party=1, other=4)))
    client = as_user("dc")
    henan = text(client.get("/classes/BC2/checks/?plan=henan-2019-2022"))
    assert check_of(henan, "class_theory_party_share") == "not_applicable"
    xuchang = text(client.get("/classes/BC2/checks/?plan=xuchang-2019-2022"))
    assert check_of(xuchang, "class_theory_party_share") == "unmet"


def test_adding_trainees_from_the_registry_fills_the_quota_then_the_waitlist(as_user, world, city_class):
    city_class.quota = 1
    city_class.save()
    client = as_user("city")
    found = text(client.get("/classes/BC1/?tab=trainees&q=C-DC-1"))
    assert "王磊" in found
    client.post("/classes/BC1/enrol/", {"person": ["C-DC-1", "C-CITY-2"]})
    statuses = dict(Enrolment.objects.values_list("cadre__person_code", "status"))
    assert sorted(statuses.values()) == ["enrolled", "waitlisted"]
    # another city's cadre cannot be picked, even by a forged form
    client.post("/classes/BC1/enrol/", {"person": ["C-OTHER-1"]})
    assert not Enrolment.objects.filter(cadre__person_code="C-OTHER-1").exists()
    roster = text(client.get("/classes/BC1/?tab=trainees"))
    assert world.cadres["dc1"].id_number not in roster and "候补" in roster


def test_the_institution_enrols_by_code_and_name(as_user, world, city_class):
    client = as_user("institution")
    client.post("/classes/BC1/enrol/", {"person_code": "C-DC-1", "name": "王小磊"})
    assert not Enrolment.objects.exists()
    client.post("/classes/BC1/enrol/", {"person_code": "C-DC-1", "name": "王磊"})
    assert Enrolment.objects.filter(cadre=world.cadres["dc1"], status="enrolled").exists()


# ---- who sees what ------------------------------------------------------------------------------------------

READ = ["/classes/BC1/", "/classes/BC1/?tab=trainees", "/classes/BC1/?tab=history", "/classes/BC1/checks/",
        "/classes/BC1/roster.xlsx", "/classes/BC1/timetable.xlsx", "/api/v1/classes/BC1", "/api/v1/classes/BC1/sessions",
        "/api/v1/classes/BC1/enrolments", "/api/v1/classes/BC1/compliance?plan=henan-2019-2022"]
# the organiser's department and above, the host institution, the city's leader; the county and the unit (dc_hr)
# whose cadre 王磊 is a trainee. Another city and a cadre not in the class see nothing.
SEES = {"admin", "province", "city", "leader", "institution", "dc", "dc_hr"}
HIDDEN = {"other", "cadre"}


@pytest.fixture
def with_dc_trainee(world, city_class):
    import_enrolments(acting_user=world.users["city"], table=table(ENROLMENT_COLUMNS, [
        ["BC1", "C-DC-1", "", "王磊", ""]]))
    return city_class


@pytest.mark.parametrize("persona", sorted(SEES | HIDDEN))
def test_every_class_endpoint_answers_within_scope_and_404_outside(as_user, persona, with_dc_trainee):
    client = as_user(persona)
    for url in READ:
        status = client.get(url).status_code
        assert status == (200 if persona in SEES else 404), (persona, url, status)
    listed = text(client.get("/classes/"))
    assert ('data-class="BC1"' in listed) == (persona in SEES)
    api = client.get("/api/v1/classes/").json()
    assert [c["code"] for c in api["items"]] == (["BC1"] if persona in SEES else [])


def test_a_unit_sees_only_its_own_trainees_of_another_organisers_class(as_user, world, with_dc_trainee):
    import_enrolments(acting_user=world.users["city"], table=table(ENROLMENT_COLUMNS, [
        ["BC1", "C-CITY-2", "", "李秀英", ""]]))
    client = as_user("dc")
    people = [e["person_code"] for e in client.get("/api/v1/classes/BC1/enrolments").json()]
    assert people == ["C-DC-1"]
    city = [e["person_code"] for e in as_user("city").get("/api/v1/classes/BC1/enrolments").json()]
    assert sorted(city) == ["C-CITY-2", "C-DC-1"]


@pytest.mark.parametrize("persona", ["leader", "dc", "province_not_writer"])
def test_readers_cannot_change_the_class(as_user, world, persona, with_dc_trainee):
    persona = "leader" if persona == "province_not_writer" else persona
    client = as_user(persona)
    assert client.get("/classes/BC1/edit/").status_code == 404
    client.post("/classes/BC1/sessions/", {"date": "2021-03-10", "slot": "上午", "course_name": "偷偷加课",
                                           "content_category": "theory", "method": "lecture", "hours": "2"})
    assert not ClassSession.objects.filter(course_name="偷偷加课").exists()
    client.post("/classes/BC1/trainees/", {"enrolment": [str(Enrolment.objects.get().pk)], "action": "cancel"})
    assert Enrolment.objects.get().status == "enrolled"


def test_a_slot_naming_a_library_course_and_teacher_links_them(as_user, world, city_class, schools):
    from decimal import Decimal

    from ganxun.resources.models import Course, Teacher

    teacher = Teacher.objects.create(code="T1", name="周副市长", kind="leader", institution=schools["city"],
                                     status="active")
    course = Course.objects.create(code="K1", name="优化营商环境", category="professional", method="seminar",
                                   hours=Decimal("3"), institution=schools["city"])
    client = as_user("institution")
    html = client.get("/classes/BC1/").content.decode()
    assert 'data-category="professional"' in html and 'data-kind="leader"' in html   # the pickers' options
    client.post("/classes/BC1/sessions/", {"date": "2021-03-12", "slot": "上午", "course_name": "优化营商环境",
                                           "teacher_name": "周副市长", "content_category": "professional",
                                           "method": "seminar", "hours": "3"})
    session = ClassSession.objects.get(course_name="优化营商环境")
    assert session.course == course and session.teacher == teacher and session.teacher_kind == "leader"


def test_the_printable_timetable_is_a_pdf_with_the_chinese_font(as_user, city_class, tmp_path):
    import subprocess

    from tests.archive.test_archive_pdf import embedded_fonts, poppler

    response = as_user("leader").get("/classes/BC1/timetable.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "课表.pdf"
    path.write_bytes(response.content)
    fonts = embedded_fonts(response.content)
    assert fonts and all(fonts.values()) and any("Noto" in name for name in fonts)   # every font embedded
    text_out = subprocess.run([poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "2021年春季县处级干部进修班" in text_out and "课程10" in text_out and "共 10 节，40 学时" in text_out
    assert as_user("other").get("/classes/BC1/timetable.pdf").status_code == 404


def test_the_list_pages_in_date_order_and_shows_the_scope_only(as_user, world, schools):
    # 23 classes of the city's department, and one of another city's (out of the county's and city's scope)
    city = world.users["city"]
    rows = [class_row(f"BC{n:02d}", 开始日期=f"2021-{1 + n // 2:02d}-{1 + n % 2 * 10:02d}",
                      结束日期=f"2021-{1 + n // 2:02d}-{5 + n % 2 * 10:02d}") for n in range(23)]
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, rows))
    import_classes(acting_user=world.users["other"], table=table(CLASS_COLUMNS, [class_row(
        "OTHER1", 主办单位编码=world.orgs["other_dept"].code, 承办机构编码="")]))
    client = as_user("city")
    first, second = client.get("/classes/"), client.get("/classes/?page=2")
    codes = [c["c"].code for c in first.context["rows"]] + [c["c"].code for c in second.context["rows"]]
    assert codes == [f"BC{n:02d}" for n in reversed(range(23))]   # the latest first, 20 then 3
    assert len(first.context["rows"]) == 20 and first.context["page"].paginator.count == 23
    assert "OTHER1" not in text(first) + text(second)
    # a page past the end shows the last one; the other city's department sees its own class only
    assert [c["c"].code for c in client.get("/classes/?page=99").context["rows"]] == codes[20:]
    other = as_user("other").get("/classes/")
    assert [c["c"].code for c in other.context["rows"]] == ["OTHER1"]
