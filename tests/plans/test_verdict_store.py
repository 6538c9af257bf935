"""The verdict store: a rebuild holds what a fresh evaluation says, ``verdicts check`` finds a row that does not,
and a rebuild that dies midway leaves the old snapshot serving."""

from datetime import date

import pytest

from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.plans.catalog import load_plan
from ganxun.plans.compliance import cadre_verdicts, compliance_scope, evaluate_cadre_verdicts
from ganxun.plans.models import SnapshotState, StoredVerdict, VerdictDirty, VerdictSnapshot
from ganxun.plans.store import check, current_snapshot, rebuild, reporting_dates
from ganxun.records.services import record_append
from tests.factories import run_command

PLAN = "henan-2019-2022"
END = date(2022, 12, 31)


@pytest.fixture
def ledger(world, schools):
    for person, title, start, end, hours in (("C-CITY-1", "进修班", date(2022, 3, 1), date(2022, 3, 30), "180"),
                                             ("C-DC-2", "科级干部班", date(2022, 5, 1), date(2022, 5, 12), "90"),
                                             ("C-XC-1", "支部书记轮训班", date(2021, 6, 1), date(2021, 6, 5), "40")):
        record_append(acting_user=world.users["admin"], person_code=person, institution_code="DX4199",
                      external_id=f"EXT-{person}", values={"title": title, "source": "full_time", "start_date": start,
                                                           "end_date": end, "hours": hours})


def main(argv: list[str]) -> int:
    return run_command(*argv)


def _stored(plan, as_of):
    snap = current_snapshot(plan, as_of)
    return {(r.cadre.person_code, r.indicator): (r.verdict, r.actual, r.evidence)
            for r in StoredVerdict.objects.filter(snapshot=snap).select_related("cadre")}


def test_the_reporting_dates_are_the_year_ends_that_have_passed_the_plan_end_and_today():
    plan = load_plan(PLAN)
    assert reporting_dates(plan, date(2021, 7, 1)) == [date(2018, 12, 31), date(2019, 12, 31), date(2020, 12, 31),
                                                       date(2021, 7, 1)]
    assert reporting_dates(plan, date(2026, 12, 2))[-2:] == [END, date(2026, 12, 2)]


def test_a_rebuild_stores_what_a_fresh_evaluation_says(world, ledger):
    plan = load_plan(PLAN)
    [result] = rebuild(plan_id=PLAN, dates=[END])
    fresh = cadre_verdicts(plan, END, compliance_scope(UNSCOPED_OPERATOR))
    assert result.rows == len(fresh) > 0 and result.cadres == compliance_scope(UNSCOPED_OPERATOR).count()
    assert _stored(plan, END) == {(v.subject, v.indicator): (v.verdict, v.as_dict()["actual"], v.evidence) for v in fresh}
    assert _stored(plan, END)[("C-CITY-1", "leader_hours_5y")] == ("unmet", {"days": 30, "hours": 180.0},
                                                                  ["EXT-C-CITY-1"])
    # a second rebuild replaces the snapshot: one current, the rows not doubled
    rebuild(plan_id=PLAN, dates=[END])
    assert VerdictSnapshot.objects.filter(state=SnapshotState.CURRENT).count() == 1
    assert StoredVerdict.objects.count() == len(fresh)
    assert check(plan_id=PLAN, sample=50, seed=1) == (compliance_scope(UNSCOPED_OPERATOR).count(), [])


