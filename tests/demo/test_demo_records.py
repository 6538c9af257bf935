"""The demo's learning ledger: believable years of training, up to the day of the build, that the
compliance pages can judge."""

import hashlib
import re
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from ganxun.cadres.models import Cadre
from ganxun.demo.generator import build_demo
from ganxun.demo.records import FIRST_YEAR, SHARED_LAST_YEAR, build_records
from ganxun.plans.compliance import cadre_verdicts
from ganxun.plans.catalog import load_plan
from ganxun.records.models import CadreYearTotal, LearningRecord
from ganxun.records.totals import DIMENSIONS, ledger_sums
from ganxun.resources.models import Institution


# The day the demo is built ("today" of the demo world); pinned so the tests see the same ledger any day.
DAY = date(2026, 11, 25)


DEMO_BUILD = {"last_day": DAY}


@pytest.fixture
def demo(shared_demo, db):
    """The small demo (built once for the module: see tests/demo/conftest.py)."""
    return shared_demo


def _verdicts(plan_id: str, as_of: date, code: str) -> Counter:
    plan = load_plan(plan_id)
    return Counter(v.verdict for v in cadre_verdicts(plan, as_of, Cadre.objects.all(), with_evidence=False,
                                                      codes=[code]))


def _ledger_rows() -> list[tuple]:
    """Every entry as (person code, 外部编号, title, source, institution code, start, end, days, hours,
    credit hours, credit days, status, kind, 外部编号 of the reversed entry, completed), in id order."""
    # Joins are resolved in Python: inside the test transaction PostgreSQL has no statistics for the
    # rows just written and would plan the self-join on ``reverses`` as a quadratic nested loop.
    people = dict(Cadre.objects.values_list("id", "person_code"))
    schools = dict(Institution.objects.values_list("id", "code"))
    rows = list(LearningRecord.objects.order_by("id").values_list(
        "id", "cadre_id", "external_id", "title", "source", "institution_id", "start_date", "end_date",
        "days", "hours", "credit_hours", "credit_days", "status", "kind", "reverses_id", "completed"))
    refs = {r[0]: r[2] for r in rows}
    return [(people[r[1]], r[2], r[3], r[4], schools.get(r[5]), *r[6:14], refs.get(r[14]), r[15]) for r in rows]


def _ledger_fingerprint() -> str:
    return hashlib.sha256(repr(_ledger_rows()).encode()).hexdigest()


def _wipe_ledger() -> None:
    from ganxun.classes.models import Certificate, Enrolment, TrainingClass

    Certificate.objects.all().delete()
    Enrolment.objects.all().delete()
    TrainingClass.objects.all().delete()
    CadreYearTotal.objects.all().delete()
    LearningRecord.objects.filter(kind="reversal").delete()
    LearningRecord.objects.all().delete()


def _wipe() -> None:
    from tests.demo.test_demo import _wipe as wipe_everything

    wipe_everything()


# -- volume and shape ------------------------------------------------------------------------


def test_the_small_demo_has_every_year_up_to_the_build_day_for_nearly_every_cadre(demo):
    count = LearningRecord.objects.count()
    # about 60 entries a cadre over 2018 to late 2026 (a city of 10,000 has about 550,000)
    assert 45 * demo.cadres <= count <= 80 * demo.cadres
    assert demo.records == count and demo.last_day == DAY
    with_records = LearningRecord.objects.values("cadre").distinct().count()
    assert with_records >= 0.95 * demo.cadres
    years = Counter(LearningRecord.objects.values_list("end_date__year", flat=True))
    assert set(years) == set(range(FIRST_YEAR, DAY.year + 1))
    assert min(years.values()) > 0.08 * count


def test_records_count_on_their_end_date_and_none_lies_in_the_future_or_before_hiring(demo):
    assert not LearningRecord.objects.filter(end_date__gt=DAY).exists()
    assert not LearningRecord.objects.filter(reviewed_at__date__gt=DAY).exists()
    assert not LearningRecord.objects.filter(start_date__lt=date(FIRST_YEAR, 1, 1)).exists()
    assert not LearningRecord.objects.filter(end_date__lt=F("start_date")).exists()
    assert not LearningRecord.objects.filter(start_date__lt=F("cadre__hired_on")).exists()


