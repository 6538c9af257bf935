"""Running a class: attendance and 到课率, QR sign-in, leave and the 1/7 rule, assessments, closing documents,
结班 with its completions and certificates, 取消结业 and 取消结班 keeping the ledger and the totals right."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from ganxun.classes.models import Attendance, Certificate, Enrolment
from ganxun.classes.running import (AssessmentRow, Mark, assessments_record, attendance_mark, class_close,
                                    class_reopen, closing_problems, document_add, leave_decide, leave_request,
                                    observation_add, qr_signin, signin_token_for)
from ganxun.classes.selectors import progress_of
from ganxun.classes.services import revoke_completion
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord
from tests.classes.conftest import AFTER, file_documents, mark_all

def test_attendance_gives_the_rate_so_far_and_warns_when_the_threshold_is_out_of_reach(world, running):
    tc, t = running
    city = world.users["city"]
    mark_all(city, tc, t["C-CITY-1"])
    sessions = list(tc.sessions.order_by("date", "slot_order"))
    # 王磊 misses the first slot (4 of 40 hours: 90% is still reachable), then a second one (no longer)
    attendance_mark(acting_user=city, class_code="BC1", marks=[Mark(t["C-DC-1"].pk, sessions[0].pk, "absent")])
    p = progress_of(tc, date(2021, 3, 1), [t["C-DC-1"].pk])[t["C-DC-1"].pk]
    assert (p.held, p.attended, p.absent) == (Decimal("8"), Decimal("0"), Decimal("4"))
    assert p.reachable == Decimal("0.9") and not p.cannot_reach
    attendance_mark(acting_user=city, class_code="BC1", marks=[Mark(t["C-DC-1"].pk, sessions[1].pk, "absent")])
    p = progress_of(tc, date(2021, 3, 1), [t["C-DC-1"].pk])[t["C-DC-1"].pk]
    assert p.cannot_reach and p.reachable == Decimal("0.8")
    # marks outside the class are refused and nothing changes
    with pytest.raises(DomainError):
        attendance_mark(acting_user=city, class_code="BC1", marks=[Mark(999999, sessions[0].pk, "present")])
    # a reader cannot mark
    with pytest.raises(PermissionDenied):
        attendance_mark(acting_user=world.users["leader"], class_code="BC1",
                        marks=[Mark(t["C-DC-1"].pk, sessions[2].pk, "present")])


def test_qr_sign_in_only_within_the_slot_and_only_for_an_enrolled_trainee(world, running, django_user_model):
    tc, t = running
    session = tc.sessions.order_by("date", "slot_order").first()      # 2021-03-01 上午 (08:30–12:00)
    token = signin_token_for(acting_user=world.users["institution"], class_code="BC1", session_id=session.pk)
    tz = timezone.get_current_timezone()
    at = (lambda h, m: timezone.make_aware(datetime.combine(session.date, time(h, m)), tz))
    trainee = django_user_model.objects.create(username="wanglei", role="cadre", person=world.cadres["dc1"])
    with pytest.raises(DomainError, match="不在签到时间内"):
        qr_signin(acting_user=trainee, token=token, now=at(7, 30))
    with pytest.raises(DomainError, match="不在签到时间内"):
        qr_signin(acting_user=trainee, token=token, now=at(12, 30))
    assert not Attendance.objects.exists()
    _, already = qr_signin(acting_user=trainee, token=token, now=at(8, 10))
    assert not already
    row = Attendance.objects.get()
    assert (row.enrolment.cadre.person_code, row.status, row.method) == ("C-DC-1", "present", "qr")
    assert qr_signin(acting_user=trainee, token=token, now=at(9, 0))[1] is True
    # someone not enrolled (赵婷, dc2's own login) is refused
    with pytest.raises(DomainError, match="不是「.*」的在读学员"):
        qr_signin(acting_user=world.users["cadre"], token=token, now=at(9, 0))
    with pytest.raises(PermissionDenied):
        qr_signin(acting_user=world.users["city"], token=token, now=at(9, 0))
    with pytest.raises(NotFound):
        qr_signin(acting_user=trainee, token="nope", now=at(9, 0))


def test_leave_beyond_a_seventh_of_the_hours_withdraws_the_trainee(world, running, django_user_model):
    tc, t = running
    sessions = list(tc.sessions.order_by("date", "slot_order"))
    trainee = django_user_model.objects.create(username="wanglei", role="cadre", person=world.cadres["dc1"])
    staff = world.users["institution"]
    # 4 hours of 40: within 1/7 (5.7 hours)
    first = leave_request(acting_user=trainee, class_code="BC1", enrolment_id=t["C-DC-1"].pk,
                          session_ids=[sessions[0].pk], reason="参加防汛值班")
    outcome = leave_decide(acting_user=staff, class_code="BC1", request_id=first.pk, approve=True)
    assert not outcome.withdrawn and Attendance.objects.get(session=sessions[0]).status == "leave"
    # another 4 hours: 8 > 40/7, withdrawn (条例 第15条)
    second = leave_request(acting_user=world.users["dc_hr"], class_code="BC1", enrolment_id=t["C-DC-1"].pk,
                           session_ids=[sessions[1].pk], reason="单位急事")
    outcome = leave_decide(acting_user=staff, class_code="BC1", request_id=second.pk, approve=True)
    assert outcome.withdrawn
    enrolment = Enrolment.objects.get(pk=t["C-DC-1"].pk)
    assert enrolment.status == "withdrawn" and "1/7" in enrolment.reason and "第十五条" in enrolment.reason
    # someone else's trainee: another city's department cannot ask leave for them
    with pytest.raises(NotFound):
        leave_request(acting_user=world.users["other"], class_code="BC1", enrolment_id=t["C-CITY-1"].pk,
                      session_ids=[sessions[0].pk], reason="x")
    with pytest.raises(PermissionDenied):
        leave_request(acting_user=trainee, class_code="BC1", enrolment_id=t["C-CITY-1"].pk,
                      session_ids=[sessions[0].pk], reason="替别人请假")


def test_closing_needs_the_documents_and_completes_those_who_meet_the_rule(world, running):
    tc, t = running
    staff = world.users["institution"]
    mark_all(staff, tc, t["C-CITY-1"])               # all 40 hours
    mark_all(staff, tc, t["C-DC-1"], skip=1)         # 36 of 40: exactly 90%
    mark_all(staff, tc, t["C-CITY-2"], skip=2)       # 32 of 40: 80%
    assessments_record(acting_user=staff, class_code="BC1", rows=[
        AssessmentRow(t["C-CITY-1"].pk, Decimal("88"), True), AssessmentRow(t["C-DC-1"].pk, None, False),
        AssessmentRow(t["C-CITY-2"].pk, Decimal("75"), True)])
    assert "缺少材料：培训方案、开班议程、签到表、最终课表" in "；".join(closing_problems(tc, AFTER))
    with pytest.raises(DomainError, match="缺少材料"):
        class_close(acting_user=staff, class_code="BC1", today=AFTER)
    # a document filed late needs its note
    with pytest.raises(DomainError, match="逾期说明"):
        document_add(acting_user=staff, class_code="BC1", kind="plan", filename="方案.pdf", content=b"x",
                     today=date(2021, 3, 5))
    file_documents(staff, tc)
    result = class_close(acting_user=staff, class_code="BC1", today=AFTER)
    # 王磊 reached 90% but did not submit the 党性分析 the timetable has; 李秀英 attended 80%
    assert [e.cadre.person_code for e in result.completed] == ["C-CITY-1"]
    reasons = {v.enrolment.cadre.person_code: v.reasons for v in result.not_completed}
    assert reasons["C-DC-1"] == ["未提交党性分析"] and reasons["C-CITY-2"] == ["到课率 80.0%，低于 90%"]
    record = LearningRecord.objects.get(cadre=world.cadres["city1"], origin="class")
    assert (record.hours, record.days) == (Decimal("40.0"), 20)
    certificate = Certificate.objects.get()
    assert certificate.number == "BC1-0001" and len(certificate.code) == 16 and certificate.name_masked == "张**"
    tc.refresh_from_db()
    assert tc.is_closed
    with pytest.raises(DomainError, match="已结班"):
        attendance_mark(acting_user=staff, class_code="BC1", marks=[Mark(t["C-DC-1"].pk, record.pk, "present")])


def test_revoking_a_completion_and_reopening_keep_the_ledger_and_the_totals_right(world, running):
    tc, t = running
    staff = world.users["institution"]
    for code in t:
        mark_all(staff, tc, t[code])
    assessments_record(acting_user=staff, class_code="BC1",
                       rows=[AssessmentRow(e.pk, None, True) for e in t.values()])
    file_documents(staff, tc)
    assert len(class_close(acting_user=staff, class_code="BC1", today=AFTER).completed) == 3
    total = (lambda cadre: CadreYearTotal.objects.get(cadre=cadre, year=2021).hours)
    assert total(world.cadres["dc1"]) == Decimal("40.0")
    # 取消结业 for one trainee: their entry is reversed, their certificate void, the others untouched
    with pytest.raises(DomainError, match="原因"):
        revoke_completion(acting_user=staff, class_code="BC1", enrolment_ids=[t["C-DC-1"].pk], reason=" ")
    revoke_completion(acting_user=staff, class_code="BC1", enrolment_ids=[t["C-DC-1"].pk], reason="学籍材料有误")
    assert total(world.cadres["dc1"]) == Decimal("0.0") and total(world.cadres["city1"]) == Decimal("40.0")
    assert Certificate.objects.filter(revoked_at__isnull=False).count() == 1
    # 取消结班: every remaining completion goes; the ledger keeps the entries and their reversals
    assert class_reopen(acting_user=staff, class_code="BC1", reason="结班时材料不全") == 2
    assert total(world.cadres["city1"]) == Decimal("0.0")
    assert LearningRecord.objects.filter(origin="class", kind=EntryKind.ENTRY).count() == 3
    assert LearningRecord.objects.filter(origin="class", kind=EntryKind.REVERSAL).count() == 3
    assert not Enrolment.objects.filter(completed=True).exists()
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 0
    # closing again completes them again, with new certificates
    class_close(acting_user=staff, class_code="BC1", today=AFTER)
    assert total(world.cadres["city1"]) == Decimal("40.0")
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 3


def test_department_staff_note_how_their_trainee_does(world, running):
    tc, t = running
    note = observation_add(acting_user=world.users["dc_hr"], class_code="BC1", enrolment_id=t["C-DC-1"].pk,
                           text="学习认真，研讨发言积极")
    assert note.author_name
    with pytest.raises(NotFound):
        observation_add(acting_user=world.users["dc_hr"], class_code="BC1", enrolment_id=t["C-CITY-1"].pk, text="x")


def test_todays_slots_count_as_held_once_marked(world, running):
    tc, t = running
    first_day = date(2021, 3, 1)
    assert progress_of(tc, first_day)[t["C-DC-1"].pk].held == 0          # the morning, nothing marked yet
    morning = tc.sessions.order_by("date", "slot_order").first()
    attendance_mark(acting_user=world.users["city"], class_code="BC1", marks=[Mark(t["C-DC-1"].pk, morning.pk, "present")])
    p = progress_of(tc, first_day)[t["C-DC-1"].pk]
    assert (p.held, p.rate) == (Decimal("4"), Decimal("1"))
    assert progress_of(tc, date(2021, 3, 2))[t["C-CITY-2"].pk].held == Decimal("8")   # a past day is held anyway
