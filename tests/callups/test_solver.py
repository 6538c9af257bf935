"""The call-up solver keeps every hard rule on generated cases (checked by the independent checker), is never
below the greedy baseline, and each hard rule binds in a case made for it."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganxun.callups.feasibility import violations
from ganxun.callups.solver import Candidate, Case, ClassOffer, UnitCap, greedy, objective_of, solve

D = date(2027, 3, 1)
TAGS = ("tier:county", "tier:section", "young", "team")


@st.composite
def cases(draw):
    n_classes = draw(st.integers(1, 5))
    units = [f"U{i}" for i in range(draw(st.integers(1, 4)))]
    classes = []
    for i in range(n_classes):
        start = D + timedelta(days=draw(st.integers(0, 20)))
        length = draw(st.integers(1, 8))
        audience = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(TAGS), min_size=1, max_size=2)))
        unit_quotas = draw(st.dictionaries(st.sampled_from(units), st.integers(0, 2), max_size=2))
        classes.append(ClassOffer(f"C{i}", start, start + timedelta(days=length - 1), draw(st.integers(0, 5)),
                                  unit_quotas, audience, draw(st.sampled_from(("core", "initial", "promotion"))),
                                  draw(st.booleans())))
    candidates = []
    for pid in range(draw(st.integers(0, 25))):
        needs = draw(st.dictionaries(st.sampled_from(("makeup_5y", "hours_at_risk", "long_untrained")),
                                     st.integers(5, 40), max_size=2))
        busy = ()
        if draw(st.booleans()):
            s = D + timedelta(days=draw(st.integers(0, 25)))
            busy = ((s, s + timedelta(days=draw(st.integers(0, 5)))),)
        bonus = draw(st.dictionaries(st.sampled_from(("initial", "promotion")), st.integers(5, 30), max_size=1))
        candidates.append(Candidate(pid, draw(st.sampled_from(units)),
                                    draw(st.frozensets(st.sampled_from(TAGS), max_size=2)), needs, busy, bonus))
    caps = {}
    for u in units:
        already = {D + timedelta(days=d): 1 for d in range(draw(st.integers(0, 3)))}
        caps[u] = UnitCap(u, 10, draw(st.integers(1, 3)), already)
    per_person = draw(st.sampled_from((1, 1, 2)))
    return Case(classes, candidates, caps, per_person)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_solver_and_greedy_never_break_a_hard_rule_and_the_solver_is_never_below_greedy(case):
    baseline = greedy(case)
    assert violations(case, baseline) == []
    solution = solve(case, time_limit=5)
    assert violations(case, solution.placements) == []
    assert solution.objective >= objective_of(case, baseline)
    assert solution.objective <= solution.bound or solution.status not in ("optimal", "feasible")


def _one(**over):
    base = dict(code="C1", start=D, end=D + timedelta(days=4), quota=5, unit_quotas={}, audience=None, kind="core")
    return ClassOffer(**{**base, **over})


def test_each_hard_rule_binds_in_a_case_made_for_it():
    needy = {"makeup_5y": 40}
    # quota 1, two needy people: one placed, the needier one, and they are told why
    case = Case([_one(quota=1)], [Candidate(1, "U", needs={"long_untrained": 25}), Candidate(2, "U", needs=needy)])
    s = solve(case, time_limit=5)
    assert s.placements == {"C1": [2]} and s.reasons[2] == ["五年轮训未完成，需补训"]
    # overlapping classes: one person in at most one of them, even with two classes a person allowed
    case = Case([_one(), _one(code="C2", start=D + timedelta(days=2), end=D + timedelta(days=6))],
                [Candidate(1, "U", needs=needy)], per_person_max=2)
    assert sum(len(v) for v in solve(case, time_limit=5).placements.values()) == 1
    # a unit that may have one away: one of its two placed
    case = Case([_one()], [Candidate(1, "U", needs=needy), Candidate(2, "U", needs=needy)],
                {"U": UnitCap("U", 5, 1)})
    assert len(solve(case, time_limit=5).placements["C1"]) == 1
    # already one away on one of the class's days: nobody more from that unit
    case = Case([_one()], [Candidate(1, "U", needs=needy)], {"U": UnitCap("U", 5, 1, {D + timedelta(days=3): 1})})
    assert solve(case, time_limit=5).placements["C1"] == []
    # busy (on leave) during the class, or not of the class's audience: not placed
    case = Case([_one(audience=frozenset({"young"}))],
                [Candidate(1, "U", needs=needy, busy=((D, D),)), Candidate(2, "U", tags=frozenset({"team"}), needs=needy),
                 Candidate(3, "U", tags=frozenset({"young"}), needs=needy)])
    assert solve(case, time_limit=5).placements["C1"] == [3]
    # a unit's places in the class
    case = Case([_one(unit_quotas={"U": 1})], [Candidate(1, "U", needs=needy), Candidate(2, "U", needs=needy),
                                               Candidate(3, "V", needs=needy)])
    placed = solve(case, time_limit=5).placements["C1"]
    assert len(placed) == 2 and 3 in placed
    # the class of the kind someone is due is where they go, and the reason says so
    case = Case([_one(kind="core"), _one(code="C2", kind="promotion")],
                [Candidate(1, "U", needs={"hours_at_risk": 20}, kind_bonus={"promotion": 30})])
    s = solve(case, time_limit=5)
    assert s.placements == {"C1": [], "C2": [1]} and s.reasons[1] == ["年度学时有不达标风险", "与班次类型相符"]


def test_the_checker_reports_each_kind_of_broken_rule():
    case = Case([_one(quota=1, audience=frozenset({"young"}), unit_quotas={"U": 0}),
                 _one(code="C2", start=D + timedelta(days=1))],
                [Candidate(1, "U", needs={"x": 1}, busy=((D, D),)), Candidate(2, "U", tags=frozenset({"young"}))],
                {"U": UnitCap("U", 5, 1)})
    found = "\n".join(violations(case, {"C1": [1, 2], "C2": [2]}))
    for words in ("超过名额 1", "不属于培训对象", "已有安排", "超过该单位名额 0", "时间重叠", "超过 1 个", "同时脱产 2 人"):
        assert words in found, words
    assert violations(case, {"C9": [1]}) == ["班次 C9 不在本次安排中"]
