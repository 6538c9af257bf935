"""The call-up round trip: notice → a unit nominates within its quota → the department audits → the trainee is
in the class; leave → make-up owed → met; and the four conflicts the plans forbid."""

import json
from datetime import date

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.callups.conflicts import find_conflicts
from ganxun.callups.models import CallUpLeaveStatus, Makeup, Nomination, NominationStatus
from ganxun.callups.selectors import access_callup, inbox_for, makeups_visible_to
from ganxun.callups.services import (callup_issue, callup_leave_decide, callup_leave_request, callup_save,
                                     named_confirm, nominate, nomination_withdraw, nominations_audit)
from ganxun.classes.models import Enrolment, EnrolmentStatus, TrainingClass
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.records.services import record_append
from tests.factories import add_cadre

TODAY = date(2021, 2, 1)


def add_class(code, organiser, start, end, *, kind="core", category="party_spirit", quota=30, full_time=True,
              institution=None):
    return TrainingClass.objects.create(code=code, name=f"{code} 培训班", kind=kind, organiser=organiser,
                                        institution=institution, start_date=start, end_date=end, full_time=full_time,
                                        content_category=category, quota=quota)


def issued(world, tc, quotas=None, mode="quota", named=()):
    city = world.users["city"]
    callup = callup_save(acting_user=city, class_code=tc.code, title=f"关于调训参加{tc.name}的通知",
                         deadline=date(2021, 2, 20), mode=mode, quotas=quotas, named=named)
    return callup_issue(acting_user=city, code=callup.code)


def test_a_unit_nominates_within_its_quota_and_the_department_enrols_the_approved(world, city_class):
    callup = issued(world, city_class, {"419901CZJ": 1})
    assert callup.code == "DX-4199ZZB-2021-001" and callup.status == "issued"
    hr = world.users["dc_hr"]
    assert list(inbox_for(hr)) == [callup]
    result = nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-1"], today=TODAY)
    nomination = result.nominations[0]
    assert nomination.status == NominationStatus.NOMINATED
    # the one place is taken: a second nomination is refused and nothing is written
    with pytest.raises(DomainError, match="名额为 1 个，已提名 1 人，还能提名 0 人"):
        nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-2"], today=TODAY)
    assert Nomination.objects.count() == 1
    # the unit cannot audit; the department does, and the trainee is in the class
    with pytest.raises(PermissionDenied):
        nominations_audit(acting_user=hr, callup_code=callup.code, nomination_ids=[nomination.pk], approve=True)
    assert nominations_audit(acting_user=world.users["city"], callup_code=callup.code,
                             nomination_ids=[nomination.pk], approve=True) == 1
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED
    assert nomination.enrolment.training_class == city_class and nomination.enrolment.status == EnrolmentStatus.ENROLLED
    assert nomination.enrolment.cadre.person_code == "C-DC-1"
    events = list(AuditEvent.objects.filter(subject_type="callup").order_by("pk").values_list("event_type", flat=True))
    assert events == ["callup_saved", "callup_issued", "nominated", "nomination_audited"]


def test_a_rejected_nomination_frees_the_place_for_another(world, city_class):
    callup = issued(world, city_class, {"419901CZJ": 1})
    hr, city = world.users["dc_hr"], world.users["city"]
    first = nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-1"], today=TODAY).nominations[0]
    with pytest.raises(DomainError, match="退回提名须说明原因"):
        nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[first.pk], approve=False)
    nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[first.pk], approve=False,
                      note="该同志本年度已参加同类培训，请另行推荐")
    first.refresh_from_db()
    assert first.status == NominationStatus.REJECTED and first.audit_note.startswith("该同志")
    second = nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-2"], today=TODAY).nominations[0]
    nomination_withdraw(acting_user=hr, nomination_id=second.pk, reason="工作安排冲突")
    again = nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-2"], today=TODAY)
    assert [n.status for n in again.nominations] == ["nominated"]
    assert not Enrolment.objects.exists()


