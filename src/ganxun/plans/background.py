"""The verdict store's work in the worker: re-evaluating the cadres a large write (an import) has marked.

A plain django-tasks task, not a ``Job``: no one asked for it and no one waits on a page; the store reads those
cadres live until it has run (``plans.store``). Several queued at once do the work once: each takes what is
marked when it runs.
"""

from django_tasks import task


@task()
def refresh_verdicts() -> int:
    from ganxun.plans.store import refresh_marked

    return refresh_marked()


def queue_refresh() -> None:
    refresh_verdicts.enqueue()
