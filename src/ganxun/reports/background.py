"""A slow dashboard (a province's: a million cadres, a minute) is evaluated by the worker, not in the request.

The page asks ``board_is_slow``; when it is, it queues one ``dashboard`` job per board (a second visitor of
the same board waits for the same job), shows its progress, and reloads when the job has put the board in
the cache every process shares (``reports.selectors.compute_board``). A city's board takes under a second
and is still computed in the request.
"""

from datetime import date
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse

from ganxun.jobs.models import FINISHED, Job, JobStatus
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
from ganxun.jobs.services import job_submit
from ganxun.plans.catalog import load_plan
from ganxun.reports.selectors import board_key, compute_board, dashboard_root

KIND = "dashboard"
PENDING_SECONDS = 3600  # a job id kept for a board while it is evaluated


def _page(job: Job) -> str:
    p = job.params
    return reverse("reports:dashboard") + "?" + urlencode({"plan": p["plan"], "as_of": p["as_of"], "org": p["org"]})


def queue_board(user, plan, as_of: date, root, *, again: bool = False) -> Job:
    """The job evaluating this board: the one queued or running for it, or the one that failed (shown as such
    until the user asks ``again``); else a new one."""
    key = board_key(user, plan, as_of, root) + ":job"
    job_id = cache.get(key)
    job = Job.objects.filter(pk=job_id, owner_id=user.pk).first() if job_id else None
    if job is None or job.status == JobStatus.DONE or (again and job.status in FINISHED):
        job = job_submit(acting_user=user, kind=KIND, title=f"达标评估：{root.name} · {plan.title} · {as_of:%Y-%m-%d}",
                         params={"plan": plan.id, "version": plan.version, "as_of": as_of.isoformat(),
                                 "org": root.code})
        cache.set(key, job.pk, PENDING_SECONDS)
    return job


def run_board(job: Job, reporter) -> JobOutcome:
    """In the worker: evaluate the board for the job's owner (their scope, as the page would) and keep it."""
    p = job.params
    plan = load_plan(p["plan"], p.get("version"))
    as_of = date.fromisoformat(p["as_of"])
    root = dashboard_root(job.owner, p["org"])
    reporter.update(message=f"正在评估 {root.name} 的干部指标和单位指标……")
    board = compute_board(job.owner, plan, as_of, root, keep=True)
    return JobOutcome(message=f"统计完成：{root.name}，{board.total.cadres} 名干部",
                      result={"cadres": board.total.cadres})


register_job_kind(JobKind(KIND, "达标评估统计", run_board, page=_page))