def test_units_nominate_only_their_own_cadres_under_their_own_quota_and_before_the_deadline(world, city_class):
    callup = issued(world, city_class, {"419901CZJ": 2})
    hr = world.users["dc_hr"]
    with pytest.raises(NotFound):        # a cadre of another unit is outside the clerk's scope
        nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-XC-1"], today=TODAY)
    with pytest.raises(DomainError, match="没有这份调训通知的名额"):   # inside the county's scope, no places
        nominate(acting_user=world.users["city"], callup_code=callup.code, person_codes=["C-CITY-1"], today=TODAY)
    with pytest.raises(DomainError, match="报名已于 2021-02-20 截止"):
        nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-1"], today=date(2021, 2, 21))
    with pytest.raises(NotFound):        # another city's department does not see the notice at all
        access_callup(world.users["other"], callup.code)
    assert not Nomination.objects.exists()


def test_a_draft_is_seen_by_its_department_only_and_quotas_cannot_exceed_the_class(world, city_class):
    city = world.users["city"]
    with pytest.raises(DomainError, match="超过班次名额 30 个"):
        callup_save(acting_user=city, class_code="BC1", title="通知", deadline=date(2021, 2, 20),
                    quotas={"419901CZJ": 20, "419902NYJ": 11})
    with pytest.raises(DomainError, match="报名截止日期应早于开班日期"):
        callup_save(acting_user=city, class_code="BC1", title="通知", deadline=date(2021, 3, 2),
                    quotas={"419901CZJ": 2})
    draft = callup_save(acting_user=city, class_code="BC1", title="通知", deadline=date(2021, 2, 20),
                        quotas={"419901CZJ": 2})
    with pytest.raises(NotFound):
        access_callup(world.users["dc_hr"], draft.code)
    with pytest.raises(PermissionDenied):
        callup_save(acting_user=world.users["dc_hr"], class_code="BC1", title="通知", deadline=date(2021, 2, 20),
                    quotas={"419901CZJ": 2})


def test_a_named_call_up_is_confirmed_by_the_unit_and_enrols_the_person(world, city_class):
    callup = issued(world, city_class, mode="named", named=["C-DC-1"])
    nomination = callup.nominations.get()
    assert nomination.status == NominationStatus.NAMED
    hr = world.users["dc_hr"]
    assert list(inbox_for(hr)) == [callup]
    with pytest.raises(DomainError, match="点名调训的人选由组织部门确定"):
        nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-2"], today=TODAY)
    named_confirm(acting_user=hr, nomination_id=nomination.pk, today=TODAY)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED and nomination.enrolment.status == EnrolmentStatus.ENROLLED
    # the cadre sees their own call-up
    assert list(inbox_for(world.users["cadre"])) == []   # 赵婷 (C-DC-2) was not named


def test_approved_leave_leaves_a_make_up_owed_until_a_later_class_of_the_kind_is_completed(world, city_class):
    callup = issued(world, city_class, mode="named", named=["C-DC-1"])
    hr, city = world.users["dc_hr"], world.users["city"]
    n = callup.nominations.get()
    named_confirm(acting_user=hr, nomination_id=n.pk, today=TODAY)
    leave = callup_leave_request(acting_user=hr, nomination_id=n.pk, reason="承担防汛任务")
    with pytest.raises(PermissionDenied):
        callup_leave_decide(acting_user=hr, leave_id=leave.pk, approve=True)
    callup_leave_decide(acting_user=city, leave_id=leave.pk, approve=True, note="同意，安排下期补训")
    leave.refresh_from_db()
    n.refresh_from_db()
    assert leave.status == CallUpLeaveStatus.APPROVED and n.status == NominationStatus.ON_LEAVE
    assert n.enrolment.status == EnrolmentStatus.CANCELLED
    makeup = makeups_visible_to(hr).get()
    assert (makeup.cadre.person_code, makeup.class_kind, makeup.due_by) == ("C-DC-1", "core", date(2022, 3, 20))
    assert not makeup.met and not makeup.scheduled
    # a later core class: nominated as the make-up, it is scheduled; completed, it is met
    later = add_class("BC2", world.orgs["city_dept"], date(2021, 9, 1), date(2021, 9, 20))
    second = issued(world, later, {"419901CZJ": 1})
    nominate(acting_user=hr, callup_code=second.code, person_codes=["C-DC-1"], makeup_id=makeup.pk, today=TODAY)
    assert makeups_visible_to(hr).get().scheduled
    Enrolment.objects.create(training_class=later, cadre=world.cadres["dc1"], completed=True)
    assert makeups_visible_to(hr).get().met
    # an earlier class of the kind does not meet it, nor one of another kind
    assert Makeup.objects.count() == 1
    assert not makeups_visible_to(world.users["other"]).exists()


