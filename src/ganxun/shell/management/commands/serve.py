from django.conf import settings
from django.core.management import call_command

from ganxun.core.management.base import GanxunCommand
from ganxun.jobs.child import start_worker, stop_worker


class Command(GanxunCommand):
    help = "启动服务（serve the configured database with waitress）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 (host)")
        parser.add_argument("--port", type=int, default=8000, help="端口 (port)")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="启动前不自动迁移数据库")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务程序（另行运行 ganxun worker 时）")

    def handle(self, *args, **opts):
        import waitress

        from ganxun.wsgi import application

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if settings.MODE == "production":
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"干训系统已启动：http://{opts['host']}:{opts['port']}/  （Ctrl+C 停止）")
        worker = None if opts.get("no_worker") else start_worker()  # background jobs (ganxun.jobs.child)
        try:
            waitress.serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"],
                           ident="ganxun")
        finally:
            stop_worker(worker)
