"""A dashboard (and a list behind it, and their export) too large to evaluate in the request (a province's) is evaluated by the worker.

The test settings run a job at once, inside the request that queues it (django-tasks' immediate backend),
so the page that queues the job already finds it finished; ``tests/jobs/test_worker.py`` runs a real
``ganxun worker`` through the same runner.
"""

import pytest
from django.core.cache import cache

from ganxun.jobs.models import Job, JobStatus
from ganxun.reports import selectors
from tests.plans.conftest import schools  # noqa: F401  (the institutions the ledger names)
from tests.reports.test_dashboard import Q, ledger, page_text  # noqa: F401  (the shared fixture)

URL = f"/reports/dashboard/?{Q}"


@pytest.fixture(autouse=True)
def province_sized(settings, tmp_path):
    """Every board counts as a province's: one cadre is already 'many'."""
    settings.VAR_DIR = tmp_path
    settings.GANXUN_BACKGROUND_EVALUATION_CADRES = 1
    cache.clear()
    yield
    cache.clear()


def figures(response) -> list[dict]:
    return [f.as_dict() for f in response.context["board"].figures]


def test_a_large_board_is_evaluated_by_the_worker_then_shown(client, world, ledger):  # noqa: F811
    client.force_login(world.users["city"])
    # when the city admin opens a board over "many" cadres
    first = client.get(URL)
    # then the page says it is being evaluated in the background, with the job's progress
    html = page_text(first)
    job = Job.objects.get(kind="dashboard")
    assert 'data-testid="dashboard-pending"' in html and 'data-testid="job-progress"' in html
    assert "由后台程序计算" in html and job.owner == world.users["city"]
    assert job.title.startswith("达标评估：") and job.status == JobStatus.DONE
    # and once the job has finished, the page shows the board the worker kept, saying from when
    second = client.get(URL)
    assert "dashboard-cached" in page_text(second) and second.context["board"].root == selectors.dashboard_root(world.users["city"], None)
    # which is the board the request would have computed
    from ganxun.plans.catalog import load_plan
    from datetime import date
    direct = selectors.compliance_dashboard(world.users["city"], load_plan("henan-2019-2022"), date(2022, 12, 31))
    assert figures(second) == [f.as_dict() for f in direct.figures]
    # and the job is listed under 我的任务 with a link back to the board
    mine = page_text(client.get("/jobs/"))
    assert "达标评估统计" in mine or "达标评估：" in mine


def test_a_second_visit_while_the_job_is_queued_waits_for_the_same_job(client, world, ledger, monkeypatch):  # noqa: F811
    # given a worker that has not got to the job yet (the task is queued and nothing runs it)
    from types import SimpleNamespace

    from ganxun.jobs import services
    monkeypatch.setattr(services, "run_job", SimpleNamespace(enqueue=lambda job_id: SimpleNamespace(id=f"q-{job_id}")))
    client.force_login(world.users["city"])
    client.get(URL)
    again = client.get(URL)
    # then both visits show the one queued job, and nothing was evaluated in the request
    assert Job.objects.filter(kind="dashboard").count() == 1
    assert 'data-status="queued"' in page_text(again) and 'data-testid="cadre-total"' not in page_text(again)


def test_a_failed_evaluation_offers_to_try_again(client, world, ledger, monkeypatch):  # noqa: F811
    # given an evaluation that fails
    real = selectors.compliance_dashboard
    monkeypatch.setattr(selectors, "compliance_dashboard", lambda *a, **kw: 1 / 0)
    client.force_login(world.users["city"])
    failed = page_text(client.get(URL))
    # then the page says so and offers 重新计算
    assert 'data-status="failed"' in failed and 'data-testid="dashboard-retry"' in failed
    assert "系统错误" in failed
    # and a reload does not queue another job behind the user's back
    client.get(URL)
    assert Job.objects.filter(kind="dashboard").count() == 1
    # when the cause is gone and they click 重新计算
    monkeypatch.setattr(selectors, "compliance_dashboard", real)
    retry = client.get(URL + "&refresh=1")
    # then a new job ran, and the board opens
    assert retry.status_code == 302 and "refresh" not in retry["Location"]
    assert Job.objects.filter(kind="dashboard").count() == 2
    assert "dashboard-cached" in page_text(client.get(retry["Location"]))


def test_the_worker_evaluates_a_board_in_its_owners_scope(client, world, ledger):  # noqa: F811
    # when a county admin opens their board, and then asks for the city's
    client.force_login(world.users["dc"])
    client.get(URL)
    assert client.get(URL + "&org=4199").status_code == 404
    # then their one job evaluated their county, and the board they get back is theirs
    job = Job.objects.get(kind="dashboard")
    assert job.owner == world.users["dc"] and job.params["org"] == selectors.dashboard_root(world.users["dc"], None).code
    board = client.get(URL).context["board"]
    assert board.root.code == job.params["org"]
    # and another account does not get it from the cache
    client.force_login(world.users["city"])
    assert "dashboard-pending" in page_text(client.get(URL))
    assert Job.objects.filter(kind="dashboard").count() == 2