def test_check_finds_a_tampered_row_a_deleted_one_and_a_store_left_behind_by_the_ledger(world, ledger, capsys):
    rebuild(plan_id=PLAN, dates=[END])
    assert main(["verdicts", "check", "--plan", PLAN, "--org", "419901"]) == 0
    assert "结论库与重新计算一致" in capsys.readouterr().out
    row = StoredVerdict.objects.get(cadre__person_code="C-CITY-1", indicator="leader_hours_5y")
    StoredVerdict.objects.filter(pk=row.pk).update(verdict="met")
    assert main(["verdicts", "check", "--plan", PLAN, "--sample", "100"]) == 1
    out = capsys.readouterr()
    assert "C-CITY-1 leader_hours_5y verdict：库中 'met'，重新计算 'unmet'" in out.out and "不一致：1 处" in out.err
    StoredVerdict.objects.filter(pk=row.pk).update(verdict="unmet")
    StoredVerdict.objects.filter(cadre__person_code="C-DC-2").delete()
    assert main(["verdicts", "check", "--plan", PLAN, "--sample", "100"]) == 1
    assert "C-DC-2" in capsys.readouterr().out
    # a record written through the services is marked and read live until the store takes it in: not a difference
    rebuild(plan_id=PLAN, dates=[END])
    record_append(acting_user=world.users["admin"], person_code="C-CITY-1", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 30), "hours": "200"})
    assert main(["verdicts", "check", "--plan", PLAN, "--org", "4199ZZB", "--sample", "100"]) == 0
    assert "另有 1 名干部的结论待更新" in capsys.readouterr().err
    # the registry changed behind the services' back (by hand, in the database) leaves the store wrong: found
    from ganxun.cadres.models import Cadre

    rebuild(plan_id=PLAN, dates=[END])
    Cadre.objects.filter(person_code="C-DC-2").update(rank="division_chief", tier="division")
    assert main(["verdicts", "check", "--plan", PLAN, "--org", "419901", "--sample", "0"]) == 1
    assert "C-DC-2 staff_hours_annual" in capsys.readouterr().out
    # a unit's count changed by hand, and a cadre's fact: both found
    from ganxun.plans.models import StoredFact, StoredOrgFact

    rebuild(plan_id=PLAN, dates=[END])
    assert main(["verdicts", "check", "--plan", PLAN, "--sample", "100"]) == 0
    StoredOrgFact.objects.filter(org__code="419901CZJ", key="cadres").update(value=7)
    assert main(["verdicts", "check", "--plan", PLAN, "--sample", "100"]) == 1
    assert "419901CZJ 单位统计 cadres：库中 7，重新计算 2" in capsys.readouterr().out
    rebuild(plan_id=PLAN, dates=[END])
    fact = StoredFact.objects.get(cadre__person_code="C-XC-1")
    del fact.facts["cadres"]
    fact.save()
    assert main(["verdicts", "check", "--plan", PLAN, "--org", "419902"]) == 1
    assert "C-XC-1 统计项 cadres：库中 None，重新计算 1" in capsys.readouterr().out


def test_a_rebuild_that_dies_midway_leaves_the_old_snapshot_serving(world, ledger, monkeypatch):
    from ganxun.plans import store

    plan = load_plan(PLAN)
    rebuild(plan_id=PLAN, dates=[END])
    before = _stored(plan, END)
    record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 10), "hours": "60"})
    written = []

    def dies_after_the_first_chunk(snapshot, plan, as_of, chunk):
        if written:
            raise KeyboardInterrupt("killed")
        written.append(real(snapshot, plan, as_of, chunk))
        return written[-1]

    real = store._write
    monkeypatch.setattr(store, "CHUNK", 2)
    monkeypatch.setattr(store, "_write", dies_after_the_first_chunk)
    with pytest.raises(KeyboardInterrupt):
        rebuild(plan_id=PLAN, dates=[END])
    assert written and StoredVerdict.objects.filter(snapshot__state=SnapshotState.FAILED).exists()
    assert _stored(plan, END) == before   # the old snapshot still answers
    monkeypatch.undo()
    rebuild(plan_id=PLAN, dates=[END])     # and the next rebuild clears what the dead one left
    assert set(VerdictSnapshot.objects.values_list("state", flat=True)) == {SnapshotState.CURRENT}
    fresh = cadre_verdicts(plan, END, compliance_scope(UNSCOPED_OPERATOR))
    assert _stored(plan, END) == {(v.subject, v.indicator): (v.verdict, v.as_dict()["actual"], v.evidence) for v in fresh} != before


def test_verdicts_commands_refuse_bad_input(world, capsys):
    assert main(["verdicts", "check"]) == 2
    assert "达标结论库为空" in capsys.readouterr().err
    assert main(["verdicts", "rebuild", "--plan", "no-such-plan"]) == 2
    assert "规划 no-such-plan 不存在" in capsys.readouterr().err
    assert main(["verdicts", "rebuild", "--plan", PLAN, "--as-of", "2022-13-01"]) == 2
    assert "--as-of 应为 YYYY-MM-DD" in capsys.readouterr().err
    assert main(["verdicts", "rebuild", "--plan", PLAN, "--jobs", "0"]) == 2
    assert "--jobs 应为正整数" in capsys.readouterr().err
    assert not VerdictSnapshot.objects.exists()


