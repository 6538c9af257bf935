"""Cadre indicators evaluated from the ledger through the set-based reads (fetch + engine)."""

from datetime import date

from ganxun.cadres.services import cadre_update
from ganxun.plans.compliance import cadre_verdicts, compliance_scope
from ganxun.plans.catalog import load_plan
from ganxun.records.services import record_append, record_review, self_study_submit
from ganxun.core.roles import UNSCOPED_OPERATOR

HENAN = load_plan("henan-2019-2022")
XUCHANG = load_plan("xuchang-2019-2022")


def add(world, person, *, start, end, hours, source="full_time", school=None, ext=None, **extra):
    return record_append(acting_user=world.users["admin"], person_code=person, institution_code=school,
                         external_id=ext, values={"title": "培训", "source": source, "start_date": start,
                                                  "end_date": end, "hours": str(hours), **extra})


def one(world, plan, code, person, as_of):
    found = [v for v in cadre_verdicts(plan, as_of, compliance_scope(UNSCOPED_OPERATOR, person_code=person)) if v.indicator == code]
    assert len(found) == 1, found
    return found[0]


def test_leader_hours_count_only_recognised_full_time_training(world, schools):
    # given 张建国 (正处级 leader) with a party-school class, an unrecognised provider's course and online hours
    add(world, "C-CITY-1", start=date(2019, 3, 1), end=date(2019, 4, 29), hours=300, school="DX4199", ext="A")
    add(world, "C-CITY-1", start=date(2020, 3, 1), end=date(2020, 3, 30), hours=200, school="SH0001", ext="B")
    add(world, "C-CITY-1", start=date(2020, 5, 1), end=date(2020, 12, 1), hours=100, source="online",
        school="WL0001", ext="C")
    v = one(world, HENAN, "leader_hours_5y", "C-CITY-1", date(2022, 12, 31))
    # then only the party school's 60 days / 300 hours count, so the leader falls short
    assert v.actual == {"days": 60, "hours": 300} and v.verdict == "unmet"
    assert v.evidence == ["A"]
    # and a recognised university base class of 30 days reaches the 90 days
    add(world, "C-CITY-1", start=date(2021, 9, 1), end=date(2021, 9, 30), hours=160, school="GXJD01", ext="D")
    v = one(world, HENAN, "leader_hours_5y", "C-CITY-1", date(2022, 12, 31))
    assert v.verdict == "met" and v.evidence == ["A", "D"]


def test_rolling_five_years_drops_old_training_that_the_plan_period_keeps(world, schools):
    add(world, "C-CITY-1", start=date(2018, 1, 2), end=date(2018, 4, 1), hours=550, school="DX4199")
    assert one(world, HENAN, "leader_hours_5y", "C-CITY-1", date(2023, 6, 30)).verdict == "met"
    # xuchang counts the 5 years ending 2023-06-30: from 2018-07-01, so the 2018 class is outside
    assert one(world, XUCHANG, "leader_hours_5y", "C-CITY-1", date(2023, 6, 30)).verdict == "unmet"
    # and on 2023-03-31 the window starts 2018-04-01, the class's end date: it counts
    assert one(world, XUCHANG, "leader_hours_5y", "C-CITY-1", date(2023, 3, 31)).verdict == "met"


def test_a_class_spanning_new_year_counts_in_the_year_it_ends(world, schools):
    add(world, "C-DC-2", start=date(2021, 12, 20), end=date(2022, 1, 5), hours=90, school="DX4199")
    assert one(world, HENAN, "staff_hours_annual", "C-DC-2", date(2021, 12, 31)).actual["hours"] == 0
    assert one(world, HENAN, "staff_hours_annual", "C-DC-2", date(2022, 12, 31)).verdict == "met"


def test_not_completed_counts_nothing(world, schools):
    add(world, "C-DC-2", start=date(2022, 3, 1), end=date(2022, 3, 20), hours=120, school="DX4199",
        completed=False)
    assert one(world, HENAN, "staff_hours_annual", "C-DC-2", date(2022, 12, 31)).verdict == "unmet"


def test_self_study_does_not_count_toward_yearly_hours(world):
    record = self_study_submit(acting_user=world.users["cadre"], values={
        "title": "自学", "start_date": date(2022, 1, 1), "end_date": date(2022, 6, 30), "hours": "95"})
    record_review(acting_user=world.users["dc_hr"], record_id=record.pk, approve=True)
    v = one(world, HENAN, "staff_hours_annual", "C-DC-2", date(2022, 12, 31))
    assert v.actual["hours"] == 0 and v.verdict == "unmet"


def test_a_partial_year_reads_only_records_up_to_as_of(world, schools):
    add(world, "C-DC-2", start=date(2022, 3, 1), end=date(2022, 3, 10), hours=60, school="DX4199")
    add(world, "C-DC-2", start=date(2022, 10, 1), end=date(2022, 10, 10), hours=60, school="DX4199")
    v = one(world, HENAN, "staff_hours_annual", "C-DC-2", date(2022, 6, 30))
    assert v.actual["hours"] == 60 and v.verdict == "on_track"  # 60/90 = 67% ahead of 50% elapsed


def test_team_members_system_training_gap_and_days(world, schools):
    cadre_update(acting_user=world.users["admin"], person_code="C-CITY-1", values={"local_team": "city"})
    add(world, "C-CITY-1", start=date(2018, 5, 1), end=date(2018, 5, 30), hours=150, school="DX4199",
        is_system_training=True, ext="S1")
    add(world, "C-CITY-1", start=date(2021, 4, 1), end=date(2021, 4, 30), hours=150, school="GBXY01",
        is_system_training=True, ext="S2")
    gap = one(world, HENAN, "team_system_training", "C-CITY-1", date(2022, 12, 31))
    days = one(world, HENAN, "team_system_days", "C-CITY-1", date(2022, 12, 31))
    assert gap.verdict == "met" and gap.evidence == ["S1", "S2"]
    assert days.actual == {"days": 60} and days.verdict == "met"


def test_branch_secretary_needs_one_record_each_year(world, schools):
    add(world, "C-XC-1", start=date(2022, 5, 1), end=date(2022, 5, 1), hours=3, source="lecture")
    assert one(world, HENAN, "branch_secretary_annual", "C-XC-1", date(2022, 12, 31)).verdict == "met"
    assert one(world, HENAN, "branch_secretary_annual", "C-XC-1", date(2021, 12, 31)).verdict == "unmet"


def test_indicators_that_do_not_apply_are_left_out(world):
    codes = {v.indicator for v in cadre_verdicts(HENAN, date(2022, 12, 31),
                                                  compliance_scope(UNSCOPED_OPERATOR, person_code="C-DC-2"))}
    assert codes == {"staff_hours_annual", "young_rotation_4y"}
