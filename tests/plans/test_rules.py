"""Indicators as objects: each kind is chosen once from the plan file and answers for itself."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganxun.cadres.models import Cadre
from ganxun.plans.fetch import applies_q
from ganxun.plans.rules import MEASURES, WINDOWS, Count, Gap, ShareMet, ShareTrained, Total, Who
from ganxun.plans.catalog import load_plan
from ganxun.plans.spec import PlanFileError, parse_plan
from tests.factories import add_cadre
from tests.plans.test_spec import raw

HENAN = load_plan("henan-2019-2022")


def test_each_indicator_of_the_province_plan_has_the_class_of_its_kind():
    kinds = {i.code: type(i.measure) for i in HENAN.indicators}
    assert kinds["leader_hours_5y"] is Total and kinds["team_system_training"] is Gap
    assert kinds["young_rotation_4y"] is Count
    assert kinds["org_team_fifth_annual"] is ShareTrained and kinds["org_young_rotation"] is ShareMet
    assert HENAN.indicator("team_system_training").measure.needs_dates
    assert not HENAN.indicator("leader_hours_5y").measure.needs_dates


def test_indicators_word_their_own_requirement_and_window():
    leader = HENAN.indicator("leader_hours_5y")
    assert leader.measure.requirement(HENAN, leader) == "90 天或550 学时以上"
    assert leader.window.describe(HENAN.start, HENAN.end) == "规划期（2018-01-01 至 2022-12-31）"
    rotation = HENAN.indicator("org_young_rotation")
    assert rotation.measure.requirement(HENAN, rotation) == "「优秀年轻干部4年轮训」达标人数占比不低于 100%"
    assert HENAN.indicator("young_rotation_4y").window.describe(HENAN.start, HENAN.end) == "截至评估日的 4 年内"


def test_an_indicator_says_whom_it_applies_to(world):
    leader = HENAN.indicator("leader_hours_5y")
    assert leader.applies_to(world.cadres["city1"])        # 正处级, leadership post
    assert not leader.applies_to(world.cadres["city2"])    # 二级主任科员
    assert HENAN.indicator("young_rotation_4y").applies_to(world.cadres["dc2"])
    assert HENAN.indicator("org_team_fifth_annual").applies_to(world.orgs["city"])


def test_the_database_filter_and_the_in_memory_predicate_agree(world):
    # given cadres of every combination the conditions look at
    flags = ("is_leader", "is_young_talent", "is_branch_secretary", "is_team_member")
    ranks = ("bureau_chief", "division_deputy", "section_chief", "clerk_1")
    for i, rank in enumerate(ranks):
        for j in range(4):
            add_cadre(world.orgs["city_edu"], f"W-{i}{j}", "测试", rank=rank, local_team=("", "city", "county", "")[j],
                      **{flags[j]: True})
    cadres = list(Cadre.objects.all())
    spec = st.fixed_dictionaries({}, optional={
        "tiers": st.lists(st.sampled_from(["ministerial", "bureau", "division", "section", "staff"]), min_size=1,
                          unique=True),
        "leader": st.just(True), "local_team": st.lists(st.sampled_from(["city", "county"]), min_size=1, unique=True),
        "young_talent": st.just(True), "branch_secretary": st.just(True), "team_member": st.just(True)})

    @settings(max_examples=80, deadline=None)
    @given(spec)
    def check(raw_spec):
        who = Who.of(raw_spec)
        by_sql = set(Cadre.objects.filter(applies_q(who)).values_list("pk", flat=True))
        assert by_sql == {c.pk for c in cadres if who.matches(c)}
        assert Who.of(who.as_spec()) == who  # what a plan exports reads back the same

    check()


def test_every_kind_in_the_tables_is_what_its_name_says():
    assert all(cls.kind == kind for kind, cls in MEASURES.items())
    assert all(w.kind == kind for kind, w in WINDOWS.items())


def test_a_measure_on_a_subject_it_cannot_judge_is_refused_naming_the_key():
    data = raw("henan-2019-2022")
    data["indicators"][0]["subject"] = "org"
    with pytest.raises(PlanFileError) as bad:
        parse_plan(data, "bad.yaml")
    assert "indicators[0](leader_hours_5y).measure.kind" in str(bad.value)
    assert "单位/地区指标的要求应为 share_trained、share_met，而不是 total" in str(bad.value)


def test_a_class_indicator_with_a_cadre_measure_is_refused_naming_the_class_kinds():
    data = raw("henan-2019-2022")
    data["indicators"][0]["subject"] = "class"
    with pytest.raises(PlanFileError) as bad:
        parse_plan(data, "bad.yaml")
    assert "班次指标的要求应为 hours_share、course_share、includes，而不是 total" in str(bad.value)


def test_an_indicator_round_trips_through_its_plan_file_mapping():
    for ind in HENAN.indicators:
        data = copy.deepcopy(raw("henan-2019-2022"))
        data.pop("figures")
        data["indicators"] = [ind.as_spec()] + ([HENAN.indicator(ind.of_indicator).as_spec()]
                                                if ind.of_indicator else [])
        again = parse_plan(data, "again.yaml").indicator(ind.code)
        assert again == ind