# ---- kept current ------------------------------------------------------------------------------------------------

def _fresh_rows(plan, as_of):
    fresh = evaluate_cadre_verdicts(plan, as_of, compliance_scope(UNSCOPED_OPERATOR))
    return {(v.subject, v.indicator): (v.verdict, v.as_dict()["actual"], sorted(v.evidence)) for v in fresh}


def _stored_rows(plan, as_of):
    return {k: (verdict, actual, sorted(evidence)) for k, (verdict, actual, evidence) in _stored(plan, as_of).items()}


def test_the_readers_get_the_same_verdicts_from_the_store_and_a_marked_cadre_live(world, ledger):
    plan = load_plan(PLAN)
    cadres = compliance_scope(UNSCOPED_OPERATOR)
    live = [v.as_dict() for v in evaluate_cadre_verdicts(plan, END, cadres, include_not_applicable=True)]
    rebuild(plan_id=PLAN, dates=[END])
    assert [v.as_dict() for v in cadre_verdicts(plan, END, cadres, include_not_applicable=True)] == live
    some = cadres.filter(org__code="419901CZJ")
    assert [v.as_dict() for v in cadre_verdicts(plan, END, some, codes=["staff_hours_annual"])] == [
        v.as_dict() for v in evaluate_cadre_verdicts(plan, END, some, codes=["staff_hours_annual"])]
    # a record the store has not taken in yet (its after-commit step did not run): the reader evaluates her live
    record_append(acting_user=world.users["admin"], person_code="C-DC-2", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 20), "hours": "120"})
    assert VerdictDirty.objects.filter(cadre__person_code="C-DC-2").exists()
    now = [v.as_dict() for v in evaluate_cadre_verdicts(plan, END, cadres, include_not_applicable=True)]
    assert now != live and [v.as_dict() for v in cadre_verdicts(plan, END, cadres, include_not_applicable=True)] == now


def test_after_the_commit_a_write_is_in_the_store(world, ledger, django_capture_on_commit_callbacks):
    plan = load_plan(PLAN)
    rebuild(plan_id=PLAN, dates=[END, date(2021, 6, 30)])
    with django_capture_on_commit_callbacks(execute=True):
        record_append(acting_user=world.users["admin"], person_code="C-DC-2", institution_code="DX4199",
                      values={"title": "专题班", "source": "full_time", "start_date": date(2021, 3, 1),
                              "end_date": date(2021, 3, 20), "hours": "120"})
    assert not VerdictDirty.objects.exists()
    for as_of in (END, date(2021, 6, 30)):
        assert _stored_rows(plan, as_of) == _fresh_rows(plan, as_of)


def _board(user, as_of, org=None):
    """What the dashboard shows, as plain data: every row's counts and unit verdicts, the lists, the figures."""
    from ganxun.reports.selectors import compliance_dashboard

    b = compliance_dashboard(user, load_plan(PLAN), as_of, org_code=org)
    rows = [(r.code, r.cadres, {k: vars(c) for k, c in r.cells.items()},
             {k: v.as_dict() for k, v in r.org_verdicts.items()}) for r in (b.total, *b.rows)]
    return {"rows": rows, "lists": (b.makeup, b.at_risk, b.at_risk_people, b.unmet, b.unmet_people),
            "figures": [f.as_dict() for f in b.figures], "stored": b.stored_at is not None}


def _boards_agree(user, as_of, org=None):
    """The board from the store's unit counts equals the board evaluated afresh (the snapshots set aside)."""
    from django.db import transaction

    stored = _board(user, as_of, org)
    with transaction.atomic():
        VerdictSnapshot.objects.all().delete()
        live = _board(user, as_of, org)
        transaction.set_rollback(True)
    assert stored.pop("stored") and not live.pop("stored")
    assert stored == live
    return stored


VIEWS = (("admin", None), ("city", "4199"), ("city", "419901"), ("dc", None))


