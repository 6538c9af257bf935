"""``ganxun worker``: runs the background jobs (django-tasks' database worker), one at a time.

When it starts it marks 已中断 the jobs a dead worker left running. ``ganxun serve`` starts one as a
child process unless told ``--no-worker``.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorker

from ganxun.jobs.lifecycle import jobs_mark_interrupted


class Command(DbWorker):
    help = "运行后台任务（大文件导入、大批量导出）；启动时把已停止的后台程序留下的任务标记为“已中断”"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(reload=False, startup_delay=False, verbosity=0)

    def handle(self, *args, **options):
        from ganxun.core.discovery import discover_all

        discover_all()   # the job kinds and what they import, once, before the first job (core.discovery)
        interrupted = jobs_mark_interrupted()
        if interrupted:
            self.stderr.write(f"已将 {interrupted} 个中断的后台任务标记为“已中断”")
        self.stdout.write("后台任务程序已启动（Ctrl+C 停止）")
        self.stdout.flush()
        return super().handle(*args, **options)
