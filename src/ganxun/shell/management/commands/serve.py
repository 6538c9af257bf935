import gc
import os

from django.conf import settings
from django.core.management import call_command

from ganxun.core.errors import DomainError
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


def gunicorn_available() -> bool:
    """gunicorn runs on POSIX systems only (it forks); elsewhere ``ganxun serve`` falls back to waitress."""
    if os.name != "posix":
        return False
    try:
        import gunicorn.app.base  # noqa: F401
    except ImportError:
        return False
    return True


def run_gunicorn(application, *, host: str, port: int, workers: int, threads: int) -> None:
    """``workers`` processes with ``threads`` threads each (gthread), the trusted proxy handled by
    :class:`ganxun.shell.proxy.TrustedProxy` and nothing forwarded believed by gunicorn itself."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from ganxun.shell.proxy import TrustedProxy

    wrapped = TrustedProxy(application, settings.GANXUN_TRUSTED_PROXY)
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # imports and province-wide evaluations may take minutes (nginx waits 300 s); a gthread worker keeps
        # telling the arbiter it is alive while its threads work, so this only catches a hung process
        "timeout": 330,
        "graceful_timeout": 30,
        "keepalive": 5,
        "forwarded_allow_ips": "",  # TrustedProxy decides, from GANXUN_TRUSTED_PROXY only
        "secure_scheme_headers": {},
        "proxy_allow_ips": "",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "ganxun",
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
    }

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            return wrapped

    connections.close_all()  # the migration's connection must not be shared by the forked workers
    # Django, the apps and the plans are loaded: move those objects out of the collector's sight, so that each
    # full collection in a web process walks only what requests made (150,000 fewer objects: a city dashboard
    # request paid ~5 ms on average for them, one request in twenty ~90 ms), and the forked processes keep
    # sharing those pages instead of copying them when the collector touches them
    gc.collect()
    gc.freeze()
    Server().run()


def default_workers() -> int:
    return settings.GANXUN_WEB_WORKERS


class Command(GanxunCommand):
    help = "启动服务（Linux 上为 gunicorn 多进程，其他系统为 waitress）"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 (host)")
        parser.add_argument("--port", type=int, default=8000, help="端口 (port)")
        parser.add_argument("--workers", type=int, default=None,
                            help="Web 进程数，默认 GANXUN_WEB_WORKERS（未设置时按 CPU 核数）")
        parser.add_argument("--threads", type=int, default=None,
                            help="每个 Web 进程的线程数（gunicorn 默认 4，waitress 默认 8）")
        parser.add_argument("--server", choices=["auto", "gunicorn", "waitress"], default="auto",
                            help="auto：Linux 等 POSIX 系统用 gunicorn，否则 waitress")
        parser.add_argument("--no-migrate", action="store_true", help="启动前不自动迁移数据库")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务程序（另行运行 ganxun worker 时）")

    def handle(self, *args, **opts):
        server = opts["server"]
        if server == "auto":
            server = "gunicorn" if gunicorn_available() else "waitress"
        elif server == "gunicorn" and not gunicorn_available():
            raise DomainError("本机无法运行 gunicorn（只支持 Linux 等 POSIX 系统），请用 --server waitress")
        workers = opts["workers"] if opts["workers"] is not None else default_workers()
        if workers < 1:
            raise DomainError(f"--workers 应为正整数，而不是 {workers}")
        if opts["threads"] is not None and opts["threads"] < 1:
            raise DomainError(f"--threads 应为正整数，而不是 {opts['threads']}")

        if not opts["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if settings.MODE == "production":
            collect_static_if_changed()
        # Only now: WhiteNoise lists STATIC_ROOT once, when the application is built.
        from ganxun.wsgi import application

        proxy = settings.GANXUN_TRUSTED_PROXY
        if server == "gunicorn":
            how = f"gunicorn，{workers} 个进程 × {opts['threads'] or 4} 个线程"
        else:
            how = f"waitress，1 个进程 × {opts['threads'] or 8} 个线程"
        self.stdout.write(f"干训系统已启动：http://{opts['host']}:{opts['port']}/  （{how}；Ctrl+C 停止）")
        self.stdout.write(f"信任的反向代理：{proxy}" if proxy else "不信任任何反向代理（GANXUN_TRUSTED_PROXY 为空）")
        self.stdout.flush()
        worker = None if opts.get("no_worker") else start_worker()  # background jobs (ganxun.jobs.child)
        try:
            if server == "gunicorn":
                run_gunicorn(application, host=opts["host"], port=opts["port"], workers=workers,
                             threads=opts["threads"] or 4)
            else:
                import waitress

                waitress.serve(application, host=opts["host"], port=opts["port"], threads=opts["threads"] or 8,
                               ident="ganxun", **proxy_adjustments(proxy))
        finally:
            stop_worker(worker)