def test_a_nomination_is_warned_of_a_clash_with_another_organisers_class(world, city_class):
    county = add_class("DC1", world.orgs["dc_dept"], date(2021, 3, 10), date(2021, 3, 25), kind="thematic",
                       category="professional")
    Enrolment.objects.create(training_class=county, cadre=world.cadres["dc1"])
    callup = issued(world, city_class, {"419901CZJ": 2})
    result = nominate(acting_user=world.users["dc_hr"], callup_code=callup.code, person_codes=["C-DC-1"], today=TODAY)
    warnings = result.warnings["C-DC-1"]
    kinds = {w["kind"] for w in warnings}
    # 王磊 would be in two organisers' classes, and with 赵婷 still at work the finance bureau (2 cadres) sends 1
    assert kinds == {"multi_organiser"}
    assert "东城区委组织部" in warnings[0]["detail"] and "2021-03-10 至 2021-03-20" in warnings[0]["detail"]
    assert result.nominations[0].warnings == warnings


def test_the_four_conflicts_are_found_and_only_in_the_users_part_of_the_tree(world, city_class):
    o, c = world.orgs, world.cadres
    # 多头调训: 王磊 in the city's class and the county's overlapping one
    county = add_class("DC1", o["dc_dept"], date(2021, 3, 15), date(2021, 3, 30), kind="thematic")
    Enrolment.objects.create(training_class=city_class, cadre=c["dc1"])
    Enrolment.objects.create(training_class=county, cadre=c["dc1"])
    # 单位在训: both cadres of the finance bureau away on 15–30 March
    Enrolment.objects.create(training_class=county, cadre=c["dc2"])
    # 重复调训: 刘洋 in two core party-spirit classes four months apart
    autumn = add_class("BC3", o["city_dept"], date(2021, 7, 1), date(2021, 7, 10))
    Enrolment.objects.create(training_class=city_class, cadre=c["xc1"], completed=True)
    Enrolment.objects.create(training_class=autumn, cadre=c["xc1"])
    # 长期不训: a cadre hired long ago with no full-time training, and one with a 2019 class who is fine
    add_cadre(o["xc_agri"], "C-XC-2", "孙丽", female=True, hired_on=date(2000, 1, 1))
    add_cadre(o["xc_agri"], "C-XC-3", "周强", hired_on=date(2000, 1, 1))
    record_append(acting_user=world.users["admin"], person_code="C-XC-3", values={
        "title": "科级干部培训班", "source": "full_time", "content_category": "theory", "start_date": date(2019, 5, 6),
        "end_date": date(2019, 5, 17), "hours": "80"})

    found = find_conflicts(UNSCOPED_OPERATOR, date(2021, 1, 1), date(2021, 12, 31))
    by_kind = {}
    for f in found:
        by_kind.setdefault(f.kind, []).append(f)
    assert [(f.subject, f.classes) for f in by_kind["multi_organiser"]] == [("C-DC-1", ["BC1", "DC1"])]
    assert [(f.subject, f.classes) for f in by_kind["repeat"]] == [("C-XC-1", ["BC1", "BC3"])]
    assert "122 天内两次参加同类培训" in by_kind["repeat"][0].detail
    [absence] = by_kind["unit_absence"]
    assert (absence.subject, absence.share, absence.start, absence.extra["allowed"]) == (
        "419901CZJ", 1, date(2021, 3, 15), 1)
    assert absence.extra["days_over"] == 16      # 15–30 March
    untrained = {f.subject for f in by_kind["long_untrained"]}
    assert "C-XC-2" in untrained and "C-XC-3" not in untrained and "C-DC-1" not in untrained
    # seen by 东城's department: the conflicts of its own cadres and units only
    xc = find_conflicts(world.users["dc"], date(2021, 1, 1), date(2021, 12, 31))
    assert {f.subject for f in xc} <= {"C-DC-1", "C-DC-2", "419901CZJ"}
    assert find_conflicts(world.users["other"], date(2021, 1, 1), date(2021, 12, 31), kinds={"multi_organiser"}) == []


