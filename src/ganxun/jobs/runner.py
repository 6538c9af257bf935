"""Running one job in the worker: take it, run its kind with a heartbeat, write the outcome."""

import logging
import traceback
from contextlib import nullcontext

from ganxun.core.dbrouting import replica_reads
from ganxun.core.errors import DomainError
from ganxun.jobs import progress
from ganxun.jobs.registry import JobOutcome, job_kind
from ganxun.jobs.lifecycle import job_finish, job_start

logger = logging.getLogger("ganxun.jobs")


def execute(job_id: int) -> str:
    job = job_start(job_id=job_id, worker=progress.worker_name())
    if job is None:
        return "skipped"
    kind = job_kind(job.kind)
    reporter = progress.Reporter(job.pk)
    with reporter:
        try:
            if kind is None:
                raise DomainError(f"未知的后台任务类型 {job.kind}")
            with replica_reads() if kind.reads_replica else nullcontext():
                outcome = kind.run(job, reporter)
        except DomainError as exc:
            outcome = JobOutcome(message=exc.message, failed=True)
        except Exception:  # a bug: the owner sees that it failed; the operator sees why in the log
            logger.error("job %s (%s) failed:\n%s", job.pk, job.kind, traceback.format_exc())
            outcome = JobOutcome(message="任务因系统错误失败，未写入任何数据；请联系系统管理员", failed=True)
    job_finish(job_id=job.pk, outcome=outcome, done=reporter.state["done"], total=reporter.state["total"])
    progress.progress_path(job.pk).unlink(missing_ok=True)
    return "failed" if outcome.failed else "done"