def _a_write_not_yet_taken_in(world):
    """A record the store has not taken in yet, and a cadre moved to another unit: the readers take those cadres
    out as they were counted and put them back live."""
    from ganxun.cadres.services import cadre_update

    record_append(acting_user=world.users["admin"], person_code="C-DC-2", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 20), "hours": "120"})
    cadre_update(acting_user=world.users["admin"], person_code="C-CITY-1", values={}, org_code="419901CZJ",
                 reason="调动")
    assert VerdictDirty.objects.count() == 2


def test_the_dashboard_from_the_units_counts_equals_a_fresh_one_also_with_a_write_not_yet_taken_in(world, ledger):
    rebuild(plan_id=PLAN, dates=[END, date(2021, 6, 30)])
    for user, org in VIEWS:
        for as_of in (END, date(2021, 6, 30)):
            board = _boards_agree(world.users[user], as_of, org)
    assert board["rows"][0][1] > 0
    _a_write_not_yet_taken_in(world)
    for user, org in VIEWS[:3]:
        _boards_agree(world.users[user], END, org)


def _org_reports_agree(user, as_of, org=None):
    """The org report (the org compliance API, ``ganxun compliance --subject orgs``) from the units' counts equals
    the one evaluated afresh: every org's unit verdicts and the figures."""
    from ganxun.plans.compliance import evaluate_org_report, org_report

    plan = load_plan(PLAN)
    verdicts, figures = org_report(user, plan, as_of, org_code=org, include_not_applicable=True)
    live_verdicts, live_figures = evaluate_org_report(user, plan, as_of, org_code=org, include_not_applicable=True)
    assert current_snapshot(plan, as_of) is not None
    assert [v.as_dict() for v in verdicts] == [v.as_dict() for v in live_verdicts]
    assert [f.as_dict() for f in figures] == [f.as_dict() for f in live_figures]
    return verdicts, figures


def test_the_org_report_from_the_units_counts_equals_a_fresh_one_also_with_a_write_not_yet_taken_in(world, ledger):
    rebuild(plan_id=PLAN, dates=[END, date(2021, 6, 30)])
    for user, org in VIEWS:
        for as_of in (END, date(2021, 6, 30)):
            verdicts, figures = _org_reports_agree(world.users[user], as_of, org)
    assert verdicts and any(v.verdict != "not_applicable" for v in verdicts)
    assert any(f.denominator for f in figures)
    _a_write_not_yet_taken_in(world)
    for user, org in VIEWS[:3]:
        _org_reports_agree(world.users[user], END, org)


RANKS = ["division_chief", "division_deputy", "section_chief", "section_deputy", "clerk_1", "principal_clerk_2"]
UNITS = ["4199JYJ", "419901CZJ", "419902NYJ"]


