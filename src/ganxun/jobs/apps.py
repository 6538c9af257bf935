from django.apps import AppConfig


class JobsConfig(AppConfig):
    """后台任务: what a user sees of work that runs in the background (a large import, a province's export).

    The work itself is a django-tasks task run by ``ganxun worker``; the ``Job`` row is its face: who asked,
    what, how far, the result and its file. Apps above register the kinds of job they run in their
    ``background.py`` (``registry``), read when a kind is first looked up (``core.discovery``).
    """

    name = "ganxun.jobs"
    verbose_name = "后台任务"
    default_auto_field = "django.db.models.BigAutoField"
    urls = (("jobs/", "ganxun.jobs.urls"),)
