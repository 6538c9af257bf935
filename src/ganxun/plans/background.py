"""The verdict store's work in the worker.

- A plan published anew is evaluated into the store in the background (``verdicts_rebuild``, a job its
  publisher follows in 我的任务); until it is, its pages evaluate live as before.
- The cadres a large write (an import) has marked are re-evaluated by a plain task (``refresh_verdicts``): no one
  waits on a page for it, and the store reads those cadres live until it has run. Several queued at once do the
  work once: each takes what is marked when it runs.
"""

from django_tasks import task

from ganxun.jobs.models import Job
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
from ganxun.jobs.services import job_submit


@task()
def refresh_verdicts() -> int:
    from ganxun.plans.store import refresh_marked

    return refresh_marked()


@task()
def rebuild_verdicts(plan_id: str) -> int:
    from ganxun.plans.store import rebuild

    return sum(r.rows for r in rebuild(plan_id=plan_id))


def queue_refresh() -> None:
    refresh_verdicts.enqueue()


def queue_rebuild(user, plan_id: str) -> Job | None:
    """After a publication: evaluate the plan into the store, if the store is in use (a job for a logged-in
    publisher; a plain task for the command line's operator)."""
    from ganxun.plans.models import VerdictSnapshot

    if not VerdictSnapshot.objects.exists():
        return None
    if not getattr(user, "pk", None):
        rebuild_verdicts.enqueue(plan_id)
        return None
    return job_submit(acting_user=user, kind="verdicts_rebuild", title=f"重算达标结论：{plan_id}",
                      params={"plan": plan_id})


def run_rebuild(job: Job, reporter) -> JobOutcome:
    from django.utils import timezone

    from ganxun.plans import catalog
    from ganxun.plans.store import rebuild, reporting_dates

    plan = catalog.load_plan(job.params["plan"])
    dates = reporting_dates(plan, timezone.localdate())
    done = []

    def step(line: str) -> None:
        done.append(line)
        reporter.update(done=len(done), total=len(dates), message=line)

    reporter.update(done=0, total=len(dates), message=f"正在重算 {plan.title} 的达标结论（{len(dates)} 个评估日期）……")
    results = rebuild(plan_id=plan.id, dates=dates, progress=step)
    rows = sum(r.rows for r in results)
    return JobOutcome(message=f"已重算 {plan.title}：{len(results)} 个评估日期，共 {rows} 条结论",
                      result={"snapshots": len(results), "rows": rows})


register_job_kind(JobKind("verdicts_rebuild", "重算达标结论", run_rebuild))