def test_the_store_equals_a_fresh_evaluation_after_every_kind_of_write(world, schools,
                                                                      django_capture_on_commit_callbacks):
    from hypothesis import HealthCheck, settings
    from hypothesis import strategies as st
    from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

    from ganxun.cadres.services import cadre_update
    from ganxun.records.models import CadreYearTotal, LearningRecord
    from ganxun.records.services import record_correct, record_reverse

    plan = load_plan(PLAN)
    admin = world.users["admin"]
    people = ["C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"]
    dates = [END, date(2020, 12, 31)]

    def written():
        return django_capture_on_commit_callbacks(execute=True)

    class Ledger(RuleBasedStateMachine):
        @initialize()
        def start(self):
            # each example starts from an empty ledger (the examples share the test's database)
            LearningRecord.objects.filter(reverses__isnull=False).delete()
            LearningRecord.objects.all().delete()
            CadreYearTotal.objects.all().delete()
            VerdictSnapshot.objects.all().delete()
            rebuild(plan_id=PLAN, dates=dates)

        @rule(person=st.sampled_from(people), source=st.sampled_from(["full_time", "online", "lecture"]),
              year=st.integers(2018, 2022), month=st.integers(1, 12), days=st.integers(0, 30),
              hours=st.integers(1, 400), system=st.booleans())
        def append(self, person, source, year, month, days, hours, system):
            start = date(year, month, 1)
            with written():
                record_append(acting_user=admin, person_code=person, institution_code="DX4199",
                              values={"title": "培训班", "source": source, "start_date": start,
                                      "end_date": date.fromordinal(start.toordinal() + days), "hours": str(hours),
                                      "is_system_training": system})

        def _entry(self, pick):
            entries = list(LearningRecord.objects.filter(kind="entry", reversal__isnull=True, status="approved").order_by("pk"))
            return entries[pick % len(entries)] if entries else None

        @rule(pick=st.integers(0, 50), hours=st.integers(1, 400))
        def correct(self, pick, hours):
            if (entry := self._entry(pick)) is not None:
                with written():
                    record_correct(acting_user=admin, record_id=entry.pk, values={"hours": str(hours)},
                                   reason="学时登记有误")

        @rule(pick=st.integers(0, 50))
        def reverse(self, pick):
            if (entry := self._entry(pick)) is not None:
                with written():
                    record_reverse(acting_user=admin, record_id=entry.pk, reason="重复登记")

        @rule(person=st.sampled_from(people), unit=st.sampled_from(UNITS))
        def move(self, person, unit):
            with written():
                cadre_update(acting_user=admin, person_code=person, values={}, org_code=unit, reason="调动")

        @rule(person=st.sampled_from(people), rank=st.sampled_from(RANKS))
        def promote(self, person, rank):
            with written():
                cadre_update(acting_user=admin, person_code=person, values={"rank": rank}, reason="职级变动")

        @invariant()
        def store_is_current(self):
            assert not VerdictDirty.objects.exists()
            for as_of in dates:
                assert _stored_rows(plan, as_of) == _fresh_rows(plan, as_of)
            _boards_agree(admin, END)
            _boards_agree(admin, END, "4199")
            _org_reports_agree(admin, END)

    Ledger.TestCase.settings = settings(max_examples=12, stateful_step_count=6, deadline=None,
                                        suppress_health_check=[HealthCheck.function_scoped_fixture])
    Ledger.TestCase().runTest()


def test_the_dashboard_reads_the_store_says_so_and_shows_the_same_numbers(client, world, ledger):
    import re

    client.force_login(world.users["city"])
    url = f"/reports/dashboard/?plan={PLAN}&as_of={END}&org=4199&view=rates"
    live = client.get(url).content.decode()
    assert 'data-testid="dashboard-stored"' not in live
    rebuild(plan_id=PLAN, dates=[END])
    stored = client.get(url).content.decode()
    assert "干部指标结论取自达标结论库" in stored

    def numbers(html):
        main = html.split('data-testid="figures"', 1)[1]
        return re.findall(r">\s*([0-9]+(?:\.[0-9]+)?%?)\s*<", main)

    assert numbers(stored) == numbers(live) and len(numbers(live)) > 10
    record_append(acting_user=world.users["admin"], person_code="C-DC-2", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 20), "hours": "120"})
    assert "另有 1 名干部的结论正在更新" in client.get(url).content.decode()


def test_a_plan_published_anew_goes_into_the_store_as_a_job(world, ledger, django_capture_on_commit_callbacks):
    from ganxun.jobs.models import Job
    from ganxun.plans.services import plan_import, plan_publish
    from ganxun.plans.spec import dump_yaml, file_plan_raw

    rebuild(plan_id=PLAN, dates=[END])
    raw = file_plan_raw("xuchang-2019-2022") | {"id": "shili-2019-2022", "title": "示例市2019—2022年干部教育培训规划"}
    city = world.users["city"]
    with django_capture_on_commit_callbacks(execute=True):
        plan_import(acting_user=city, text=dump_yaml(raw), filename="shili.yaml")
        plan_publish(acting_user=city, code="shili-2019-2022")
    job = Job.objects.get(kind="verdicts_rebuild")
    assert job.status == "done" and job.owner == city and "已重算" in job.message
    plan = load_plan("shili-2019-2022")
    assert plan.version == 1 and current_snapshot(plan, END) is not None
    assert _stored_rows(plan, END) == _fresh_rows(plan, END)


