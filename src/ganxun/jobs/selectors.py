"""Reads of jobs: a user sees their own jobs only; anyone else's answers 404 like a missing one."""

from dataclasses import dataclass

from ganxun.core.errors import NotFound
from ganxun.jobs import progress
from ganxun.jobs.models import Job, JobStatus


def jobs_of(user):
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(owner_id=user.pk)


def access_job(user, job_id) -> Job:
    try:
        return jobs_of(user).get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFound("任务不存在或不属于您") from None


@dataclass(frozen=True)
class JobState:
    """What the progress bar shows: the row, with the running job's progress file read in."""

    status: str
    label: str
    done: int
    total: int | None
    fraction: float
    message: str
    stale: bool

    @property
    def percent(self) -> int:
        return int(round(self.fraction * 100))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED)


def job_state(job: Job) -> JobState:
    if job.status == JobStatus.RUNNING:
        data = progress.read_progress(job.pk) or {}
        age = progress.heartbeat_age(job.pk)
        alive = progress.worker_alive(job.worker) if job.worker else None
        stale = alive is False or (age is not None and age > progress.stale_after())
        status = JobStatus.INTERRUPTED if stale else JobStatus.RUNNING
        return JobState(status, JobStatus(status).label, int(data.get("done", 0)), data.get("total"),
                        float(data.get("fraction", 0.0)), data.get("message") or job.message, stale)
    fraction = 1.0 if job.status == JobStatus.DONE else 0.0
    return JobState(job.status, job.get_status_display(), job.done, job.total, fraction, job.message, False)


def result_file_of(user, job_id):
    """``(path, download name)`` of a finished job's file, or ``NotFound``."""
    job = access_job(user, job_id)
    if not job.result_file:
        raise NotFound("该任务没有可下载的文件")
    try:
        path = progress.result_path(job.result_file)
    except ValueError:
        raise NotFound("该任务没有可下载的文件") from None
    if not path.is_file():
        raise NotFound("文件已被清理，请重新运行任务")
    return path, job.result_name or path.name
