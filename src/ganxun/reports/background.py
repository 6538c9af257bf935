"""Evaluations too slow for a request (a province's: a million cadres, up to a minute) run in the worker.

The dashboard, a list behind one of its numbers and the export of either go to the worker when the same
evaluation took ``CACHE_WHEN_SLOWER_THAN`` or more last time, or, never computed, when the board covers
``GANXUN_BACKGROUND_EVALUATION_CADRES`` or more cadres (``reports.selectors``). The page queues one job per
evaluation (a second visitor of the same board waits for the same job), shows its progress, and reloads
when the job has put the result in the cache every process shares; an export's job offers its file on
the job's page. A city's board takes under a second and is still computed in the request.
"""

from datetime import date
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse

from ganxun.jobs.models import FINISHED, Job, JobStatus
from ganxun.jobs.progress import result_path
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
from ganxun.jobs.services import job_submit
from ganxun.plans.catalog import load_plan
from ganxun.reports.exporters import export_verdicts_xlsx
from ganxun.reports.selectors import (Kept, VerdictQuery, board_kept, compute_board, compute_list, dashboard_root,
                                      list_kept)

PENDING_SECONDS = 3600  # a job id kept for an evaluation while it runs
LIST_PARAMS = ("indicator", "verdict", "list")


def _queue(user, kept: Kept, *, kind: str, title: str, params: dict, again: bool) -> Job:
    """The job for this evaluation: the one queued or running for it, or the one that failed (shown as such
    until the user asks ``again``); else a new one."""
    job_id = cache.get(kept.job_key)
    job = Job.objects.filter(pk=job_id, owner_id=user.pk, kind=kind).first() if job_id else None
    if job is None or job.status == JobStatus.DONE or (again and job.status in FINISHED):
        job = job_submit(acting_user=user, kind=kind, title=title, params=params)
        cache.set(kept.job_key, job.pk, PENDING_SECONDS)
    return job


def _params(plan, as_of: date, root, q: VerdictQuery | None = None) -> dict:
    params = {"plan": plan.id, "version": plan.version, "as_of": as_of.isoformat(), "org": root.code}
    if q is not None:
        params.update({name: getattr(q, name) for name in LIST_PARAMS})
    return params


def queue_board(user, plan, as_of: date, root, *, again: bool = False) -> Job:
    return _queue(user, board_kept(user, plan, as_of, root), kind="dashboard", again=again,
                  title=f"达标评估：{root.name} · {plan.title} · {as_of:%Y-%m-%d}", params=_params(plan, as_of, root))


def queue_list(user, q: VerdictQuery, root, *, again: bool = False) -> Job:
    return _queue(user, list_kept(user, q, root), kind="verdict_list", again=again,
                  title=f"{q.title()}：{root.name} · {q.plan.title} · {q.as_of:%Y-%m-%d}",
                  params=_params(q.plan, q.as_of, root, q))


def queue_export(user, q: VerdictQuery, root) -> Job:
    """An export is a new job each time (a file of that moment), unless one for the same list is still running."""
    kept = Kept(list_kept(user, q, root).key + ":export")
    return _queue(user, kept, kind="verdict_export", again=False,
                  title=f"导出达标明细：{root.name} · {q.title()} · {q.as_of:%Y-%m-%d}",
                  params=_params(q.plan, q.as_of, root, q))


def _query(job: Job) -> tuple[VerdictQuery, object]:
    """The job's list as its owner would ask for it, in their scope (a scope since narrowed is 404)."""
    p = job.params
    plan = load_plan(p["plan"], p.get("version"))
    root = dashboard_root(job.owner, p["org"])
    q = VerdictQuery(plan=plan, as_of=date.fromisoformat(p["as_of"]), org_code=root.code,
                     **{name: p.get(name, "") for name in LIST_PARAMS})
    return q, root


def run_board(job: Job, reporter) -> JobOutcome:
    q, root = _query(job)
    reporter.update(message=f"正在评估 {root.name} 的干部指标和单位指标……")
    board = compute_board(job.owner, q.plan, q.as_of, root, keep=True)
    return JobOutcome(message=f"统计完成：{root.name}，{board.total.cadres} 名干部",
                      result={"cadres": board.total.cadres})


def run_list(job: Job, reporter) -> JobOutcome:
    q, root = _query(job)
    reporter.update(message=f"正在评估 {root.name} 的{q.title()}……")
    verdicts = compute_list(job.owner, q, root, keep=True)
    return JobOutcome(message=f"统计完成：{q.title()} {len(verdicts)} 项", result={"count": len(verdicts)})


def run_export(job: Job, reporter) -> JobOutcome:
    q, root = _query(job)
    reporter.update(message=f"正在评估并导出 {root.name} 的{q.title()}……")
    content, name, count = export_verdicts_xlsx(job.owner, q)
    stored = f"job-{job.pk}-verdicts.xlsx"
    result_path(stored).write_bytes(content)
    return JobOutcome(message=f"已导出达标明细 {count} 条", result={"count": count}, file=stored, file_name=name)


def _page(job: Job) -> str:
    p = job.params
    base = {"plan": p["plan"], "as_of": p["as_of"], "org": p["org"]}
    if job.kind == "dashboard":
        return reverse("reports:dashboard") + "?" + urlencode(base)
    names = {"makeup": "reports:makeup", "at_risk": "reports:at_risk"}
    extra = {k: p[k] for k in ("indicator", "verdict") if p.get(k)}
    return reverse(names.get(p.get("list"), "reports:cadres")) + "?" + urlencode({**base, **extra})


register_job_kind(JobKind("dashboard", "达标评估统计", run_board, page=_page, reads_replica=True))
register_job_kind(JobKind("verdict_list", "达标名单统计", run_list, page=_page, reads_replica=True))
register_job_kind(JobKind("verdict_export", "导出达标明细", run_export, reads_replica=True))