def test_an_import_of_records_goes_into_the_store(world, ledger, django_capture_on_commit_callbacks, settings):
    from ganxun.records.importers import import_records
    from tests.records.test_record_import import rec, table_of

    plan = load_plan(PLAN)
    rebuild(plan_id=PLAN, dates=[END])
    settings.GANXUN_VERDICTS_INLINE_CADRES = 1   # two cadres: more than "a few", so the worker's task takes them
    rows = [rec(外部编号="IMP-1", 人员编码="C-DC-1", 开始日期=date(2022, 4, 1), 结束日期=date(2022, 4, 12), 学时=90),
            rec(外部编号="IMP-2", 人员编码="C-XC-1", 姓名="刘洋", 开始日期=date(2022, 6, 1), 结束日期=date(2022, 6, 12),
                学时=90)]
    with django_capture_on_commit_callbacks(execute=True):
        import_records(acting_user=world.users["admin"], table=table_of(rows))
    assert not VerdictDirty.objects.exists()
    assert _stored_rows(plan, END) == _fresh_rows(plan, END)
    assert _stored_rows(plan, END)[("C-DC-1", "staff_hours_annual")][2] == ["IMP-1"]


def test_the_dashboards_tables_are_rendered_again_when_the_numbers_change(client, world, ledger,
                                                                          django_capture_on_commit_callbacks):
    """The tables are cached under a digest of what they show: a write that moves a count shows at once, and the
    tables equal those of a fresh evaluation."""
    from django.db import transaction

    client.force_login(world.users["city"])
    url = f"/reports/dashboard/?plan={PLAN}&as_of={END}&org=4199&view=staff_hours_annual"   # the record's indicator

    def tables():
        html = client.get(url).content.decode()
        return html[html.index('<div class="gx-pane'):html.index("结论说明")]

    rebuild(plan_id=PLAN, dates=[END])
    before = tables()
    assert tables() == before
    with django_capture_on_commit_callbacks(execute=True):
        record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                      values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                              "end_date": date(2022, 9, 30), "hours": "120"})
    after = tables()
    assert after != before
    with transaction.atomic():
        VerdictSnapshot.objects.all().delete()
        assert tables() == after
        transaction.set_rollback(True)


def test_the_compliance_api_says_when_it_reads_the_store_and_answers_the_same(client, world, ledger):
    client.force_login(world.users["city"])
    urls = (f"/api/v1/orgs/4199/compliance?plan={PLAN}&as_of={END}&subtree=true",
            f"/api/v1/cadres/C-CITY-1/compliance?plan={PLAN}&as_of={END}")
    live = [client.get(url).json() for url in urls]
    assert all(body["stored_at"] is None for body in live)
    rebuild(plan_id=PLAN, dates=[END])
    snapshot = current_snapshot(load_plan(PLAN), END)
    stored = [client.get(url).json() for url in urls]
    for before, after in zip(live, stored):
        assert after.pop("stored_at").replace("Z", "+00:00")[:19] == snapshot.finished_at.isoformat()[:19]
        before.pop("stored_at")
        assert after == before and after["results"]


def _kept_and_fresh(user, as_of, org="4199"):
    """The board as the page gets it (``stored_board``: kept in the cache under what it read) and as the store
    adds it up afresh, as plain data."""
    from ganxun.reports.selectors import compliance_dashboard, dashboard_root, stored_board

    def plain(b):
        return ([(r.code, r.name, r.cadres, {k: vars(c) for k, c in r.cells.items()},
                  {k: v.as_dict() for k, v in r.org_verdicts.items()}) for r in (b.total, *b.rows)],
                [o.name for o in b.trail], (b.makeup, b.at_risk, b.unmet, b.pending),
                {f.code: f.as_dict() for f in b.figures})

    plan = load_plan(PLAN)
    kept = stored_board(user, plan, as_of, dashboard_root(user, org))
    return plain(kept), plain(compliance_dashboard(user, plan, as_of, org_code=org))