def test_a_later_cut_off_day_leaves_out_everything_that_ends_after_it(db):
    build_demo("small", records=False)
    written = build_records(2026, last_day=date(2023, 6, 30))
    assert written == LearningRecord.objects.count() > 0
    assert LearningRecord.objects.latest("end_date").end_date <= date(2023, 6, 30)


def test_every_record_points_at_an_existing_cadre_and_institution_and_copies_its_kind(demo):
    # (SQLite checks foreign keys only at commit, which a test never reaches: check them here)
    cadres = set(Cadre.objects.values_list("pk", flat=True))
    institutions = {i.pk: i for i in Institution.objects.all()}
    rows = LearningRecord.objects.values_list("cadre_id", "institution_id", "institution_name", "institution_kind",
                                              "institution_recognised", "source")
    for cadre_id, inst_id, name, kind, recognised, source in rows:
        assert cadre_id in cadres
        if inst_id is None:
            assert source in ("lecture", "study_group", "self_study") and kind == ""
        else:
            inst = institutions[inst_id]
            assert (name, kind, recognised) == (inst.name, inst.kind, inst.recognised)
    online = LearningRecord.objects.filter(source="online")
    assert set(online.values_list("institution__kind", flat=True)) == {"online_academy"}


def test_the_mix_of_training_looks_like_a_real_city(demo):
    records = LearningRecord.objects.filter(kind="entry")
    sources = Counter(records.values_list("source", flat=True))
    assert set(sources) == {"full_time", "online", "lecture", "study_group", "self_study"}
    assert sources["online"] > sources["lecture"] > sources["full_time"] > sources["self_study"]
    # full-time classes of 2 to 45 days at 7 to 8 学时 a day, at party schools, cadre colleges and the others
    full_time = records.filter(source="full_time")
    assert not full_time.filter(days__lt=2).exists() and not full_time.filter(days__gt=45).exists()
    for days, hours in full_time.filter(reversal__isnull=True).values_list("days", "hours")[:2000]:
        assert Decimal(7) * days <= hours <= Decimal(8) * days
    kinds = set(full_time.values_list("institution_kind", flat=True))
    assert {"party_school", "cadre_college", "party_spirit_base"} <= kinds
    assert full_time.filter(is_system_training=True, institution_kind__in=["party_school", "cadre_college"]).exists()
    assert full_time.filter(content_category="professional", days__gte=5).exists()
    assert full_time.filter(institution_recognised=False).exists()        # now and then a private provider
    # online, lectures and study groups have no days; lectures are 3–4 学时, study sessions 3
    assert not records.exclude(source="full_time").filter(days__gt=0).exists()
    assert set(records.filter(source="lecture").values_list("hours", flat=True)) <= {Decimal("3"), Decimal("3.5"),
                                                                                      Decimal("4")}
    assert set(records.filter(source="study_group").values_list("hours", flat=True)) == {Decimal("3")}
    # study groups are for leadership teams only
    assert not records.filter(source="study_group", cadre__is_team_member=False, cadre__local_team="").exists()
    # classmates share a class: the same title and dates for many cadres
    biggest = Counter(full_time.values_list("title", "start_date", "institution_id")).most_common(1)[0][1]
    assert biggest >= 10
    # titles never speak of an event before it happened
    assert not records.filter(title__contains="二十大精神", end_date__lt=date(2022, 10, 23)).exists()


def test_credits_follow_the_ledger_rules(demo):
    records = LearningRecord.objects.filter(kind="entry")
    # 结业 否, pending and rejected self-study count nothing; full-time days count, others do not
    assert records.filter(completed=False).exists()
    assert not records.filter(completed=False).exclude(credit_hours=0, credit_days=0).exists()
    assert records.filter(source="self_study", status="pending").exists()
    assert records.filter(source="self_study", status="approved").exists()
    assert not records.exclude(status="approved").exclude(credit_hours=0, credit_days=0).exists()
    counted = records.filter(status="approved", completed=True)
    assert not counted.exclude(credit_hours=F("hours")).exists()
    assert not counted.filter(source="full_time").exclude(credit_days=F("days")).exists()
    # pending reviews are the recent ones (the last 75 days): the unit has not got to them yet
    pending = records.filter(status="pending")
    recent = DAY - timedelta(days=75)
    assert pending.earliest("end_date").end_date >= recent
    assert not records.filter(source="self_study", end_date__gte=recent).exclude(status="pending").exists()
    assert not pending.exclude(source="self_study").exists()


