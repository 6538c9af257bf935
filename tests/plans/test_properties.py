"""Properties of the verdicts that must hold for any data."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ganxun.plans.engine import Tally, span_for
from ganxun.plans.catalog import load_plan

PLANS = [load_plan("henan-2019-2022"), load_plan("xuchang-2019-2022")]
CODES = sorted({i.code for p in PLANS for i in p.of_subject("cadre")})

days_st = st.integers(0, 200)
hours_st = st.decimals(min_value=0, max_value=1200, places=1)
date_st = st.dates(date(2016, 1, 1), date(2024, 12, 31))


@settings(max_examples=400, deadline=None)
@given(plan=st.sampled_from(PLANS), code=st.sampled_from(CODES), as_of=st.dates(date(2018, 1, 1), date(2024, 12, 31)),
       days=days_st, hours=hours_st, count=st.integers(0, 5), dates=st.lists(date_st, max_size=5),
       add_days=st.integers(0, 30), add_hours=st.decimals(min_value=0, max_value=200, places=1),
       add_date=date_st)
def test_adding_a_counted_record_never_turns_met_into_anything_else(plan, code, as_of, days, hours, count, dates,
                                                                      add_days, add_hours, add_date):
    ind = plan.indicator(code)
    span = span_for(plan, ind, as_of)
    if span is None:
        return
    inside = [d for d in dates if span.start <= d <= span.upto]
    before = ind.evaluate(span, Tally(hours=hours, days=days, count=count, dates=tuple(inside)),
                            subject="X")
    extra_date = min(max(add_date, span.start), span.upto)
    after = ind.evaluate(span, Tally(hours=hours + add_hours, days=days + add_days, count=count + 1,
                                                  dates=tuple(sorted(inside + [extra_date]))), subject="X")
    if before.verdict == "met":
        assert after.verdict == "met"


@settings(max_examples=200, deadline=None)
@given(plan=st.sampled_from(PLANS), code=st.sampled_from(CODES), as_of=st.dates(date(2018, 1, 1), date(2024, 12, 31)),
       hours=hours_st, days=days_st)
def test_a_closed_window_is_never_at_risk_or_on_track(plan, code, as_of, hours, days):
    ind = plan.indicator(code)
    span = span_for(plan, ind, as_of)
    if span is None or not span.closed:
        return
    v = ind.evaluate(span, Tally(hours=hours, days=days, count=days % 3), subject="X")
    assert v.verdict in ("met", "unmet")


def test_gap_is_zero_exactly_when_met():
    plan = PLANS[0]
    ind = plan.indicator("leader_hours_5y")
    span = span_for(plan, ind, date(2022, 12, 31))
    for hours in (Decimal("549.9"), Decimal("550"), Decimal("600")):
        v = ind.evaluate(span, Tally(hours=hours), subject="X")
        assert (v.verdict == "met") == (v.gap["hours"] == 0)
    assert span.upto - span.start == timedelta(days=1825)
