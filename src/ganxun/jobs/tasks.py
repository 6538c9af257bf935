"""The one django-tasks task: run a ``Job`` by its id (``ganxun worker`` picks it up)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from ganxun.jobs.runner import execute

    return execute(job_id)