def test_a_board_measured_fast_is_computed_in_the_request_again(client, world, ledger):  # noqa: F811
    # given a board the worker evaluated in well under CACHE_WHEN_SLOWER_THAN, and no longer kept
    client.force_login(world.users["city"])
    client.get(URL)
    selectors.board_kept(world.users["city"], *_board_args(world)).forget()
    # then the next visit computes it in the request (the time it took decides, not the cadre count)
    page = client.get(URL)
    assert 'data-testid="cadre-total"' in page_text(page) and "dashboard-cached" not in page_text(page)
    assert Job.objects.filter(kind="dashboard").count() == 1


def _board_args(world):
    from datetime import date

    from ganxun.plans.catalog import load_plan
    user = world.users["city"]
    return load_plan("henan-2019-2022"), date(2022, 12, 31), selectors.dashboard_root(user, None)


# ---- the lists behind a number, and the export -----------------------------------------------------------

def test_a_large_list_is_evaluated_by_the_worker_then_paged_from_what_it_kept(client, world, ledger, monkeypatch):  # noqa: F811
    computed = []
    real = selectors.verdicts_behind
    monkeypatch.setattr(selectors, "verdicts_behind", lambda *a, **kw: computed.append(1) or real(*a, **kw))
    client.force_login(world.users["city"])
    url = f"/reports/cadres/?{Q}&verdict=unmet"
    # when the city admin opens the list of every unmet verdict over "many" cadres
    pending = page_text(client.get(url))
    job = Job.objects.get(kind="verdict_list")
    # then the worker evaluated it (its page names the list), and the list page shows what it kept
    assert 'data-testid="dashboard-pending"' in pending and "全部干部指标 · 未达标" in pending
    assert job.params["verdict"] == "unmet" and job.status == JobStatus.DONE
    first = client.get(url + "&page_size=1")
    second = client.get(url + "&page_size=1&page=2")
    assert "dashboard-cached" in page_text(first) and first.context["total"] == second.context["total"] >= 2
    assert first.context["rows"][0]["v"].subject != second.context["rows"][0]["v"].subject
    assert {r["v"].verdict for r in first.context["rows"] + second.context["rows"]} == {"unmet"}
    # and paging through it evaluated nothing again
    assert len(computed) == 1
    # and the job (in 我的任务) leads back to the list
    back = client.get(f"/jobs/{job.pk}/")
    assert back.status_code == 302 and back["Location"].startswith("/reports/cadres/?") and "verdict=unmet" in back["Location"]


def test_a_large_export_is_made_by_the_worker_and_downloaded_from_its_job(client, world, ledger):  # noqa: F811
    from ganxun.audit.models import AuditEvent, EventType
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(world.users["city"])
    # when the city admin exports the makeup list of "many" cadres
    response = client.get(f"/reports/export.xlsx?{Q}&list=makeup")
    # then they are sent to the export's job, which offers the workbook
    job = Job.objects.get(kind="verdict_export")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = page_text(client.get(response["Location"]))
    assert 'data-testid="job-download"' in page and "达标明细_" in page
    book = b"".join(client.get(f"/jobs/{job.pk}/file").streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(book)).get_sheet_by_index(0).to_python()
    assert len(rows) - 1 == job.result["count"] and {r[rows[0].index("结论")] for r in rows[1:]} <= {"未达标"}
    # and the export is audited as the owner's, like one made in the request
    event = AuditEvent.objects.get(event_type=EventType.EXPORTED, subject_type="compliance")
    assert event.actor_name == "city_admin" and event.extra["filter"] == {"list": "makeup"}


def test_a_board_the_verdict_store_holds_is_shown_at_once_whatever_its_size(client, world, ledger):  # noqa: F811
    """With a snapshot of the plan at the date, even a 'province-sized' board is read from the units' counts in the
    request: no job, no kept copy, and the same numbers as the evaluation."""
    from datetime import date

    from ganxun.plans.catalog import load_plan
    from ganxun.plans.store import rebuild

    client.force_login(world.users["city"])
    rebuild(plan_id="henan-2019-2022", dates=[date(2022, 12, 31)])
    response = client.get(URL)
    html = page_text(response)
    assert 'data-testid="dashboard-stored"' in html and 'data-testid="dashboard-pending"' not in html
    assert "dashboard-cached" not in html and not Job.objects.filter(kind="dashboard").exists()
    from django.db import transaction

    with transaction.atomic():
        from ganxun.plans.models import VerdictSnapshot

        VerdictSnapshot.objects.all().delete()
        live = selectors.compliance_dashboard(world.users["city"], load_plan("henan-2019-2022"), date(2022, 12, 31))
        transaction.set_rollback(True)
    assert figures(response) == [f.as_dict() for f in live.figures]
