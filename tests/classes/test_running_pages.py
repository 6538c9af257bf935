"""The running pages: every tab renders for those who see the class, marks and decisions go through, the phone's
sign-in page, the closing page, and the grid shows what the trainees' departments may see."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from ganxun.classes.models import Attendance, ClassSession, LeaveRequest, TrainingClass
from ganxun.classes.running import signin_token_for
from tests.classes.conftest import AFTER, file_documents, mark_all


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "city", "institution", "dc", "dc_hr", "leader"])
def test_every_tab_renders_for_whoever_sees_the_class(client, world, running, persona):
    client.force_login(world.users[persona])
    for tab in ("timetable", "trainees", "attendance", "leave", "assessment", "closing", "history"):
        response = client.get(f"/classes/BC1/?tab={tab}")
        assert response.status_code == 200, (persona, tab)


def test_the_grid_shows_a_unit_only_its_own_trainees(client, world, running):
    tc, t = running
    mark_all(world.users["city"], tc, t["C-DC-1"], "absent")
    client.force_login(world.users["dc_hr"])
    html = text(client.get("/classes/BC1/?tab=attendance"))
    assert 'data-trainee="C-DC-1"' in html and 'data-trainee="C-CITY-1"' not in html
    assert "1 名学员已无法达到结业到课率" in html
    trainees = text(client.get("/classes/BC1/?tab=trainees"))
    assert "无法达到 90%" in trainees
    # a unit cannot open the closing documents (the sign-in sheet lists everyone)
    assert 'data-testid="tab-closing"' not in trainees


def test_roll_call_marks_a_slot_in_one_go(client, world, running):
    tc, t = running
    session = tc.sessions.order_by("date", "slot_order").first()
    client.force_login(world.users["institution"])
    page = text(client.get(f"/classes/BC1/sessions/{session.pk}/roll-call/"))
    assert "默认全部“出勤”" in page
    data = {f"m{e.pk}": "present" for e in t.values()}
    data[f"m{t['C-DC-1'].pk}"] = "late"
    client.post(f"/classes/BC1/sessions/{session.pk}/roll-call/", data)
    assert dict(Attendance.objects.values_list("enrolment__cadre__person_code", "status")) == {
        "C-CITY-1": "present", "C-DC-1": "late", "C-CITY-2": "present"}
    client.force_login(world.users["dc"])
    assert client.get(f"/classes/BC1/sessions/{session.pk}/roll-call/").status_code == 404


def test_the_classroom_qr_and_the_phone_sign_in(client, world, running, django_user_model, monkeypatch):
    tc, t = running
    session = tc.sessions.order_by("date", "slot_order").first()
    client.force_login(world.users["institution"])
    screen = text(client.get(f"/classes/BC1/sessions/{session.pk}/qr/"))
    token = ClassSession.objects.get(pk=session.pk).signin_token
    assert "<svg" in screen and f"/classes/signin/{token}/" in screen
    trainee = django_user_model.objects.create(username="wanglei", role="cadre", person=world.cadres["dc1"])
    client.force_login(trainee)
    tz = timezone.get_current_timezone()
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(datetime.combine(session.date, time(8, 40)), tz))
    page = client.get(f"/classes/signin/{token}/")
    assert page.status_code == 200 and "签到" in text(page)
    done = client.post(f"/classes/signin/{token}/")
    assert "签到成功" in text(done) and Attendance.objects.get().method == "qr"
    client.force_login(world.users["cadre"])        # 赵婷: not a trainee of BC1
    refused = client.post(f"/classes/signin/{token}/")
    assert refused.status_code == 400 and "不是" in text(refused)
    assert client.get("/classes/signin/bogus/").status_code == 404
    assert signin_token_for(acting_user=world.users["institution"], class_code="BC1", session_id=session.pk) == token


def test_leave_is_asked_by_the_unit_and_decided_by_the_class(client, world, running):
    tc, t = running
    session = tc.sessions.order_by("date", "slot_order").first()
    client.force_login(world.users["dc_hr"])
    client.post("/classes/BC1/leave/", {"enrolment": t["C-DC-1"].pk, "session": [session.pk], "reason": "防汛值班"})
    request = LeaveRequest.objects.get()
    # the unit cannot decide it
    client.post(f"/classes/BC1/leave/{request.pk}/", {"approve": "1"})
    assert LeaveRequest.objects.get().status == "pending"
    client.force_login(world.users["institution"])
    assert "防汛值班" in text(client.get("/classes/BC1/?tab=leave"))
    client.post(f"/classes/BC1/leave/{request.pk}/", {"approve": "1", "note": "同意"})
    assert LeaveRequest.objects.get().status == "approved"
    assert Attendance.objects.get(session=session).status == "leave"


def test_closing_from_the_page(client, world, running):
    tc, t = running
    staff = world.users["institution"]
    for e in t.values():
        mark_all(staff, tc, e)
    client.force_login(staff)
    html = text(client.get("/classes/BC1/?tab=closing"))
    assert "缺少材料" in html and 'data-testid="close-class"' not in html
    file_documents(staff, tc)
    client.post("/classes/BC1/assessments/", {"enrolment": [str(e.pk) for e in t.values()],
                                              **{f"analysis{e.pk}": "on" for e in t.values()}})
    monkey_today = TrainingClass.objects.get(code="BC1").end_date
    assert monkey_today < date.today()
    response = client.post("/classes/BC1/close/")
    assert response.status_code == 302
    closed = text(client.get("/classes/BC1/?tab=closing"))
    assert "已于" in closed and "结业 3 人" in closed and "BC1-0003" in closed
    reopened = client.post("/classes/BC1/reopen/", {"reason": "材料需补正"})
    assert reopened.status_code == 302 and not TrainingClass.objects.get(code="BC1").is_closed
    assert AFTER


def test_the_institutions_home_is_its_classes_work(client, world, running):
    from ganxun.classes.importers import import_classes, import_sessions
    from tests.classes.conftest import CLASS_COLUMNS, SESSION_COLUMNS, class_row, table, timetable

    today = date.today()
    staff = world.users["institution"]
    import_classes(acting_user=staff, table=table(CLASS_COLUMNS, [class_row(
        "BC-NOW", 班次名称="本周在办的进修班", 开始日期=today.isoformat(), 结束日期=today.isoformat())]))
    import_sessions(acting_user=staff, table=table(SESSION_COLUMNS, timetable("BC-NOW", start=today, theory=2, party=0,
                                                                               analysis=False)))
    client.force_login(staff)
    html = text(client.get("/"))
    today_panel = html[html.index('data-testid="home-today"'):html.index('data-testid="home-running"')]
    assert "本周在办的进修班" in today_panel and "课程1" in today_panel and "0 / 0" in today_panel
    to_close = html[html.index('data-testid="home-to-close"'):html.index('data-testid="home-upcoming"')]
    assert "2021年春季县处级干部进修班" in to_close and "缺培训方案、开班议程、签到表、最终课表" in to_close


@pytest.mark.parametrize("persona", ["other", "cadre"])
def test_every_running_endpoint_is_404_outside_the_scope(client, world, running, persona):
    tc, t = running
    session = tc.sessions.first()
    enrolment = next(iter(t.values()))
    client.force_login(world.users[persona])
    gets = [f"/classes/BC1/sessions/{session.pk}/roll-call/", f"/classes/BC1/sessions/{session.pk}/qr/",
            "/classes/BC1/?tab=attendance", "/classes/BC1/?tab=closing", "/classes/year/?institution=DX4199"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {"/classes/BC1/attendance/": {"enrolment": enrolment.pk, "status": "present"},
             "/classes/BC1/leave/": {"enrolment": enrolment.pk, "session": session.pk, "reason": "x"},
             "/classes/BC1/assessments/": {"enrolment": enrolment.pk}, "/classes/BC1/close/": {},
             "/classes/BC1/reopen/": {"reason": "x"}, "/classes/BC1/revoke/": {"enrolment": enrolment.pk, "reason": "x"},
             "/classes/BC1/observations/": {"enrolment": enrolment.pk, "text": "x"}}
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert not Attendance.objects.exists() and not LeaveRequest.objects.exists()


def test_the_attendance_export_carries_each_slots_hours_for_the_trainees_the_user_sees(client, world, running):
    from openpyxl import load_workbook
    import io

    tc, t = running
    mark_all(world.users["city"], tc, t["C-DC-1"], skip=1)
    client.force_login(world.users["dc_hr"])
    response = client.get("/classes/BC1/attendance.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][4] == "03-01 上午 课程1（4学时）" and rows[0][-1] == "到课率"
    assert [r[1] for r in rows[1:]] == ["C-DC-1"]          # the unit's own trainee only
    assert rows[1][4] is None and rows[1][5] == "出勤" and rows[1][-4] == 36.0
