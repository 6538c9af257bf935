"""入职前的年度: a cadre hired in a window's second half, or later, is not judged in it (docs/design-notes.md).

The plan's ``hired_cutoff: mid_window`` (henan, adopted by xuchang): for a calendar year, hired on or
before 30 June → judged against the full requirement; hired on or after 1 July → 不适用 for that year,
and left out of every rate's denominator. No hiring date → judged as always.
"""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ganxun.cadres.models import Cadre
from ganxun.plans.compliance import cadre_verdicts, compliance_scope, org_figures, org_verdicts
from ganxun.plans.engine import NOT_APPLICABLE, Span, last_hire_judged
from ganxun.plans.catalog import load_plan
from ganxun.plans.spec import PlanFileError, parse_plan
from ganxun.records.services import record_append
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.factories import add_cadre
from tests.plans.test_spec import raw

HENAN = load_plan("henan-2019-2022")
END = date(2022, 12, 31)
_n = {"i": 0}


def hire(person: str, day: date | None) -> None:
    Cadre.objects.filter(person_code=person).update(hired_on=day)


def train(world, person: str, end: date, hours: str = "96", *, days: int = 12, system: bool = False):
    _n["i"] += 1
    start = date.fromordinal(end.toordinal() - days + 1)
    record_append(acting_user=world.users["admin"], person_code=person, institution_code="DX4199",
                  external_id=f"H-{_n['i']}",
                  values={"title": "培训班", "source": "full_time", "start_date": start, "end_date": end,
                          "hours": hours, "is_system_training": system})


def verdict(person: str, code: str, as_of: date = END, plan=HENAN) -> str | None:
    """The person's verdict on ``code``, ``not_applicable`` included; None when there is none at all."""
    found = [v.verdict for v in cadre_verdicts(plan, as_of, compliance_scope(UNSCOPED_OPERATOR, person_code=person),
                                               codes=[code], include_not_applicable=True)]
    return found[0] if found else None


# ---- the cut-off (pure) -----------------------------------------------------------------------------

@pytest.mark.parametrize("span, cutoff, last", [
    (Span(date(2022, 1, 1), date(2022, 12, 31), END), "mid_window", date(2022, 6, 30)),
    (Span(date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31)), "mid_window", date(2024, 6, 30)),
    (Span(date(2018, 1, 1), date(2022, 12, 31), END), "mid_window", date(2020, 6, 30)),  # plan period
    (Span(date(2019, 1, 1), END, END), "mid_window", date(2020, 12, 31)),  # rolling 4 years
    (Span(date(2020, 3, 1), date(2024, 2, 29), date(2024, 2, 29)), "mid_window", date(2022, 2, 28)),
    (Span(date(2022, 1, 1), date(2022, 12, 31), date(2022, 3, 31)), "mid_window", date(2022, 3, 31)),  # as_of
    (Span(date(2022, 1, 1), date(2022, 12, 31), END), "window_start", date(2022, 1, 1)),
    (Span(date(2022, 1, 1), date(2022, 12, 31), END), "window_end", date(2022, 12, 31)),
    (Span(date(2022, 1, 1), date(2022, 12, 31), date(2022, 8, 1)), "window_end", date(2022, 8, 1)),
])
def test_the_last_hiring_day_still_judged(span, cutoff, last):
    assert last_hire_judged(span, cutoff) == last


def test_the_shipped_plans_use_the_mid_window_rule_and_a_bad_value_is_refused():
    assert HENAN.hired_cutoff == "mid_window" and load_plan("xuchang-2019-2022").hired_cutoff == "mid_window"
    data = raw("henan-2019-2022")
    data.pop("hired_cutoff")
    assert parse_plan(data, "x.yaml").hired_cutoff == "mid_window"  # the default
    city = raw("xuchang-2019-2022")
    assert parse_plan(city, "c.yaml", lambda *_: {**data, "hired_cutoff": "window_start"}).hired_cutoff == \
        "window_start"  # adopted with the plan
    with pytest.raises(PlanFileError, match="hired_cutoff"):
        parse_plan({**data, "hired_cutoff": "never"}, "x.yaml")


# ---- cadre verdicts -----------------------------------------------------------------------------------

@pytest.mark.parametrize("hired, expected", [
    (None, "unmet"),                    # no hiring date: judged as before
    (date(2009, 9, 1), "unmet"),        # hired long before: unchanged
    (date(2022, 6, 30), "unmet"),       # the last day of the first half: judged, full requirement
    (date(2022, 7, 1), NOT_APPLICABLE),  # the first day of the second half
    (date(2022, 11, 20), NOT_APPLICABLE),
    (date(2023, 3, 1), NOT_APPLICABLE),  # hired after the window ended
])
def test_a_yearly_indicator_judges_only_cadres_hired_by_30_june(world, schools, hired, expected):
    # given 王磊 (科级) with 20 hours in 2022, hired on ``hired``
    train(world, "C-DC-1", date(2022, 10, 10), "20", days=3)
    hire("C-DC-1", hired)
    assert verdict("C-DC-1", "staff_hours_annual") == expected
    # and without include_not_applicable a cadre not judged has no verdict at all, like any indicator not his
    judged = cadre_verdicts(HENAN, END, compliance_scope(UNSCOPED_OPERATOR, person_code="C-DC-1"), codes=["staff_hours_annual"])
    assert len(judged) == (0 if expected == NOT_APPLICABLE else 1)