def test_a_few_entries_are_reversed_with_a_reason_and_some_corrected(demo):
    reversals = LearningRecord.objects.filter(kind="reversal").select_related("reverses")
    assert 0 < reversals.count() < 0.01 * LearningRecord.objects.count()
    for twin in reversals:
        original = twin.reverses
        assert original.kind == "entry" and original.cadre_id == twin.cadre_id
        assert (twin.credit_hours, twin.credit_days) == (-original.credit_hours, -original.credit_days)
        assert twin.reason and twin.end_date == original.end_date
    corrected = LearningRecord.objects.filter(kind="entry", reason__startswith="更正")
    assert corrected.exists()
    assert reversals.filter(reason__startswith="更正").count() == corrected.count()


def test_external_ids_name_the_demo_and_the_year(demo):
    pattern = re.compile(r"DEMO-(\d{4})-\d{6}")
    entries = LearningRecord.objects.filter(kind="entry").values_list("external_id", "end_date")
    for external_id, end in entries:
        match = pattern.fullmatch(external_id)
        assert match and int(match.group(1)) == end.year, external_id
    assert not LearningRecord.objects.filter(kind="reversal", external_id__isnull=False).exists()


# -- totals ----------------------------------------------------------------------------------


def test_the_totals_equal_a_fresh_sum_over_the_ledger(demo):
    fresh = {
        (r["cadre_id"], r["year"], *[r[d] for d in DIMENSIONS]): (Decimal(r["hours"]), r["days"], r["records"])
        for r in ledger_sums() if r["hours"] or r["days"] or r["records"]
    }
    kept = {
        (t.cadre_id, t.year, *[getattr(t, d) for d in DIMENSIONS]): (t.hours, t.days, t.records)
        for t in CadreYearTotal.objects.all()
    }
    assert kept == fresh and len(kept) > demo.cadres


# -- determinism -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_ledger_and_another_seed_does_not(db):
    build_demo("small", seed=11, last_day=DAY)
    first = _ledger_fingerprint()
    _wipe()
    build_demo("small", seed=11, last_day=DAY)
    assert _ledger_fingerprint() == first
    _wipe()
    build_demo("small", seed=12, last_day=DAY)
    assert _ledger_fingerprint() != first


def test_a_later_build_day_changes_nothing_before_it_but_the_reviews_that_were_pending(db):
    # given the same small world, its ledger built at the end of 2025, on DAY and on the day after
    build_demo("small", records=False)

    def ledger(last_day: date) -> list[tuple]:
        _wipe_ledger()
        build_records(2026, last_day=last_day)
        return _ledger_rows()

    end_of_2025, on_day, next_day = ledger(date(2025, 12, 31)), ledger(DAY), ledger(DAY + timedelta(days=1))
    # then 2018–2025 are the same (外部编号 included), but for the self-study still waiting at the end of
    # 2025, reviewed since
    waiting = {r[1] for r in end_of_2025 if r[11] == "pending"}
    assert waiting and all(r[3] == "self_study" and r[6] >= date(2025, 10, 17)
                           for r in end_of_2025 if r[1] in waiting)
    assert Counter(r for r in end_of_2025 if r[1] not in waiting) == Counter(
        r for r in on_day if r[6].year <= 2025 and r[1] not in waiting)
    settled = Counter(r[11] for r in on_day if r[1] in waiting)
    assert sum(settled.values()) == len(waiting) and set(settled) <= {"approved", "rejected"}

    # and a day later only what ended that day is new (the year's 外部编号 serials and reviews aside)
    def plain(rows, until):
        return Counter((*r[:1], *r[2:9], r[12], r[14]) for r in rows if r[6] <= until)

    assert plain(next_day, DAY) == plain(on_day, DAY)
    assert all(r[6] <= DAY + timedelta(days=1) for r in next_day)


# -- what the compliance pages show -------------------------------------------------------------


