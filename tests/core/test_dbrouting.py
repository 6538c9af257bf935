"""The replica router's decisions, without a replica: which alias a read or a write is sent to, and when.

The same rules against two real PostgreSQL servers with streaming replication between them are in
``tests/deploy/test_replica.py``.
"""

import logging
import time

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from ganxun.accounts.models import User
from ganxun.cadres.models import Cadre
from ganxun.core import dbrouting
from ganxun.core.dbrouting import COOKIE, ReadYourWritesMiddleware, ReplicaRouter, reads_from_replica, replica_reads

router = ReplicaRouter()


@pytest.fixture
def replica(monkeypatch):
    """A configured replica whose health is what the test says (usable unless told otherwise)."""
    state = {"usable": True}
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "replica_usable", lambda: state["usable"])
    return state


def test_reads_go_to_the_primary_outside_a_report(replica):
    assert router.db_for_read(Cadre) == "default"


def test_a_reports_reads_go_to_the_replica(replica):
    with replica_reads():
        assert router.db_for_read(Cadre) == "replica"
        assert router.db_for_read(User) == "replica"
    assert router.db_for_read(Cadre) == "default"


def test_writes_never_go_to_the_replica(replica):
    assert router.db_for_write(Cadre) == "default"
    with replica_reads():
        assert router.db_for_write(Cadre) == "default"


def test_after_a_write_the_report_reads_what_it_wrote_from_the_primary(replica):
    with replica_reads():
        router.db_for_write(Cadre)
        assert router.db_for_read(Cadre) == "default"
    with replica_reads():  # the next report starts afresh
        assert router.db_for_read(Cadre) == "replica"


def test_an_open_transaction_reads_from_the_primary(replica, db):
    # pytest-django runs this test inside a transaction on the primary
    with replica_reads():
        assert router.db_for_read(Cadre) == "default"


def test_sessions_and_jobs_are_always_read_from_the_primary(replica):
    from ganxun.jobs.models import Job

    with replica_reads():
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(Job) == "default"


def test_a_replica_that_is_down_or_behind_is_not_read_from(replica):
    replica["usable"] = False
    with replica_reads():
        assert router.db_for_read(Cadre) == "default"


def test_no_replica_configured_means_the_primary():
    with replica_reads():
        assert router.db_for_read(Cadre) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "cadres")
    assert not router.allow_migrate("replica", "cadres")


# ---- reading one's own writes ----------------------------------------------------------------------

def _request(method="get", cookie=None):
    request = getattr(RequestFactory(), method)("/reports/dashboard/")
    if cookie is not None:
        request.COOKIES[COOKIE] = cookie
    return request


def test_a_post_marks_the_browser_and_a_get_does_not():
    middleware = ReadYourWritesMiddleware(lambda request: HttpResponse("ok"))

    posted = middleware(_request("post"))
    read = middleware(_request("get"))

    assert abs(float(posted.cookies[COOKIE].value) - time.time()) < 5
    assert posted.cookies[COOKIE]["httponly"]
    assert COOKIE not in read.cookies


def test_a_browser_that_has_just_written_reads_from_the_primary(replica, settings):
    settings.GANXUN_READ_YOUR_WRITES_SECONDS = 12
    seen = {}

    @reads_from_replica
    def view(request):
        seen[request.COOKIES.get(COOKIE, "none")] = router.db_for_read(Cadre)
        return HttpResponse("ok")

    view(_request(cookie=f"{time.time() - 1:.3f}"))
    view(_request(cookie=f"{time.time() - 60:.3f}"))
    view(_request(cookie="not a time"))
    view(_request())

    assert sorted(seen.values()) == ["default", "replica", "replica", "replica"]
    assert [db for cookie, db in seen.items() if db == "default"] == ["default"]
    assert seen["none"] == seen["not a time"] == "replica"


# ---- health -----------------------------------------------------------------------------------------

def test_a_replica_going_bad_is_logged_once_and_coming_back_once(monkeypatch, settings, caplog):
    settings.GANXUN_REPLICA_CHECK_SECONDS = 0
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    looks = iter([("lagging", "它落后于主库 12.0 秒"), ("lagging", "它落后于主库 13.0 秒"), ("down", "无法连接（x）"),
                  ("ok", ""), ("ok", "")])
    monkeypatch.setattr(dbrouting, "_look_at_replica", lambda: next(looks))
    dbrouting.forget_replica_health()
    caplog.set_level(logging.INFO, logger="ganxun.dbrouting")

    assert [dbrouting.replica_usable() for _ in range(5)] == [False, False, False, True, True]
    assert [r.getMessage() for r in caplog.records] == [
        "只读副本不可用，报表改从主库读取：它落后于主库 12.0 秒",
        "只读副本不可用，报表改从主库读取：无法连接（x）",
        "只读副本恢复可用，报表重新从只读副本读取",
    ]
    dbrouting.forget_replica_health()


def test_one_look_is_trusted_for_the_check_interval(monkeypatch, settings):
    settings.GANXUN_REPLICA_CHECK_SECONDS = 60
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    looks = []
    monkeypatch.setattr(dbrouting, "_look_at_replica", lambda: looks.append(1) or ("ok", ""))
    dbrouting.forget_replica_health()

    assert all(dbrouting.replica_usable() for _ in range(10))
    assert len(looks) == 1
    dbrouting.forget_replica_health()


# ---- what reads from the replica --------------------------------------------------------------------

def test_the_report_pages_and_the_compliance_api_read_from_the_replica():
    from ganxun.archive import views as archive
    from ganxun.plans import api
    from ganxun.reports import views as reports

    decorated = [reports.dashboard, reports.cadre_list, reports.makeup_list, reports.at_risk_list, reports.export,
                 archive.cadre_archive, archive.cadre_archive_pdf, archive.cadre_archive_xlsx,
                 api.cadre_compliance, api.org_compliance]

    def marked(view):
        while view is not None:
            if getattr(view, "reads_from_replica", False):
                return True
            view = getattr(view, "__wrapped__", None)
        return False

    assert [v.__name__ for v in decorated if not marked(v)] == []


def test_a_report_job_reads_from_the_replica_and_other_jobs_do_not(replica, transactional_db):
    """The worker runs a report (a board, a list, its export) with replica reads; an import or a rebuild reads the
    primary."""
    from ganxun.jobs.models import Job
    from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
    from ganxun.jobs.runner import execute
    import ganxun.dataio.background  # noqa: F401 (registers the import kinds)
    import ganxun.reports.background  # noqa: F401 (registers the report kinds)
    from ganxun.jobs.registry import _kinds, job_kind

    seen = {}

    def run(job, reporter):
        seen[job.kind] = router.db_for_read(Cadre)
        return JobOutcome(message="ok")

    register_job_kind(JobKind("test_report", "报表", run, reads_replica=True))
    register_job_kind(JobKind("test_write", "写入", run))
    owner = User.objects.create_user(username="job_owner", password="Ganxun@2026-jobs")
    for kind in ("test_report", "test_write"):
        execute(Job.objects.create(kind=kind, title=kind, params={}, owner=owner).pk)
    assert seen == {"test_report": "replica", "test_write": "default"}
    assert all(job_kind(k).reads_replica for k in ("dashboard", "verdict_list", "verdict_export"))
    assert not job_kind("import_write").reads_replica
    del _kinds["test_report"], _kinds["test_write"]