def test_ganxun_conflicts_prints_the_json_of_the_interface_and_refuses_bad_dates(world, city_class, capsys):
    from ganxun.cli import main

    county = add_class("DC1", world.orgs["dc_dept"], date(2021, 3, 15), date(2021, 3, 30), kind="thematic")
    Enrolment.objects.create(training_class=city_class, cadre=world.cadres["dc1"])
    Enrolment.objects.create(training_class=county, cadre=world.cadres["dc1"])
    assert main(["conflicts", "--from", "2021-03-01", "--to", "2021-03-31", "--kind", "multi_organiser",
                 "--kind", "unit_absence"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["from"] == "2021-03-01"
    [conflict] = body["conflicts"]
    assert conflict["kind"] == "multi_organiser" and conflict["subject"] == "C-DC-1"
    assert conflict["classes"] == ["BC1", "DC1"] and "时间重叠" in conflict["detail"]
    assert main(["conflicts", "--from", "2021-13-01", "--to", "2021-03-31"]) == 2
    assert "--from 应为 YYYY-MM-DD 日期" in capsys.readouterr().err


def test_the_call_up_rate_of_the_reports_counts_who_was_called_up(world, city_class):
    from ganxun.callups.rates import unit_rates
    from ganxun.cadres.models import Cadre
    from ganxun.plans.catalog import load_plan
    from ganxun.plans.compliance import org_figures

    callup = issued(world, city_class, {"419901CZJ": 2})
    hr, city = world.users["dc_hr"], world.users["city"]
    result = nominate(acting_user=hr, callup_code=callup.code, person_codes=["C-DC-1", "C-DC-2"], today=TODAY)
    first, second = result.nominations
    nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[first.pk], approve=True)
    nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[second.pk], approve=False,
                      note="请另行推荐")
    figures = {f.code: f for f in org_figures(city, load_plan("henan-2019-2022"), date(2021, 12, 31), org_code="419901")}
    rate = figures["call_up_rate"]
    # 东城区 has 2 cadres; one was called up (the other's nomination was sent back)
    assert (rate.numerator, rate.denominator, rate.value) == (1, 2, 0.5)
    # 参训率: of the call-ups still standing, the one approved is in the class
    taking_part = figures["participation_rate"]
    assert (taking_part.numerator, taking_part.denominator, taking_part.per) == (1, 1, "人次")
    [fin] = [u for u in unit_rates(Cadre.objects.filter(org__code="419901CZJ"), date(2021, 1, 1), date(2021, 12, 31))]
    assert (fin.label, fin.staff, fin.called, fin.places, fin.attended, fin.call_up_rate, fin.participation_rate) == (
        "东城区财政局", 2, 1, 1, 1, 0.5, 1.0)
    from ganxun.callups.rates import rates

    by_category = {r.key: r for r in rates(Cadre.objects.filter(org__code="419901CZJ"), date(2021, 1, 1),
                                           date(2021, 12, 31), by="category")}
    assert sum(r.called for r in by_category.values()) == 1 and sum(r.staff for r in by_category.values()) == 2
