"""The engine's verdicts from plain numbers (no database): rules.md, "Verdicts" and "Windows"."""

from datetime import date
from decimal import Decimal

from ganxun.plans.engine import Share, Span, Tally, add_years, span_for
from ganxun.plans.catalog import load_plan

HENAN = load_plan("henan-2019-2022")
XUCHANG = load_plan("xuchang-2019-2022")


def verdict(plan, code, as_of, **tally):
    ind = plan.indicator(code)
    span = span_for(plan, ind, as_of)
    return ind.evaluate(span, Tally(**tally), subject="X")


def test_leader_short_of_550_hours_is_at_risk_mid_window():
    # 2021-01-01 is 60% into 2018–2022; the better of 40/90 days and 312.5/550 hours is 57%
    v = verdict(HENAN, "leader_hours_5y", date(2021, 1, 1), days=40, hours=Decimal("312.5"))
    assert v.verdict == "at_risk"
    assert v.gap == {"days": 50, "hours": Decimal("237.5")}
    assert v.window.as_list() == ["2018-01-01", "2022-12-31"]


def test_leader_ahead_of_pace_is_on_track():
    v = verdict(HENAN, "leader_hours_5y", date(2019, 6, 30), days=60, hours=Decimal("100"))
    assert v.verdict == "on_track"  # 60/90 days is ahead of 37% elapsed


def test_exactly_550_hours_is_met_and_either_days_or_hours_suffices():
    assert verdict(HENAN, "leader_hours_5y", date(2019, 1, 1), hours=Decimal("550")).verdict == "met"
    assert verdict(HENAN, "leader_hours_5y", date(2019, 1, 1), days=90).verdict == "met"
    assert verdict(HENAN, "leader_hours_5y", date(2022, 12, 31), days=89,
                   hours=Decimal("549.9")).verdict == "unmet"


def test_rolling_window_is_always_closed():
    v = verdict(XUCHANG, "leader_hours_5y", date(2021, 3, 1), days=10, hours=Decimal("80"))
    assert v.verdict == "unmet"
    assert v.window.as_list() == ["2016-03-02", "2021-03-01"]


def test_calendar_year_window_and_its_pace():
    ind = HENAN.indicator("staff_hours_annual")
    span = span_for(HENAN, ind, date(2022, 12, 31))
    assert span.closed and span.as_list() == ["2022-01-01", "2022-12-31"]
    assert verdict(HENAN, "staff_hours_annual", date(2022, 12, 31), hours=Decimal("89.9")).verdict == "unmet"
    assert verdict(HENAN, "staff_hours_annual", date(2022, 12, 31), hours=Decimal("90")).verdict == "met"
    assert verdict(HENAN, "staff_hours_annual", date(2022, 3, 1), hours=Decimal("20")).verdict == "on_track"
    assert verdict(HENAN, "staff_hours_annual", date(2022, 9, 1), hours=Decimal("20")).verdict == "at_risk"


def test_elapsed_share_counts_both_ends():
    span = Span(date(2022, 1, 1), date(2022, 12, 31), date(2022, 1, 1))
    assert span.elapsed_share == 1 / 365


def test_gap_rule_counts_the_stretch_from_the_window_start_and_to_as_of():
    # records at 2019-06-30 and 2022-06-30: stretches 1.5y, 3y (exactly), 0.5y → met
    v = verdict(HENAN, "team_system_training", date(2022, 12, 31), dates=(date(2019, 6, 30), date(2022, 6, 30)))
    assert v.verdict == "met"
    # one record in 2018 only: from 2018-03-01 to 2022-12-31 is more than 3 years → unmet
    v = verdict(HENAN, "team_system_training", date(2022, 12, 31), dates=(date(2018, 3, 1),))
    assert v.verdict == "unmet" and v.actual["count"] == 1


def test_gap_rule_with_no_record_yet_is_due_or_failed():
    assert verdict(HENAN, "team_system_training", date(2019, 6, 1)).verdict == "on_track"
    assert verdict(HENAN, "team_system_training", date(2020, 6, 1)).verdict == "at_risk"
    assert verdict(HENAN, "team_system_training", date(2021, 1, 2)).verdict == "unmet"


def test_count_rule_for_young_talents_over_four_rolling_years():
    assert verdict(HENAN, "young_rotation_4y", date(2022, 12, 31), count=1).verdict == "met"
    assert verdict(HENAN, "young_rotation_4y", date(2022, 12, 31), count=0).verdict == "unmet"


def test_advisory_indicator_says_so():
    v = verdict(HENAN, "team_professional_week", date(2022, 12, 31), count=0)
    assert v.advisory and v.as_dict()["advisory"] is True


def test_share_of_trained_team_members():
    ind = HENAN.indicator("org_team_fifth_annual")
    span = span_for(HENAN, ind, date(2022, 12, 31))
    assert ind.evaluate(span, Share(2, 10), subject="4199").verdict == "met"
    assert ind.evaluate(span, Share(1, 10), subject="4199").verdict == "unmet"
    assert ind.evaluate(span, Share(0, 0), subject="4199").verdict == "not_applicable"


def test_json_shape_matches_the_interface():
    v = verdict(XUCHANG, "leader_hours_5y", date(2022, 12, 31), days=40, hours=Decimal("312.5"),
                evidence=("EXT-1", "R7"))
    assert v.as_dict() == {
        "subject_type": "cadre", "subject": "X", "indicator": "leader_hours_5y", "verdict": "unmet",
        "required": {"days": 90, "hours": 550.0}, "actual": {"days": 40, "hours": 312.5},
        "window": ["2018-01-01", "2022-12-31"], "gap": {"days": 50, "hours": 237.5}, "evidence": ["EXT-1", "R7"]}


def test_add_years_handles_leap_days():
    assert add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
