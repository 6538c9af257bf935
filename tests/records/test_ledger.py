"""The ledger: append-only entries, reversals and corrections, self-study review, totals kept equal."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.records.models import CadreYearTotal, LearningRecord
from ganxun.records.services import (record_append, record_correct, record_reverse, record_review,
                                     self_study_submit)
from ganxun.records.totals import ledger_sums, rebuild_totals

CLASS = {"title": "县处级干部进修班", "source": "full_time", "content_category": "theory",
         "start_date": date(2021, 3, 1), "end_date": date(2021, 3, 30), "hours": "180", "is_system_training": True}


def totals_of(cadre):
    return {(t.year, t.source): (t.hours, t.days, t.records)
            for t in CadreYearTotal.objects.filter(cadre=cadre)}


def test_unit_records_a_class_and_the_totals_follow(world, schools):
    # when the county admin records a month-long class at the party school
    record = record_append(acting_user=world.users["dc"], person_code="C-DC-1", values=CLASS,
                           institution_code="DX4199", external_id="EXT-1")
    # then the entry counts its hours and its days, and the year's totals show them
    assert (record.credit_hours, record.credit_days) == (Decimal("180.0"), 30)
    assert record.institution_kind == "party_school" and record.institution_recognised
    assert totals_of(world.cadres["dc1"]) == {(2021, "full_time"): (Decimal("180.0"), 30, 1)}
    assert AuditEvent.objects.get(event_type="record_added").subject_code == "C-DC-1"


def test_not_completed_is_kept_but_counts_nothing(world, schools):
    record = record_append(acting_user=world.users["dc"], person_code="C-DC-1",
                           values={**CLASS, "completed": False}, institution_code="DX4199")
    assert record.pk and record.credit_hours == 0 and record.credit_days == 0
    assert totals_of(world.cadres["dc1"]) == {}


def test_online_hours_carry_no_days(world, schools):
    with pytest.raises(DomainError) as exc:
        record_append(acting_user=world.users["dc"], person_code="C-DC-1",
                      values={**CLASS, "source": "online", "days": 3}, institution_code="WL0001")
    assert "不计脱产天数" in exc.value.message


def test_recording_for_another_county_is_not_found(world, schools):
    with pytest.raises(NotFound):
        record_append(acting_user=world.users["dc"], person_code="C-XC-1", values=CLASS)
    assert LearningRecord.objects.count() == 0


def test_leader_role_cannot_record(world):
    with pytest.raises(PermissionDenied):
        record_append(acting_user=world.users["leader"], person_code="C-DC-1", values=CLASS)


def test_reversal_appends_a_negative_twin_and_keeps_the_original(world, schools):
    record = record_append(acting_user=world.users["dc"], person_code="C-DC-1", values=CLASS,
                           institution_code="DX4199")
    twin = record_reverse(acting_user=world.users["dc"], record_id=record.pk, reason="重复登记")
    assert twin.credit_hours == Decimal("-180.0") and twin.reverses_id == record.pk
    assert LearningRecord.objects.filter(pk=record.pk).exists()
    assert totals_of(world.cadres["dc1"]) == {(2021, "full_time"): (Decimal("0.0"), 0, 0)}
    with pytest.raises(DomainError):
        record_reverse(acting_user=world.users["dc"], record_id=record.pk, reason="再次")
    assert AuditEvent.objects.get(event_type="record_reversed").reason == "重复登记"


def test_correction_reverses_and_appends(world, schools):
    record = record_append(acting_user=world.users["dc"], person_code="C-DC-1", values=CLASS,
                           institution_code="DX4199")
    corrected = record_correct(acting_user=world.users["dc"], record_id=record.pk, values={"hours": "160"},
                               reason="学时登记有误")
    assert corrected.credit_hours == Decimal("160.0") and corrected.institution_kind == "party_school"
    assert LearningRecord.objects.count() == 3
    assert totals_of(world.cadres["dc1"]) == {(2021, "full_time"): (Decimal("160.0"), 30, 1)}


def test_self_study_waits_for_the_unit_and_then_counts(world):
    # given a cadre's own report
    record = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学《习近平谈治国理政》第四卷", "start_date": date(2022, 1, 1), "end_date": date(2022, 3, 31),
        "hours": "20"})
    assert record.status == "pending" and totals_of(world.cadres["dc2"]) == {}
    # when the unit approves it
    record_review(acting_user=world.users["dc_hr"], record_id=record.pk, approve=True)
    # then it counts as self-study
    assert totals_of(world.cadres["dc2"]) == {(2022, "self_study"): (Decimal("20.0"), 0, 1)}


def test_rejecting_self_study_needs_a_reason(world):
    record = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学", "start_date": date(2022, 1, 1), "end_date": date(2022, 1, 2), "hours": "2"})
    with pytest.raises(DomainError):
        record_review(acting_user=world.users["dc_hr"], record_id=record.pk, approve=False)


def test_only_the_cadre_reports_self_study(world):
    with pytest.raises(PermissionDenied):
        self_study_submit(acting_user=world.users["dc"], values={"title": "x"})


def _fresh(cadre_ids):
    # at the ledger's precision: SQLite sums decimals as floats (0.8 − 0.8 + 0.8 came back 0.799999999999997)
    return {(r["cadre_id"], r["year"], r["source"], r["content_category"], r["institution_kind"],
             r["institution_recognised"], r["is_system_training"]): (
                Decimal(str(r["hours"])).quantize(Decimal("0.1")), r["days"], r["records"])
            for r in ledger_sums(cadre_ids)
            if r["hours"] or r["days"] or r["records"]}


def _stored(cadre_ids):
    return {(t.cadre_id, t.year, t.source, t.content_category, t.institution_kind, t.institution_recognised,
             t.is_system_training): (t.hours, t.days, t.records)
            for t in CadreYearTotal.objects.filter(cadre_id__in=cadre_ids)
            if t.hours or t.days or t.records}


ENTRY = st.fixed_dictionaries({
    "source": st.sampled_from(["full_time", "online", "lecture", "study_group", "other"]),
    "year": st.integers(2019, 2023), "month": st.integers(1, 12), "length": st.integers(0, 40),
    "hours": st.decimals(min_value=0, max_value=300, places=1), "completed": st.booleans(),
    "system": st.booleans(), "school": st.sampled_from([None, "DX4199", "SH0001"]),
    "reverse": st.booleans(),
})


@pytest.mark.django_db
def test_totals_always_equal_a_fresh_sum_of_the_ledger(world, schools):
    from datetime import timedelta

    cadre_ids = [world.cadres["dc1"].pk, world.cadres["dc2"].pk]

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(ENTRY, min_size=1, max_size=6))
    def check(entries):
        for i, e in enumerate(entries):
            start = date(e["year"], e["month"], 1)
            end = min(start + timedelta(days=e["length"]), date(2025, 12, 31))
            record = record_append(
                acting_user=world.users["dc"], person_code="C-DC-1" if i % 2 else "C-DC-2",
                institution_code=e["school"], values={
                    "title": f"培训{i}", "source": e["source"], "start_date": start, "end_date": end,
                    "hours": e["hours"], "completed": e["completed"],
                    "is_system_training": e["system"]})
            if e["reverse"]:
                record_reverse(acting_user=world.users["dc"], record_id=record.pk, reason="测试冲销")
        assert _stored(cadre_ids) == _fresh(cadre_ids)
        rebuild_totals(cadre_ids)
        assert _stored(cadre_ids) == _fresh(cadre_ids)

    check()


def test_the_totals_command_finds_a_drifted_bucket_and_rebuilds_it(world, schools, capsys):
    from django.core.management import call_command

    from ganxun.records.totals import totals_differences

    # given a few entries, among them tenths that floats would not add exactly
    for i, hours in enumerate(("0.1", "0.2", "12.5")):
        record_append(acting_user=world.users["admin"], person_code="C-DC-1", external_id=f"T-{i}",
                      values={"title": f"讲座{i}", "source": "lecture", "start_date": date(2022, 3, 1 + i),
                              "end_date": date(2022, 3, 1 + i), "hours": hours})
    # then the totals agree with the ledger, and the command says so
    assert totals_differences() == 0
    call_command("totals")
    assert "一致" in capsys.readouterr().out
    # when a bucket drifts (someone edited the table by hand) and another is lost
    bucket = CadreYearTotal.objects.filter(cadre=world.cadres["dc1"]).first()
    CadreYearTotal.objects.filter(pk=bucket.pk).update(hours=bucket.hours + 1)
    record_append(acting_user=world.users["admin"], person_code="C-DC-2", values={
        "title": "网络课", "source": "online", "start_date": date(2022, 5, 1), "end_date": date(2022, 5, 2),
        "hours": "4"})
    CadreYearTotal.objects.filter(cadre=world.cadres["dc2"]).delete()
    # then the check finds both, exits 1 and names the fix
    assert totals_differences() == 2
    with pytest.raises(SystemExit) as exit_:
        call_command("totals")
    assert exit_.value.code == 1 and "2 处不一致" in capsys.readouterr().err
    # and a rebuild puts them right
    call_command("totals", "--rebuild")
    assert totals_differences() == 0 and "已按台账重算" in capsys.readouterr().out


def test_the_operator_at_the_command_line_records_an_entry_without_a_login(world):
    from ganxun.audit.models import AuditEvent
    from ganxun.core.roles import UNSCOPED_OPERATOR

    record = record_append(acting_user=UNSCOPED_OPERATOR, person_code="C-OTHER-1", values={
        "title": "补录培训", "source": "lecture", "start_date": date(2022, 3, 1), "end_date": date(2022, 3, 1),
        "hours": "4"})
    assert record.recorded_by is None and record.credit_hours == 4
    assert AuditEvent.objects.get(event_type="record_added").actor_name == "命令行操作员"
