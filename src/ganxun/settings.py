"""Settings for ganxun.

Everything that differs between deployments comes from environment variables:

- ``GANXUN_DATABASE_URL``: ``sqlite:///ABSOLUTE/PATH`` or ``postgres://USER:PASS@HOST:PORT/NAME``;
  without it, a SQLite file under ``var/`` in the working directory.
- ``GANXUN_REPLICA_URL``: a streaming replica of that PostgreSQL, in the same form; the reports read there.
- ``GANXUN_SECRET_KEY``: required in production; the demo and tests make one up.
- ``GANXUN_MODE``: ``production`` (default), ``demo`` or ``test``. The demo relaxes only what a
  laptop without TLS needs (secure cookies, HSTS, DEBUG stays off).
- ``GANXUN_ALLOWED_HOSTS``: comma separated, production only.
- ``GANXUN_TRUSTED_PROXY``: the one address whose ``X-Forwarded-Proto``/``X-Forwarded-For`` ``ganxun serve``
  believes (default ``127.0.0.1``, the reverse proxy on the same machine); empty trusts no one.
- ``GANXUN_SSL_REDIRECT``: production redirects plain http to https unless ``false``.
- ``GANXUN_DATA_KEYS`` / ``GANXUN_KEY_FILE``: the 身份证号 encryption keys (JSON), from the environment or a
  0600 file (default ``VAR_DIR/data-keys.json``, made by the first ``ganxun migrate``); see ``core.crypto``.
"""

import importlib.util
import ipaddress
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ganxun.envtools import env_bool, env_list, env_str, read_or_create_secret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("GANXUN_VAR_DIR", str(Path.cwd() / "var")))

MODE = env_str("GANXUN_MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured(f"GANXUN_MODE 只能是 production、demo 或 test，而不是 {MODE!r}")
PRODUCTION = MODE == "production"

SECRET_KEY = env_str("GANXUN_SECRET_KEY", "")
if not SECRET_KEY:
    if MODE == "test":
        SECRET_KEY = "ganxun-test-only-" + "x" * 50
    else:
        SECRET_KEY = read_or_create_secret(VAR_DIR / "secret.key")

DEBUG = env_bool("GANXUN_DEBUG", False)
ALLOWED_HOSTS = env_list("GANXUN_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "axes",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ganxun's modules, ground first (docs/design-notes.md, "Layers"). Adding a module is adding its folder
    # and its line here: its pages (AppConfig.urls), API routers (api.py), menu entries (menu.py) and
    # import/export kinds (importers.py, exporters.py) are found from this list.
    "ganxun.core",
    "ganxun.web",
    "ganxun.audit",
    "ganxun.orgs",
    "ganxun.accounts",
    "ganxun.jobs",
    "ganxun.cadres",
    "ganxun.resources",
    "ganxun.records",
    "ganxun.plans",
    "ganxun.classes",
    "ganxun.callups",
    "ganxun.archive",
    "ganxun.reports",
    "ganxun.demo",
    "ganxun.dataio",
    "ganxun.shell",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # under /api/ every error is JSON, Django's 404/405/500 pages included (api.middleware)
    "ganxun.api.middleware.ApiErrorsAsJsonMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # every HTML page's Content-Security-Policy, and no-store on a signed-in user's responses (web.csp)
    "ganxun.web.csp.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # GANXUN_RATE_API per client address and per account or token (core.ratelimit)
    "ganxun.api.middleware.ApiRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a second-factor role's session not yet verified, or an expired password, reaches only its own pages
    "ganxun.accounts.middleware.IdentityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ganxun.audit.middleware.RequestContextMiddleware",
    # every string of an API write is checked for control and bidirectional characters (core.textcheck)
    "ganxun.core.textcheck.TextCheckMiddleware",
    # axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ganxun.urls"
WSGI_APPLICATION = "ganxun.wsgi.application"

# django-ninja is not an installed app: importing it (and pydantic) costs every command and the worker 0.2 s at
# start, and only the API needs it. Its API docs page and the files that page loads (Swagger UI) are found here
# instead, without importing it, and ganxun.api.main renders that page itself (ninja renders its CDN page unless
# "ninja" is in INSTALLED_APPS; an intranet cannot reach a CDN).
_NINJA = Path(importlib.util.find_spec("ninja").submodule_search_locations[0])

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_NINJA / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ganxun.shell.context.layout",
            ],
        },
    },
]