def test_a_board_from_the_store_is_kept_and_never_outlives_a_write(world, ledger, monkeypatch):
    """The board is added up once and then served from the cache; a record (marked, not yet taken in), the store
    taking it in, a unit renamed, a unit moved and a rebuild each show at once."""
    from ganxun.cadres.models import Cadre
    from ganxun.orgs.services import org_move, org_update
    from ganxun.plans.store import refresh_marked
    from ganxun.reports import selectors

    added_up = []
    real = selectors.stored_subtree_sums
    monkeypatch.setattr(selectors, "stored_subtree_sums", lambda *a, **kw: added_up.append(1) or real(*a, **kw))
    rebuild(plan_id=PLAN, dates=[END])
    city, admin = world.users["city"], world.users["admin"]

    def agree():
        kept, fresh = _kept_and_fresh(city, END)
        assert kept == fresh
        return kept

    first = agree()
    calls = len(added_up)
    assert agree() == first and len(added_up) == calls + 1   # the page's board came from the cache
    record_append(acting_user=admin, person_code="C-DC-1", institution_code="DX4199",
                  values={"title": "专题班", "source": "full_time", "start_date": date(2022, 9, 1),
                          "end_date": date(2022, 9, 30), "hours": "120"})
    marked = agree()
    assert marked != first and marked[2][3] == 1   # one cadre waiting, counted live
    assert refresh_marked() == 1
    taken_in = agree()
    assert taken_in[2][3] == 0 and taken_in[0] == marked[0]
    org_update(acting_user=city, code="419901", name="东城区（更名）", org_type="region", level="county")
    assert "东城区（更名）" in {row[1] for row in agree()[0]}
    before_move = {row[0]: row[2] for row in agree()[0]}
    moved = Cadre.objects.filter(org__code="419902NYJ").count()
    org_move(acting_user=city, code="419902NYJ", new_parent_code="419901")
    after_move = {row[0]: row[2] for row in agree()[0]}
    assert moved and after_move["419901"] == before_move["419901"] + moved
    assert after_move["419902"] == before_move["419902"] - moved
    rebuild(plan_id=PLAN, dates=[END])
    assert agree()[0] == _kept_and_fresh(city, END)[1][0]
    # another user's scope is another board: 东城区's own department sees its own, added up for it
    dc = type(world.users["dc"]).objects.get(pk=world.users["dc"].pk)   # as a request loads it: its region renamed
    kept, fresh = _kept_and_fresh(dc, END, org=None)
    assert kept == fresh and kept[0][0][0] == "419901"


def test_a_kept_board_measures_the_call_up_figures_afresh(world, ledger, monkeypatch):
    """调训率 and 参训率 are counted by the call-up module, whose writes do not go through the store: a call-up
    after the board was kept shows on the next view, the store's counts still read from the cache."""
    from ganxun.callups.services import nominate, nominations_audit
    from ganxun.reports import selectors
    from tests.callups.test_callups import TODAY, add_class, issued

    year_end = date(2021, 12, 31)
    rebuild(plan_id=PLAN, dates=[year_end])
    city = world.users["city"]
    before, _ = _kept_and_fresh(city, year_end, org="419901")
    assert before[3]["call_up_rate"]["numerator"] == 0
    added_up = []
    real = selectors.stored_subtree_sums
    monkeypatch.setattr(selectors, "stored_subtree_sums", lambda *a, **kw: added_up.append(1) or real(*a, **kw))
    tc = add_class("BC1", world.orgs["city_dept"], date(2021, 3, 1), date(2021, 3, 20),
                   institution=ledger_school(world))
    callup = issued(world, tc, {"419901CZJ": 2})
    result = nominate(acting_user=world.users["dc_hr"], callup_code=callup.code, person_codes=["C-DC-1"], today=TODAY)
    nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[result.nominations[0].pk],
                      approve=True)
    after, fresh = _kept_and_fresh(city, year_end, org="419901")
    assert after == fresh and after[0] == before[0]
    assert after[3]["call_up_rate"]["numerator"] == 1
    assert len(added_up) == 1   # the fresh board's: the page's was the kept one


def ledger_school(world):
    from ganxun.resources.models import Institution

    return Institution.objects.get(code="DX4199")


