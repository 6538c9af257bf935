"""The one django-tasks task: run a ``Job`` by its id (``ganxun worker`` picks it up)."""

from django_tasks import task

from ganxun.jobs.runner import execute


@task()
def run_job(job_id: int) -> str:
    return execute(job_id)