def _database_from_env(name: str = "GANXUN_DATABASE_URL"):
    url = env_str(name, "")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'ganxun.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(f"{name} 无法识别：{exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": _database_from_env()}

# A streaming replica of the primary for the reports (docs/operations.md, "只读副本"): with
# ``GANXUN_REPLICA_URL`` set, the report pages and the compliance API read there (``ganxun.core.dbrouting``);
# every write, every other read and every migration stay on the primary.
GANXUN_REPLICA_URL = env_str("GANXUN_REPLICA_URL", "")
# A replica further behind than this is not read from (the primary answers, and the log says so).
GANXUN_REPLICA_MAX_LAG_SECONDS = float(env_str("GANXUN_REPLICA_MAX_LAG_SECONDS", "10"))
# How long a process trusts one look at the replica's health and lag before looking again.
GANXUN_REPLICA_CHECK_SECONDS = float(env_str("GANXUN_REPLICA_CHECK_SECONDS", "2"))
# After a browser's POST (or other write request) its report pages read from the primary this long. The
# default is what makes reading one's own write certain: a replica that has not replayed a commit this old
# lags more than the limit above, and is not read from anyway.
GANXUN_READ_YOUR_WRITES_SECONDS = float(env_str(
    "GANXUN_READ_YOUR_WRITES_SECONDS", str(GANXUN_REPLICA_MAX_LAG_SECONDS + GANXUN_REPLICA_CHECK_SECONDS)))
