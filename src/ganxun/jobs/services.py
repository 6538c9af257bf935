"""Writes to ``Job`` rows a user asks for: submit a job, run one again. Each is short and its own transaction.

The worker's side of a job's life (taken, finished, found interrupted) is ``jobs.lifecycle``.
"""

from django.db import transaction

from ganxun.core.errors import DomainError, NotFound
from ganxun.jobs.models import Job, JobStatus
from ganxun.jobs.registry import job_kind
from ganxun.jobs.tasks import run_job


def _owner_id(user) -> int:
    if not getattr(user, "is_authenticated", False) or not user.pk:
        raise DomainError("只有登录用户可以提交后台任务", code="login_required")
    return user.pk


def job_submit(*, acting_user, kind: str, title: str, params: dict, retry_of: Job | None = None) -> Job:
    """Queue a job for ``acting_user``: the row first (its own transaction), then the task."""
    if job_kind(kind) is None:
        raise DomainError(f"未知的后台任务类型 {kind}", code="unknown_job_kind")
    with transaction.atomic(durable=True):
        job = Job.objects.create(kind=kind, title=title[:200], owner_id=_owner_id(acting_user), params=params,
                                 message="排队中，等待后台程序处理", retry_of=retry_of)
    result = run_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_rerun(*, acting_user, job_id: int) -> Job:
    """Run an interrupted (or failed) job again, from the same input, as a new job."""
    job = Job.objects.filter(pk=job_id, owner_id=_owner_id(acting_user)).first()
    if job is None:
        raise NotFound()
    kind = job_kind(job.kind)
    if job.status not in (JobStatus.INTERRUPTED, JobStatus.FAILED) or kind is None or not kind.rerunnable:
        raise DomainError("只有已中断或失败的任务可以重新运行", code="not_rerunnable")
    return job_submit(acting_user=acting_user, kind=job.kind, title=job.title, params=job.params, retry_of=job)