def test_a_cadre_hired_in_2023_is_judged_from_2023_on(world, schools):
    hire("C-DC-2", date(2023, 3, 1))
    train(world, "C-DC-2", date(2023, 10, 10))
    assert verdict("C-DC-2", "staff_hours_annual", date(2022, 12, 31)) == NOT_APPLICABLE
    assert verdict("C-DC-2", "staff_hours_annual", date(2023, 12, 31)) == "met"
    assert verdict("C-DC-2", "staff_hours_annual", date(2024, 12, 31)) == "unmet"


def test_an_open_year_does_not_judge_someone_not_hired_yet(world, schools):
    hire("C-DC-1", date(2022, 5, 1))
    assert verdict("C-DC-1", "staff_hours_annual", date(2022, 3, 31)) == NOT_APPLICABLE
    assert verdict("C-DC-1", "staff_hours_annual", date(2022, 4, 30)) == NOT_APPLICABLE
    assert verdict("C-DC-1", "staff_hours_annual", date(2022, 5, 1)) == "at_risk"  # judged, behind pace


def test_multi_year_windows_judge_cadres_hired_in_their_first_half(world, schools):
    # the plan period 2018–2022: a leader hired on or after 2020-07-01 is not judged on it
    hire("C-CITY-1", date(2020, 6, 30))
    assert verdict("C-CITY-1", "leader_hours_5y") == "unmet"
    hire("C-CITY-1", date(2020, 7, 1))
    assert verdict("C-CITY-1", "leader_hours_5y") == NOT_APPLICABLE
    assert verdict("C-CITY-1", "makeup_5y") == NOT_APPLICABLE  # rolling 5 years from 2018-01-01: the same
    # a rolling 4 years to 2022-12-31 began 2019-01-01: a young talent hired in 2021 is not judged yet
    hire("C-DC-2", date(2020, 12, 31))
    assert verdict("C-DC-2", "young_rotation_4y") == "unmet"
    hire("C-DC-2", date(2021, 1, 1))
    assert verdict("C-DC-2", "young_rotation_4y") == NOT_APPLICABLE


def test_a_gap_rule_measures_a_cadre_hired_inside_the_window_from_the_hiring_day(world, schools):
    from ganxun.cadres.services import cadre_update

    # given a city team member whose only system training in 2018–2022 ended on 2022-06-01
    cadre_update(acting_user=world.users["admin"], person_code="C-CITY-1", values={"local_team": "city"})
    train(world, "C-CITY-1", date(2022, 6, 1), system=True)
    # when hired before the plan period: 2018-01-01 → 2022-06-01 is more than 3 years without one
    hire("C-CITY-1", date(2015, 3, 1))
    assert verdict("C-CITY-1", "team_system_training") == "unmet"
    # when hired on 2020-03-01 (still judged: before mid-window), the stretch starts on the hiring day
    hire("C-CITY-1", date(2020, 3, 1))
    found = cadre_verdicts(HENAN, END, compliance_scope(UNSCOPED_OPERATOR, person_code="C-CITY-1"), codes=["team_system_training"])
    assert [v.verdict for v in found] == ["met"]
    assert found[0].actual == {"count": 1, "years": 2.3}  # 2020-03-01 → 2022-06-01, the longest stretch
    # and with no hiring date it is measured from the window start, as before
    hire("C-CITY-1", None)
    assert verdict("C-CITY-1", "team_system_training") == "unmet"