# The 达标评估 page a browser that has not written gets may be of the database's state up to this long before
# (PostgreSQL; reports.views.dashboard): under a stream of writes the page is worked out about once per this, not
# once per write. 0 works it out after every commit.
GANXUN_SHARED_PAGE_SECONDS = float(env_str("GANXUN_SHARED_PAGE_SECONDS", "1"))
if GANXUN_REPLICA_URL:
    DATABASES["replica"] = _database_from_env("GANXUN_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.sqlite3":
        # an unreachable replica host must cost seconds, not the operating system's TCP timeout
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # The tests see one database: the replica's alias is the primary's connection there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["ganxun.core.dbrouting.ReplicaRouter"]
    # Before the session and user middleware, so it also marks a login's POST.
    MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
                      "ganxun.core.dbrouting.ReadYourWritesMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "ganxun.accounts.passwords.CharacterClassValidator"},
    {"NAME": "ganxun.accounts.passwords.NoUsernameValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (等保 level 3): the 6th wrong try for a username within 15 minutes is refused.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout records name the same address as the audit rows (never a header django-ipware would believe).
AXES_CLIENT_IP_CALLABLE = "ganxun.audit.context.client_address"
# The rule is per username (security.md); a per-address limit would lock out a whole office behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Second factor (TOTP, django-otp) for the roles in core.roles.SECOND_FACTOR_ROLES: ``required`` or ``off``.
# Production requires it; the demo and the tests leave it off (tests turn it on with override_settings).
GANXUN_SECOND_FACTOR = env_str("GANXUN_SECOND_FACTOR", "required" if PRODUCTION else "off")
if GANXUN_SECOND_FACTOR not in {"required", "off"}:
    raise ImproperlyConfigured(f"GANXUN_SECOND_FACTOR 只能是 required 或 off，而不是 {GANXUN_SECOND_FACTOR!r}")
OTP_TOTP_ISSUER = "干部教育培训管理信息系统"
# Password policy: a password older than this many days must be changed at the next login (0 = never);
# the last N passwords of a login may not be used again.
def _env_count(name: str, default: int) -> int:
    raw = env_str(name, str(default))
    if not raw.isdigit():
        raise ImproperlyConfigured(f"环境变量 {name} 应为不小于 0 的整数，而不是 {raw!r}")
    return int(raw)


GANXUN_PASSWORD_MAX_AGE_DAYS = _env_count("GANXUN_PASSWORD_MAX_AGE_DAYS", 90 if PRODUCTION else 0)
GANXUN_PASSWORD_HISTORY = _env_count("GANXUN_PASSWORD_HISTORY", 5)

# Idle sessions end after 30 minutes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # accounts.middleware touches the session once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "ganxun.web.views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [_NINJA / "static"]
# Production collects static files under var/; the demo and tests serve them from the package.
STATIC_ROOT = Path(env_str("GANXUN_STATIC_ROOT", str(VAR_DIR / "static"))) if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The demo serves static files straight from the package, no collectstatic step.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = False
# Source maps (the API docs' JavaScript) are for developers' tools, not browsers: not worth compressing at
# every production start.
from whitenoise.compress import Compressor  # noqa: E402

WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The import page's limits (the command line has none: it reads any file as a stream).
GANXUN_MAX_UPLOAD_BYTES = 30 * 1024 * 1024
GANXUN_MAX_IMPORT_ROWS = 200_000
# Every .xlsx, on the page, the API and the command line alike, is judged by its zip's own directory before a
# byte of it is unpacked: the declared uncompressed size of all its parts and their count. Its first sheet is
# then read with at most this many cells (a 125,000-row × 14-column records file holds 1.75 million). A
# sheet whose XML is larger than GANXUN_XLSX_STREAM_FROM_BYTES is parsed as a stream instead of by calamine
# (which holds every cell: about 100 bytes each), so a file within the limits costs at most ~100 MB.
GANXUN_MAX_XLSX_UNCOMPRESSED_BYTES = int(env_str("GANXUN_MAX_XLSX_UNCOMPRESSED_BYTES", str(160 * 1024 * 1024)))
GANXUN_MAX_XLSX_ENTRIES = int(env_str("GANXUN_MAX_XLSX_ENTRIES", "1000"))
GANXUN_MAX_IMPORT_CELLS = int(env_str("GANXUN_MAX_IMPORT_CELLS", "3000000"))
GANXUN_MAX_IMPORT_COLUMNS = int(env_str("GANXUN_MAX_IMPORT_COLUMNS", "200"))
GANXUN_XLSX_STREAM_FROM_BYTES = int(env_str("GANXUN_XLSX_STREAM_FROM_BYTES", str(40 * 1024 * 1024)))
# The command line (``ganxun import``: the operator's own process, not the web server's, one heavy import at a
# time) keeps calamine, ten times faster, for a sheet up to this size: a 125,000-row records file (99 MB of XML)
# then costs about 170 MB instead of 8 MB, and reads in a tenth of the time.
GANXUN_XLSX_STREAM_FROM_BYTES_CLI = int(env_str("GANXUN_XLSX_STREAM_FROM_BYTES_CLI", str(160 * 1024 * 1024)))
# From this size an upload is checked and written in the background (``ganxun worker``), with a
# progress bar, instead of inside the request; a smaller one keeps the page's synchronous flow.
GANXUN_BACKGROUND_IMPORT_BYTES = int(env_str("GANXUN_BACKGROUND_IMPORT_BYTES", str(2 * 1024 * 1024)))
GANXUN_BACKGROUND_IMPORT_ROWS = int(env_str("GANXUN_BACKGROUND_IMPORT_ROWS", "20000"))
# A dashboard over this many cadres (never computed before) is evaluated by the worker; afterwards the time it
# took decides (2 s or more: the worker).
GANXUN_BACKGROUND_EVALUATION_CADRES = int(env_str("GANXUN_BACKGROUND_EVALUATION_CADRES", "50000"))
# A write that moves up to this many cadres' verdicts re-evaluates them in the verdict store right after its commit
# (a single entry: tens of milliseconds); a larger one (an import) leaves them to the worker (plans.store).
GANXUN_VERDICTS_INLINE_CADRES = int(env_str("GANXUN_VERDICTS_INLINE_CADRES", "200"))
# A running job rewrites its heartbeat every few seconds; one older than this has a dead worker.
GANXUN_JOB_HEARTBEAT_SECONDS = float(env_str("GANXUN_JOB_HEARTBEAT_SECONDS", "2"))
GANXUN_JOB_STALE_SECONDS = float(env_str("GANXUN_JOB_STALE_SECONDS", "30"))

# 身份证号 at rest (``ganxun.core.crypto``): the key file, unless ``GANXUN_DATA_KEYS`` holds the keys; and how
# many full numbers one user may reveal per hour before the detail page refuses (and audits the refusal).
GANXUN_KEY_FILE = Path(env_str("GANXUN_KEY_FILE", str(VAR_DIR / "data-keys.json")))
GANXUN_REVEAL_LIMIT_PER_HOUR = int(env_str("GANXUN_REVEAL_LIMIT_PER_HOUR", "10"))

# Background jobs: django-tasks with its database backend; ``ganxun worker`` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# One cache for every web process (the dashboard keeps a province's figures there): files under
# VAR_DIR, which the processes share already. Not the database: on SQLite a cache write would wait
# for a large import's write lock (docs/design-notes.md, "Background jobs").
CACHES = {
    "default": {
        "BACKEND": "ganxun.core.filecache.FileCache",
        "LOCATION": str(VAR_DIR / "cache"),
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
GANXUN_API_TOKEN_DAYS = 365

# Rate limits (core.ratelimit): "N/PERIOD" (10/m, 120/min, 1000/h, 5/30s); empty or "off" is no limit.
# Counted in the cache above, which every web process shares. The demo and the tests run without them.
GANXUN_RATE_LOGIN = env_str("GANXUN_RATE_LOGIN", "10/m" if PRODUCTION else "")  # login posts, per address and username
GANXUN_RATE_API = env_str("GANXUN_RATE_API", "120/m" if PRODUCTION else "")  # /api/, per address and account/token


def _check_rates() -> None:
    from ganxun.core.ratelimit import parse_rate

    parse_rate(GANXUN_RATE_LOGIN, "GANXUN_RATE_LOGIN")
    parse_rate(GANXUN_RATE_API, "GANXUN_RATE_API")


_check_rates()


def _trusted_proxy() -> str | None:
    """The reverse proxy's address as waitress compares it with the socket's peer, or None for no proxy.

    waitress trusts exactly one address (it compares the peer with ``trusted_proxy`` as a string; there is
    no list), so a list is refused here rather than silently matching nothing.
    """
    raw = env_str("GANXUN_TRUSTED_PROXY", "127.0.0.1")
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise ImproperlyConfigured(
            f"环境变量 GANXUN_TRUSTED_PROXY 应为反向代理的一个 IP 地址（如 127.0.0.1），而不是 {raw!r}"
            "（只能有一个地址，不能用主机名、网段或 *；留空表示不信任任何代理）") from None


# Behind the reverse proxy (docs/operations.md): `ganxun serve` hands this to waitress, which takes the
# scheme (X-Forwarded-Proto) and the client's address (X-Forwarded-For, last hop) from this peer only and
# deletes every X-Forwarded-*/Forwarded header of any other peer before Django sees the request.
GANXUN_TRUSTED_PROXY = _trusted_proxy()


def _web_workers() -> int:
    """``GANXUN_WEB_WORKERS``: the web processes ``ganxun serve`` starts (gunicorn); default one per CPU the
    process may use, plus one, at least 2."""
    import os

    raw = env_str("GANXUN_WEB_WORKERS", "")
    if not raw:
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return max(2, cpus + 1)
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise ImproperlyConfigured(f"环境变量 GANXUN_WEB_WORKERS 应为 1—64 的整数（Web 进程数），而不是 {raw!r}")
    return int(raw)


GANXUN_WEB_WORKERS = _web_workers()


def _public_url(raw: str) -> str:
    """``GANXUN_PUBLIC_URL``: the site's address as users reach it (``https://host[:port][/path]``), printed on
    PDFs and in their QR codes; empty means each request's own scheme and host (what the demo needs)."""
    from urllib.parse import urlsplit

    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"GANXUN_PUBLIC_URL 应为 https://主机名[:端口][/路径] 形式的网址，而不是 {raw!r}")
    return raw.rstrip("/")


GANXUN_PUBLIC_URL = _public_url(env_str("GANXUN_PUBLIC_URL", ""))

# Every HTML page's policy (ganxun.web.csp): scripts and styles only from the site's static files, never inline.
GANXUN_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("GANXUN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    # No SECURE_PROXY_SSL_HEADER: waitress has already turned the trusted proxy's X-Forwarded-Proto into
    # the request's scheme (wsgi.url_scheme), which is what request.is_secure() reads without the setting.
    # With it, Django would believe the header itself, from whoever sent it: under any server that does not
    # strip it from untrusted peers (runserver, another WSGI server) any client could claim https.
    #
    # A form posts with the browser's Origin (https://host[:port]). Behind the prescribed proxy it equals the
    # request's own origin (the proxy passes the scheme and the browser's Host). The allowed hosts' https
    # origins are trusted as well, so a form from the https site still passes where the request does not
    # arrive as https (GANXUN_SSL_REDIRECT=false behind a proxy that sends no X-Forwarded-Proto). No other
    # origin is trusted, so this opens nothing to another site.
    CSRF_TRUSTED_ORIGINS = [
        "https://*" + host if host.startswith(".") else "https://" + host
        for host in ALLOWED_HOSTS if host != "*"
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"ganxun": {"level": "INFO"}},
}
