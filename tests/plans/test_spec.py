"""Plan files: both shipped plans load, every indicator cites its source, and bad files are refused clearly."""

import copy

import pytest
import yaml

from ganxun.plans.catalog import load_plan
from ganxun.plans.spec import DATA_DIR, PlanFileError, file_plan_ids, parse_plan

RULES_CADRE = {"leader_hours_5y", "staff_hours_annual", "team_system_training", "team_system_days",
               "team_professional_week", "young_rotation_4y", "branch_secretary_annual", "makeup_5y"}
RULES_ORG = {"org_team_fifth_annual", "org_staff_fifth_annual", "org_young_rotation",
             "org_branch_secretary_rotation"}


def raw(plan_id):
    return yaml.safe_load((DATA_DIR / f"{plan_id}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("plan_id", ["henan-2019-2022", "xuchang-2019-2022"])
def test_shipped_plans_have_every_indicator_of_the_rules_with_a_source(plan_id):
    plan = load_plan(plan_id)
    assert {i.code for i in plan.of_subject("cadre")} == RULES_CADRE
    assert {i.code for i in plan.of_subject("org")} == RULES_ORG
    assert all(i.source and i.text for i in plan.indicators)
    assert plan_id in file_plan_ids()


def test_the_city_adopts_the_province_and_overrides_the_leaders_window():
    henan, xuchang = load_plan("henan-2019-2022"), load_plan("xuchang-2019-2022")
    assert henan.indicator("leader_hours_5y").window.kind == "plan_period"
    assert xuchang.indicator("leader_hours_5y").window.kind == "rolling_years"
    assert xuchang.indicator("leader_hours_5y").window.years == 5
    assert xuchang.indicator("team_system_days") == henan.indicator("team_system_days")
    assert xuchang.adopts == "henan-2019-2022"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["indicators"][0].pop("source"), "indicators[0](leader_hours_5y).source：缺少必填项"),
    (lambda d: d["indicators"][1]["measure"].update(kind="average"), "indicators[1](staff_hours_annual).measure.kind"),
    (lambda d: d["indicators"][0]["applies_to"].update(tiers=["colonel"]), "applies_to.tiers"),
    (lambda d: d["indicators"][5]["window"].pop("years"), "window.years"),
    (lambda d: d["indicators"][0]["counts"].update(institutions="anywhere"), "counts.institutions"),
    (lambda d: d["period"].update(start="2018-13-01"), "period.start"),
    (lambda d: d["indicators"][10].pop("of_indicator"), "of_indicator"),
    (lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])), "指标代码重复"),
])
def test_a_bad_plan_file_names_the_file_and_the_key(mutate, message):
    data = raw("henan-2019-2022")
    mutate(data)
    with pytest.raises(PlanFileError) as exc:
        parse_plan(data, "henan-2019-2022.yaml")
    assert "henan-2019-2022.yaml" in str(exc.value) and message in str(exc.value)


def test_an_override_of_a_missing_indicator_is_refused():
    data = raw("xuchang-2019-2022")
    data["overrides"][0]["code"] = "no_such"
    with pytest.raises(PlanFileError) as exc:
        parse_plan(data, "xuchang-2019-2022.yaml", resolve=lambda *_: raw("henan-2019-2022"))
    assert "overrides[0].code" in str(exc.value)


@pytest.mark.django_db
def test_an_unknown_plan_lists_the_available_ones():
    with pytest.raises(PlanFileError) as exc:
        load_plan("beijing-2020")
    assert "henan-2019-2022" in str(exc.value)
