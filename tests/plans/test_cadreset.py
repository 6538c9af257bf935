"""A few cadres read into memory are evaluated exactly as the database evaluates them.

The verdict store re-evaluates the cadres a write touched from their rows in memory (``cadreset.InMemory``); a
rebuild, a check and every live page evaluate by queries (``cadreset.Queried``). Here both read one ledger with
every kind of row — entries of each form, institution kind and content, system training, multi-day and
zero-credit entries, corrections, reversals, pending claims, uncompleted courses — and must give the same
tallies for any filter and window, and the same verdicts and facts for the seed plans at any date.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganxun.cadres.models import Cadre
from ganxun.plans import catalog
from ganxun.plans.cadreset import InMemory, Queried, counts_match
from ganxun.plans.compliance import evaluate_cadre_verdicts
from ganxun.plans.engine import Span
from ganxun.plans.facts import cadre_facts
from ganxun.plans.fetch import counts_q
from ganxun.plans.spec import CATEGORIES, INSTITUTION_FILTERS, SOURCES, Counts
from ganxun.records.models import LearningRecord
from ganxun.records.services import record_append, record_correct, record_reverse, set_credit
from ganxun.records.totals import rebuild_totals
from tests.factories import add_institution

KINDS = ("party_school", "cadre_college", "university_base", "private_provider")


@pytest.fixture
def mixed_ledger(world):
    """Every cadre of the world with about fifteen rows of every kind between 2017 and 2026."""
    admin = world.users["admin"]
    for i, kind in enumerate(KINDS):
        add_institution(f"MIX{i}", f"测试机构{i}", kind, recognised=i % 2 == 1)
    rng = random.Random(14)
    codes = sorted(Cadre.objects.values_list("person_code", flat=True))
    for code in codes:
        for _ in range(12):
            start = date(2017, 1, 1) + timedelta(days=rng.randrange(0, 3600))
            source = rng.choice(SOURCES[:5])
            days = rng.choice([0, 1, 3, 7, 30]) if source == "full_time" else 0   # days count for full-time only
            record_append(acting_user=admin, person_code=code, institution_code=f"MIX{rng.randrange(len(KINDS))}",
                          values={"title": "混合台账", "source": source,
                                  "content_category": rng.choice(("",) + CATEGORIES), "start_date": start,
                                  "end_date": start + timedelta(days=max(days - 1, 0)), "days": days,
                                  "hours": str(rng.choice([0, 2, 8, 40, 120])),
                                  "is_system_training": rng.random() < 0.3, "completed": rng.random() < 0.85})
    entries = list(LearningRecord.objects.filter(kind="entry", credit_hours__gt=0).order_by("pk"))
    for entry in entries[::9]:
        record_reverse(acting_user=admin, record_id=entry.pk, reason="重复登记")
    for entry in entries[4::11]:
        record_correct(acting_user=admin, record_id=entry.pk, values={"hours": "16"}, reason="学时登记有误")
    cadre = Cadre.objects.order_by("pk").first()
    pending = LearningRecord(cadre=cadre, title="自学待审", source="self_study", start_date=date(2025, 3, 1),
                             end_date=date(2025, 3, 1), hours=Decimal(10), status="pending")
    set_credit(pending).save()
    rebuild_totals()
    return codes


counts_st = st.builds(
    Counts,
    sources=st.lists(st.sampled_from(SOURCES), max_size=2, unique=True).map(tuple),
    exclude_sources=st.lists(st.sampled_from(SOURCES), max_size=2, unique=True).map(tuple),
    institutions=st.sampled_from(sorted(INSTITUTION_FILTERS)),
    system_training=st.booleans(),
    content_categories=st.lists(st.sampled_from(CATEGORIES), max_size=2, unique=True).map(tuple),
    min_days=st.sampled_from([0, 0, 1, 3, 7]))


@st.composite
def spans(draw):
    start = draw(st.dates(date(2016, 6, 1), date(2026, 6, 30)))
    start = draw(st.sampled_from([start, date(start.year, 1, 1)]))   # whole years read the year totals
    end = draw(st.sampled_from([date(start.year + n, 12, 31) for n in range(0, 6)]))
    upto = draw(st.sampled_from([end, min(end, start + timedelta(days=draw(st.integers(0, 2000))))]))
    return Span(start, end, upto)


def _shape(tallies):
    return {pk: (t.hours, t.days, t.count, t.dates, t.evidence) for pk, t in tallies.items() if t.hours or t.days
            or t.count or t.dates or t.evidence}


def test_the_in_memory_filter_is_the_database_filter(mixed_ledger):
    rows = list(LearningRecord.objects.all())

    @settings(max_examples=150, deadline=None)
    @given(counts_st)
    def check(counts):
        by_sql = set(LearningRecord.objects.filter(counts_q(counts)).values_list("pk", flat=True))
        assert by_sql == {r.pk for r in rows if counts_match(counts, r)}

    check()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counts=counts_st, span=spans(), dated=st.booleans(), evidence=st.booleans(), few=st.integers(1, 6))
def test_a_few_cadres_in_memory_are_tallied_as_the_database_tallies_them(mixed_ledger, counts, span, dated, evidence,
                                                                          few):
    ids = sorted(Cadre.objects.values_list("pk", flat=True))[:few]
    queried = Queried(Cadre.objects.filter(pk__in=ids)).tallies(counts, span, need_dates=dated,
                                                                need_evidence=evidence)
    in_memory = InMemory.load(ids).tallies(counts, span, need_dates=dated, need_evidence=evidence)
    assert _shape(in_memory) == _shape(queried)


def test_a_few_cadres_in_memory_get_the_verdicts_and_facts_a_query_gives(mixed_ledger):
    ids = list(Cadre.objects.values_list("pk", flat=True))
    compared = 0
    for plan_id in catalog.plan_ids():
        plan = catalog.load_plan(plan_id)
        for as_of in (date(2018, 6, 30), date(2019, 12, 31), date(2021, 3, 1), date(2022, 12, 31), date(2024, 8, 15),
                      date(2026, 12, 1)):
            queried = evaluate_cadre_verdicts(plan, as_of, Cadre.objects.filter(pk__in=ids))
            in_memory = evaluate_cadre_verdicts(plan, as_of, InMemory.load(ids))
            assert [(v.as_dict(), v.progress) for v in in_memory] == [(v.as_dict(), v.progress) for v in queried]
            assert (cadre_facts(plan, as_of, InMemory.load(ids), in_memory)
                    == cadre_facts(plan, as_of, Cadre.objects.filter(pk__in=ids), queried))
            compared += len(queried)
    assert compared > 100   # the ledger gives every plan's indicators something to judge


def test_a_refresh_reads_the_few_cadres_once_for_every_snapshot(world, mixed_ledger, django_assert_max_num_queries):
    from ganxun.plans.store import _upsert_marks, rebuild, refresh_marked

    plan = catalog.load_plan("henan-2019-2022")
    rebuild(plan_id=plan.id, dates=[date(2019, 12, 31), date(2020, 12, 31), date(2022, 12, 31)])
    cadre = Cadre.objects.get(person_code="C-CITY-1")
    _upsert_marks([(cadre.pk, None)])
    # three snapshots, each re-evaluated: one query for the cadre and one for its ledger in all, where each
    # snapshot's evaluation alone took about thirty
    with django_assert_max_num_queries(40):
        assert refresh_marked([cadre.pk]) == 1
