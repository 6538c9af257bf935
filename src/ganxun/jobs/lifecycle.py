"""The worker's side of a job's life: taken, finished, or found interrupted. Each is its own short transaction,
never inside the work a job does.

The worker writes a job's row when it starts and when it ends; in between, progress and the heartbeat
live in the job's progress file (``jobs.progress``: why). A job whose worker died is found by its
stale heartbeat (or its dead process, on the same host) and marked 已中断 by ``jobs_mark_interrupted``,
which ``ganxun worker`` runs when it starts and the job pages run when they find one.
"""

from django.db import transaction
from django.utils import timezone

from ganxun.jobs import progress
from ganxun.jobs.models import FINISHED, Job, JobStatus
from ganxun.jobs.registry import JobOutcome


@transaction.atomic(durable=True)
def job_start(*, job_id: int, worker: str) -> Job | None:
    """The worker takes the job (``None``: it is gone, or no longer queued)."""
    job = Job.objects.select_for_update().filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return None
    now = timezone.now()
    job.status, job.worker, job.started_at, job.heartbeat_at = JobStatus.RUNNING, worker[:200], now, now
    job.message = "正在处理"
    job.save(update_fields=["status", "worker", "started_at", "heartbeat_at", "message"])
    return job


@transaction.atomic(durable=True)
def job_finish(*, job_id: int, outcome: JobOutcome, done: int = 0, total: int | None = None) -> None:
    job = Job.objects.select_for_update().get(pk=job_id)
    if job.status in FINISHED and job.status != JobStatus.INTERRUPTED:
        return
    job.status = JobStatus.FAILED if outcome.failed else JobStatus.DONE
    job.result, job.message = outcome.result, outcome.message[:500]
    job.result_file, job.result_name = outcome.file, outcome.file_name[:200]
    job.done, job.total = done, total
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()


def _dead(job: Job, now: float) -> bool:
    if job.status == JobStatus.QUEUED:
        return False
    alive = progress.worker_alive(job.worker) if job.worker else None
    if alive is False:
        return True
    age = progress.heartbeat_age(job.pk)
    if age is None:  # started, but no progress file yet: judge by the row's time
        age = now - job.heartbeat_at.timestamp() if job.heartbeat_at else 0
    return age > progress.stale_after()


def jobs_mark_interrupted() -> int:
    """Mark 已中断 every running job whose worker is gone; returns how many. Nothing they did was kept:
    the work of a job is one transaction, which the database rolled back when its process died."""
    now = timezone.now()
    dead = [job.pk for job in Job.objects.filter(status=JobStatus.RUNNING) if _dead(job, now.timestamp())]
    if not dead:
        return 0
    with transaction.atomic(durable=True):
        return Job.objects.filter(pk__in=dead, status=JobStatus.RUNNING).update(
            status=JobStatus.INTERRUPTED, finished_at=now,
            message="后台程序在处理过程中停止（已中断），未写入任何数据；可重新运行")