def test_the_page_from_the_store_is_rendered_once_and_sent_kept_until_its_numbers_change(client, world, ledger):
    """The content of a page read from the store is kept beside its board: the same view again is not rendered
    anew and is the same page; a call-up approved (调训率, outside the store) and a record (through the store)
    each show on the next view; another view of the same board is rendered for itself."""
    from django.test.signals import template_rendered

    from ganxun.callups.services import nominate, nominations_audit
    from tests.callups.test_callups import TODAY, add_class, issued

    year_end = date(2021, 12, 31)
    rebuild(plan_id=PLAN, dates=[year_end])
    city = world.users["city"]
    client.force_login(city)
    url = f"/reports/dashboard/?plan={PLAN}&as_of={year_end}&org=419901"
    rendered = []

    def count(sender, template, **kw):
        if template.name == "reports/_dashboard_content.html":
            rendered.append(1)

    def page(address=url):
        before = len(rendered)
        html = client.get(address).content.decode()
        return html, len(rendered) - before

    def content(html):   # the page but its shell (the shell's CSRF token is masked anew on every request)
        return html[html.index('data-testid="dashboard-filter"'):html.index("结论说明")]

    def call_up_rate(html):
        card = html.split('data-figure="call_up_rate"', 1)[1].split('data-testid="figure-value"', 1)[1]
        return card[1:card.index("<")].strip()

    template_rendered.connect(count)
    try:
        first, n = page()
        assert n == 1 and "干部指标结论取自达标结论库" in first
        again, n = page()
        assert n == 0 and content(again) == content(first)
        other, n = page(url + "&view=matrix")
        assert n == 1 and content(other) != content(first)
        tc = add_class("BC1", world.orgs["city_dept"], date(2021, 3, 1), date(2021, 3, 20),
                       institution=ledger_school(world))
        callup = issued(world, tc, {"419901CZJ": 2})
        result = nominate(acting_user=world.users["dc_hr"], callup_code=callup.code, person_codes=["C-DC-1"],
                          today=TODAY)
        nominations_audit(acting_user=city, callup_code=callup.code, nomination_ids=[result.nominations[0].pk],
                          approve=True)
        called, n = page()
        assert n == 1 and call_up_rate(called) != call_up_rate(first)
        record_append(acting_user=world.users["admin"], person_code="C-DC-1", institution_code="DX4199",
                      values={"title": "专题班", "source": "full_time", "start_date": date(2021, 9, 1),
                              "end_date": date(2021, 9, 30), "hours": "120"})
        recorded, n = page()
        assert n == 1 and "另有 1 名干部的结论正在更新" in recorded and "正在更新" not in called
    finally:
        template_rendered.disconnect(count)


def test_a_record_re_evaluates_only_the_snapshots_of_its_day_and_after(world, ledger, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    """A window counts the entries up to its day: a record re-evaluates its cadre in the snapshots of its first day
    and later only; a registry change, in every snapshot. Two writes before the refresh keep the earlier day."""
    from ganxun.cadres.services import cadre_update
    from ganxun.plans import store

    early = date(2020, 12, 31)
    rebuild(plan_id=PLAN, dates=[early, END])
    evaluated = []
    real = store._write
    monkeypatch.setattr(store, "_write", lambda snap, *a, **kw: evaluated.append(snap.as_of) or real(snap, *a, **kw))
    admin = world.users["admin"]

    def append(start, end):
        record_append(acting_user=admin, person_code="C-DC-1", institution_code="DX4199",
                      values={"title": "专题班", "source": "full_time", "start_date": start, "end_date": end,
                              "hours": "60"})

    def since():
        return VerdictDirty.objects.get(cadre__person_code="C-DC-1").since

    with django_capture_on_commit_callbacks(execute=True):
        append(date(2022, 9, 1), date(2022, 9, 30))
    assert evaluated == [END]
    evaluated.clear()
    with django_capture_on_commit_callbacks(execute=True):
        append(date(2019, 5, 1), date(2019, 5, 10))
    assert sorted(evaluated) == [early, END]
    evaluated.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cadre_update(acting_user=admin, person_code="C-DC-1", values={}, org_code="419902NYJ", reason="调动")
    assert sorted(evaluated) == [early, END]
    for as_of in (early, END):
        assert _stored_rows(load_plan(PLAN), as_of) == _fresh_rows(load_plan(PLAN), as_of)
    # marks made before one refresh: the earlier day stays, and a registry change (every day) wins
    append(date(2022, 3, 1), date(2022, 3, 2))
    assert since() == date(2022, 3, 1)
    append(date(2021, 1, 5), date(2021, 1, 6))
    append(date(2022, 6, 1), date(2022, 6, 2))
    assert since() == date(2021, 1, 5)
    cadre_update(acting_user=admin, person_code="C-DC-1", values={}, org_code="4199JYJ", reason="调动")
    append(date(2022, 7, 1), date(2022, 7, 2))
    assert since() is None