def test_the_cli_lists_the_cadre_as_not_applicable(world, schools, capsys):
    hire("C-DC-1", date(2022, 9, 1))
    call_command("compliance", "--plan", "henan-2019-2022", "--as-of", "2022-12-31", "--subject", "cadres",
                 "--person", "C-DC-1", "--all-verdicts")
    results = {r["indicator"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    assert results["staff_hours_annual"]["verdict"] == NOT_APPLICABLE
    assert results["staff_hours_annual"]["window"] == ["2022-01-01", "2022-12-31"]


# ---- org rates and figures: the same cadres leave the denominators -------------------------------------

def _org(code: str, org: str = "4199", as_of: date = END) -> dict:
    return next(v.as_dict() for v in org_verdicts(UNSCOPED_OPERATOR, HENAN, as_of, org_code=org, subtree=False,
                                                  include_not_applicable=True) if v.indicator == code)


def _figures(org: str = "4199", as_of: date = END) -> dict:
    return {f.code: f for f in org_figures(UNSCOPED_OPERATOR, HENAN, as_of, org_code=org)}


def test_a_late_hire_leaves_the_org_rates_and_the_figures(world, schools):
    # given 示例市: 4 cadres below division tier, one branch secretary (刘洋), one leader (张建国)
    train(world, "C-DC-2", date(2022, 5, 12))
    train(world, "C-CITY-1", date(2022, 5, 12), "120", system=True)
    before = _org("org_staff_fifth_annual"), _org("org_branch_secretary_rotation"), _figures()
    assert before[0]["actual"] == {"share": 0.25, "count": 1, "of": 4}
    assert before[1]["actual"] == {"share": 0.0, "count": 0, "of": 1} and before[1]["verdict"] == "unmet"
    figures = before[2]
    assert (figures["training_coverage"].numerator, figures["training_coverage"].denominator) == (2, 5)
    assert (figures["hours_compliance_rate"].numerator, figures["hours_compliance_rate"].denominator) == (1, 5)
    assert figures["avg_full_time_hours"].denominator == 5
    assert (figures["rotation_progress"].numerator, figures["rotation_progress"].denominator) == (1, 1)
    # when 王磊 and 刘洋 turn out to have been hired in the second half of 2022, 张建国 after mid-2020
    hire("C-DC-1", date(2022, 8, 1))
    hire("C-XC-1", date(2022, 7, 1))
    hire("C-CITY-1", date(2020, 7, 1))
    # then they leave every denominator their window judges them by, and nothing else changes
    staff, secretaries, figures = _org("org_staff_fifth_annual"), _org("org_branch_secretary_rotation"), _figures()
    assert staff["actual"] == {"share": 0.5, "count": 1, "of": 2} and staff["verdict"] == "met"
    assert _org("org_staff_fifth_annual", "419902")["verdict"] == NOT_APPLICABLE  # 西城县: nobody left to judge
    assert secretaries == {**before[1], "verdict": NOT_APPLICABLE, "actual": {"share": 0.0, "count": 0, "of": 0},
                           "gap": {"share": 1.0}}
    assert (figures["training_coverage"].numerator, figures["training_coverage"].denominator) == (2, 3)
    assert (figures["hours_compliance_rate"].numerator, figures["hours_compliance_rate"].denominator) == (1, 2)
    assert figures["avg_full_time_hours"].denominator == 3 and figures["avg_full_time_hours"].numerator == 216.0
    assert figures["rotation_progress"].denominator == 0 and figures["rotation_progress"].value is None


def test_a_cadre_with_no_hiring_date_or_an_early_one_changes_no_rate(world, schools):
    train(world, "C-DC-2", date(2022, 5, 12))
    before = [v.as_dict() for v in org_verdicts(UNSCOPED_OPERATOR, HENAN, END, include_not_applicable=True)], \
        [f.as_dict() for f in org_figures(UNSCOPED_OPERATOR, HENAN, END)]
    for person, day in (("C-DC-1", date(2022, 6, 30)), ("C-XC-1", date(1998, 8, 1)), ("C-CITY-1", date(2020, 6, 30))):
        hire(person, day)
    assert before == ([v.as_dict() for v in org_verdicts(UNSCOPED_OPERATOR, HENAN, END, include_not_applicable=True)],
                      [f.as_dict() for f in org_figures(UNSCOPED_OPERATOR, HENAN, END)])


def test_the_dashboard_counts_only_the_cadres_judged(client, world, schools):
    hire("C-DC-1", date(2022, 7, 1))
    client.force_login(world.users["city"])
    html = client.get("/reports/dashboard/?plan=henan-2019-2022&as_of=2022-12-31&org=419901"
                      "&view=staff_hours_annual").content.decode()
    start = html.index('data-testid="children-staff_hours_annual"')
    table = html[start:html.index("</table>", start)]
    row = table[table.index('data-org="419901CZJ"'):]
    row = row[:row.index("</tr>")]
    assert 'data-verdict="unmet">1<' in row  # 赵婷 only; 王磊 was hired on 1 July
    assert 'data-verdict="unmet">2<' not in row


def test_leaving_late_hires_out_is_one_filter_not_a_query_per_cadre(world, schools):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            cadre_verdicts(HENAN, END, compliance_scope(UNSCOPED_OPERATOR), with_evidence=False)
            org_verdicts(UNSCOPED_OPERATOR, HENAN, END)
            org_figures(UNSCOPED_OPERATOR, HENAN, END)
        return len(ctx.captured_queries)

    hire("C-DC-1", date(2022, 9, 1))
    few = queries()
    for i in range(12):
        add_cadre(world.orgs["dc_fin"], f"C-NEW-{i:02d}", f"新录用{i}", rank="clerk_2",
                  hired_on=date(2022, 7 + i % 6, 1), is_young_talent=i % 2 == 0, is_branch_secretary=i % 3 == 0)
    assert queries() == few
    assert _figures()["training_coverage"].denominator == 4  # 5 cadres of 示例市 less 王磊; none of the new
