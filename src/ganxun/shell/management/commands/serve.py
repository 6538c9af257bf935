import os

from django.conf import settings
from django.core.management import call_command

from ganxun.core.management.base import GanxunCommand
from ganxun.jobs.child import start_worker, stop_worker

# What the reverse proxy of docs/operations.md tells us: the scheme the browser used and the client's
# address. Host comes in the Host header itself; X-Forwarded-Host/-Port/-By and Forwarded are not trusted,
# so waitress deletes them even from the proxy (nginx passes a client's own headers through unless told).
PROXY_HEADERS = {"x-forwarded-proto", "x-forwarded-for"}


def proxy_adjustments(trusted_proxy: str | None) -> dict:
    """waitress's settings for the reverse proxy at ``trusted_proxy`` (None: no proxy is trusted).

    Only a request whose socket peer is that address has its X-Forwarded-Proto become the request's scheme
    and the last X-Forwarded-For hop (the address the proxy saw) become REMOTE_ADDR; from any other peer all
    X-Forwarded-* and Forwarded headers are deleted before Django sees the request.
    """
    adjustments = {"clear_untrusted_proxy_headers": True}
    if trusted_proxy:
        adjustments.update(trusted_proxy=trusted_proxy, trusted_proxy_count=1,
                           trusted_proxy_headers=PROXY_HEADERS)
    return adjustments


def static_fingerprint() -> str:
    """What ``collectstatic`` would copy: every static file the finders see, by path, size and time."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = storage.path(path) if hasattr(storage, "path") else path
            info = os.stat(stat)
            digest.update(f"{path}\0{info.st_size}\0{int(info.st_mtime)}\n".encode())
    return digest.hexdigest()


def collect_static_if_changed() -> bool:
    """Collect (and compress) the static files into STATIC_ROOT unless they are there from an earlier start of the
    same release: compressing them takes 10–20 s of CPU, at every start of every web process otherwise."""
    from pathlib import Path

    stamp = Path(settings.STATIC_ROOT) / ".ganxun-collected"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint, encoding="utf-8")
    return True


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

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if settings.MODE == "production":
            collect_static_if_changed()
        # Only now: WhiteNoise lists STATIC_ROOT once, when the application is built.
        from ganxun.wsgi import application

        proxy = settings.GANXUN_TRUSTED_PROXY
        self.stdout.write(f"干训系统已启动：http://{opts['host']}:{opts['port']}/  （Ctrl+C 停止）")
        self.stdout.write(f"信任的反向代理：{proxy}" if proxy else "不信任任何反向代理（GANXUN_TRUSTED_PROXY 为空）")
        self.stdout.flush()
        worker = None if opts.get("no_worker") else start_worker()  # background jobs (ganxun.jobs.child)
        try:
            waitress.serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"],
                           ident="ganxun", **proxy_adjustments(proxy))
        finally:
            stop_worker(worker)