def test_the_province_plan_at_its_end_finds_both_met_and_unmet(demo):
    end = date(2022, 12, 31)
    for code in ("leader_hours_5y", "staff_hours_annual", "makeup_5y", "branch_secretary_annual",
                 "team_system_training"):
        verdicts = _verdicts("henan-2019-2022", end, code)
        assert verdicts["met"] > 0 and verdicts["unmet"] > 0, (code, verdicts)
    # most young talents are rotated; the few of the small city who are not were hired too late in the
    # window to count at its end (入职前的年度), and show up later, once four years have gone by
    young = _verdicts("henan-2019-2022", end, "young_rotation_4y")
    assert young["met"] > 0 and young["met"] >= 0.8 * sum(young.values()), young
    assert _verdicts("henan-2019-2022", DAY, "young_rotation_4y")["unmet"] > 0
    # most staff reach 12 days or 90 学时 a year, a visible minority does not
    staff = _verdicts("henan-2019-2022", end, "staff_hours_annual")
    assert 0.60 <= staff["met"] / sum(staff.values()) <= 0.90
    # most leaders reach 550 学时 in the plan period; the 补训 list is not empty but short
    leaders = _verdicts("henan-2019-2022", end, "leader_hours_5y")
    assert 0.70 <= leaders["met"] / sum(leaders.values()) <= 0.95
    makeup = _verdicts("henan-2019-2022", end, "makeup_5y")
    assert 0 < makeup["unmet"] <= 0.25 * sum(makeup.values())


def test_mid_period_some_leaders_are_behind_pace(demo):
    verdicts = _verdicts("henan-2019-2022", date(2021, 6, 30), "leader_hours_5y")
    assert verdicts["at_risk"] > 0 and verdicts["on_track"] > 0 and verdicts["met"] > 0


def test_the_city_plan_over_rolling_years_sees_the_later_years_too(demo):
    end = date(SHARED_LAST_YEAR, 12, 31)
    staff = _verdicts("xuchang-2019-2022", end, "staff_hours_annual")
    assert 0.70 <= staff["met"] / sum(staff.values()) <= 0.92
    leaders = _verdicts("xuchang-2019-2022", end, "leader_hours_5y")
    assert leaders["met"] > leaders["unmet"] > 0


def test_the_current_year_is_a_partial_one_that_the_dashboard_can_judge_today(demo):
    # the build day's year has training through the months before it, none after
    this_year = LearningRecord.objects.filter(end_date__year=DAY.year, kind="entry")
    months = Counter(this_year.values_list("end_date__month", flat=True))
    assert set(months) == set(range(1, DAY.month + 1))
    last_year = LearningRecord.objects.filter(end_date__year=DAY.year - 1, kind="entry").count()
    assert 0.75 * last_year <= this_year.count() <= last_year
    # so on the build day the yearly indicators are mostly reached or on pace (the year is not over:
    # nothing is unmet yet), a minority behind
    for code in ("staff_hours_annual", "branch_secretary_annual"):
        verdicts = _verdicts("henan-2019-2022", DAY, code)
        assert verdicts["unmet"] == 0, (code, verdicts)
        assert verdicts["met"] + verdicts["on_track"] > 0.6 * sum(verdicts.values()), (code, verdicts)
    staff = _verdicts("henan-2019-2022", DAY, "staff_hours_annual")
    assert staff["on_track"] > 0 and 0 < staff["at_risk"] < 0.4 * sum(staff.values())
    # and at mid-year most staff are on pace rather than done
    mid = _verdicts("henan-2019-2022", date(DAY.year, 6, 30), "staff_hours_annual")
    assert mid["on_track"] > mid["met"] > 0 and mid["at_risk"] > 0


def test_the_demo_command_says_how_many_records_it_made_and_up_to_which_day(db):
    out = StringIO()
    call_command("demo", "--size", "small", "--no-serve", stdout=out)
    count = LearningRecord.objects.count()
    today = date.today()
    assert f"{count:,} 条学时记录（{FIRST_YEAR} 年 1 月 1 日至 {today.year} 年 {today.month} 月 {today.day} 日）" \
        in out.getvalue()
    assert LearningRecord.objects.latest("end_date").end_date <= today
    # a demo database built a while ago is reused as it is, and the command says how old its ledger is
    stale = today - timedelta(days=30)
    from ganxun.classes.models import Certificate, Enrolment

    # (the class completions keep their entries: their trainees go first)
    Certificate.objects.filter(enrolment__record__end_date__gt=stale).delete()
    Enrolment.objects.filter(record__end_date__gt=stale).delete()
    LearningRecord.objects.filter(kind="reversal", end_date__gt=stale).delete()
    LearningRecord.objects.filter(end_date__gt=stale).delete()
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    latest = LearningRecord.objects.latest("end_date").end_date
    assert f"学时记录截至 {latest.year} 年 {latest.month} 月 {latest.day} 日" in out.getvalue()
    assert LearningRecord.objects.count() < count
