"""ganxun as it is deployed: Debian's nginx with TLS in front of `ganxun serve` in production mode.

The nginx configuration is the one `docs/operations.md` prescribes, read from that page; only the listening
ports, the certificate paths and the upstream port are replaced. Everything runs from a temporary directory
(its own SQLite database, certificate, nginx prefix, pid and logs) and is stopped afterwards, also when a
test fails. None of it needs pytest-django's database.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.parse
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OPERATIONS = ROOT / "docs" / "operations.md"
SERVER_NAME = "ganxun.intra"  # the host name the prescribed configuration names
ADMIN_PASSWORD = "Gx-" + secrets.token_hex(8) + "-Zz9"
# Loopback addresses other than the proxy's: a user in front of nginx, and a stranger who reaches the
# application server directly. Linux answers for the whole of 127.0.0.0/8.
USER_ADDRESS = "127.0.0.3"
STRANGER_ADDRESS = "127.0.0.2"
PROXY_ADDRESS = "127.0.0.1"


# Tests that start PostgreSQL clusters of their own (replication, a killed postmaster) and do not use the suite's
# database: the suite runs them once, in its PostgreSQL run, rather than twice.
OWN_CLUSTERS = ("test_replica.py", "test_faults.py")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/deploy/" in str(item.fspath):
            item.add_marker(pytest.mark.deploy)
    if os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres"):
        return
    twice = [item for item in items if "tests/deploy/" in str(item.fspath) and item.fspath.basename in OWN_CLUSTERS]
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if item not in twice]


def pytest_configure(config):
    config.addinivalue_line("markers", "deploy: nginx + `ganxun serve` in production mode, from a temp directory")


# --- the parts ---------------------------------------------------------------------------------

def nginx_binary() -> str:
    """Debian's nginx, installed the way `make install` installs it when it is missing."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        subprocess.run(["make", "-C", str(ROOT), "nginx"], check=False)
        found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if found is None:
        pytest.fail("没有找到 nginx，make nginx 也没能安装它（Debian：apt-get install nginx）")
    return found


def prescribed_nginx_config() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", OPERATIONS.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, f"docs/operations.md 应有且只有一段 nginx 配置，现在有 {len(blocks)} 段"
    return blocks[0]


def adapt(config: str, replacements: dict[str, str]) -> str:
    """The prescribed configuration with only these literal parts replaced (each must occur exactly once)."""
    for old, new in replacements.items():
        assert config.count(old) == 1, f"docs/operations.md 的 nginx 配置里应恰好有一处 {old!r}"
        config = config.replace(old, new)
    return config


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} 退出了（{process.returncode}）：\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"端口 {port} 在 {timeout:.0f} 秒内没有开始监听：\n{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen):
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


def ganxun_command() -> list[str]:
    script = Path(sys.executable).parent / "ganxun"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ganxun.cli"]


def production_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GANXUN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({
        "GANXUN_MODE": "production",
        "GANXUN_DATABASE_URL": f"sqlite:///{tmp / 'ganxun.sqlite3'}",
        "GANXUN_VAR_DIR": str(tmp / "var"),
        "GANXUN_SECRET_KEY": secrets.token_urlsafe(50),
        "GANXUN_ALLOWED_HOSTS": SERVER_NAME,
        **extra,
    })
    return env


def make_certificate(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "ganxun.crt", tmp / "ganxun.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={SERVER_NAME}",
                    "-addext", f"subjectAltName=DNS:{SERVER_NAME}"],
                   check=True, capture_output=True)
    return cert, key


def nginx_main_config(tmp: Path, servers: str) -> str:
    """What /etc/nginx/nginx.conf provides around conf.d/, with every path in the temp directory."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the temp dir (mode 0700)
    temp_paths = "".join(f"    {kind}_temp_path {tmp / ('nginx-' + kind)};\n"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}daemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'nginx-error.log'};\n"
            f"events {{ worker_connections 64; }}\n"
            f"http {{\n    access_log {tmp / 'nginx-access.log'};\n{temp_paths}{servers}\n}}\n")


# --- a client that can say which address it comes from ---------------------------------------

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Client:
    """One user agent: its own source address and cookies, talking to one port by plain HTTP or TLS."""

    port: int
    source: str
    tls_context: ssl.SSLContext | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls_context else 'http'}://{SERVER_NAME}:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        conn = self._connection()
        try:
            all_headers = {"Host": f"{SERVER_NAME}:{self.port}", **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=all_headers)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode("utf-8", errors="replace"))
        finally:
            conn.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(line)
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict, headers: dict | None = None) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Origin": self.origin, **(headers or {})})

    def post_multipart(self, path: str, fields: dict, file_field: str, filename: str, content: bytes) -> Response:
        boundary = "----ganxun" + secrets.token_hex(8)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                 for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                     "Content-Type: text/csv\r\n\r\n".encode() + content + f"\r\n--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}",
                                                            "Origin": self.origin})

    def _connection(self) -> http.client.HTTPConnection:
        source = (self.source, 0)
        if self.tls_context is None:
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=source)
        context = self.tls_context

        class Connection(http.client.HTTPSConnection):
            def connect(self):
                sock = socket.create_connection((self.host, self.port), self.timeout, self.source_address)
                # the certificate is checked against the name the browser would use
                self.sock = context.wrap_socket(sock, server_hostname=SERVER_NAME)

        return Connection("127.0.0.1", self.port, timeout=60, source_address=source, context=context)


def csrf_token(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert match, "页面上没有 CSRF 表单字段"
    return match.group(1)


# The admin's authenticator (production requires the second factor): enrolled by ``enrol_admin`` with this key.
ADMIN_TOTP_KEY = secrets.token_hex(20)
ENROL_ADMIN = """
import django
django.setup()
from ganxun.accounts.models import User
from ganxun.accounts.second_factor import enrol_for_tests_and_deploys
enrol_for_tests_and_deploys(User.objects.get(username="admin"), key="%s", tolerance=10)
""" % ADMIN_TOTP_KEY


def enrol_admin(env: dict, cwd: Path) -> None:
    """Bind the admin's authenticator directly (no page), as an administrator's phone would be."""
    subprocess.run([sys.executable, "-c", ENROL_ADMIN], env={**env, "DJANGO_SETTINGS_MODULE": "ganxun.settings"},
                   cwd=cwd, check=True, capture_output=True)


_last_step = [0]


def totp_code(key_hex: str = ADMIN_TOTP_KEY) -> str:
    """The admin's next code. A code is good once (django-otp), so each login takes a later time step than the
    last one; the deploy admin's device accepts up to 10 steps ahead, enough for this module's logins."""
    from binascii import unhexlify

    from django_otp.oath import TOTP

    totp = TOTP(unhexlify(key_hex))
    step = max(totp.t(), _last_step[0] + 1)
    _last_step[0] = step
    totp.time = step * totp.step + totp.t0
    return f"{totp.token():06d}"


def log_in(client: Client, username: str = "admin", password: str = ADMIN_PASSWORD, headers: dict | None = None):
    """The password, then (when the server asks for it) the admin's TOTP code; returns the password's answer."""
    page = client.get("/accounts/login/")
    assert page.status == 200, (page.status, page.header("Location"))
    response = client.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(page), "username": username,
                                                     "password": password, "next": ""}, headers=headers)
    if response.status == 302 and username == "admin":
        step = client.get("/accounts/2fa/verify/", headers=headers)
        if step.status == 200:
            verified = client.post_form("/accounts/2fa/verify/", {"csrfmiddlewaretoken": csrf_token(step),
                                                                  "code": totp_code(), "next": "/"}, headers=headers)
            assert verified.status == 302, (verified.status, verified.body[:500])
    return response


# --- the deployment ---------------------------------------------------------------------------

@dataclass
class Deployment:
    tmp: Path
    cert: Path
    https_port: int  # nginx, TLS: what users open
    http_port: int  # nginx, plain: redirects to https
    app_port: int  # `ganxun serve`, production defaults, behind nginx
    no_redirect_port: int  # a second `ganxun serve` with GANXUN_SSL_REDIRECT=false, same database
    serve_pid: int = 0  # the first `ganxun serve` (gunicorn's arbiter)

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def user(self) -> Client:
        """A browser in front of nginx, on its own address."""
        return Client(self.https_port, USER_ADDRESS, self.tls_context())

    def direct(self, port: int, source: str) -> Client:
        """Someone connecting straight to an application server, by plain HTTP."""
        return Client(port, source)

    def audit_mark(self) -> int:
        """The newest audit row's id, to find the rows an action adds."""
        with closing(sqlite3.connect(self.tmp / "ganxun.sqlite3")) as db:
            return db.execute("SELECT COALESCE(MAX(id), 0) FROM audit_auditevent").fetchone()[0]

    def audit_rows_after(self, mark: int, event_type: str) -> list[dict]:
        with closing(sqlite3.connect(self.tmp / "ganxun.sqlite3")) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM audit_auditevent WHERE id > ? AND event_type = ? ORDER BY id",
                              (mark, event_type)).fetchall()
        return [dict(row) for row in rows]


@pytest.fixture(scope="session")
def deployment(tmp_path_factory):
    nginx = nginx_binary()
    tmp = tmp_path_factory.mktemp("deploy")
    cert, key = make_certificate(tmp)
    ports = dict(https_port=free_port(), http_port=free_port(), app_port=free_port(), no_redirect_port=free_port())
    servers = adapt(prescribed_nginx_config(), {
        "listen 443 ssl;": f"listen 127.0.0.1:{ports['https_port']} ssl;",
        "listen 80;": f"listen 127.0.0.1:{ports['http_port']};",
        "/etc/ssl/ganxun/ganxun.crt": str(cert),
        "/etc/ssl/ganxun/ganxun.key": str(key),
        "http://127.0.0.1:8000;": f"http://127.0.0.1:{ports['app_port']};",
    })
    (tmp / "nginx.conf").write_text(nginx_main_config(tmp, servers))
    env = production_env(tmp)
    ganxun = ganxun_command()
    with ExitStack() as stack:
        subprocess.run([*ganxun, "migrate", "-v0"], env=env, cwd=tmp, check=True, capture_output=True)
        started = []

        def start(name: str, args: list[str], port: int, process_env: dict | None = None):
            log = tmp / f"{name}.log"
            handle = stack.enter_context(open(log, "wb"))
            process = subprocess.Popen(args, env=process_env, cwd=tmp, stdout=handle, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            stack.callback(stop, process)
            started.append((port, process, log))
            return process

        # All three start at once; the first server spends most of its start collecting static files.
        serve = start("serve", [*ganxun, "serve", "--port", str(ports["app_port"]), "--no-migrate"], ports["app_port"],
                      {**env, "GANXUN_WEB_WORKERS": "3"})
        start("serve-no-redirect", [*ganxun, "serve", "--port", str(ports["no_redirect_port"]), "--no-migrate"],
              ports["no_redirect_port"],
              {**env, "GANXUN_SSL_REDIRECT": "false", "GANXUN_STATIC_ROOT": str(tmp / "static-plain"),
               "DJANGO_SETTINGS_MODULE": "tests.deploy.plain_static_settings",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))})
        start("nginx", [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "nginx-error.log")],
              ports["https_port"])
        subprocess.run([*ganxun, "createadmin", "--superuser", "admin", "--password-stdin"], env=env, cwd=tmp,
                       input=ADMIN_PASSWORD + "\n", text=True, check=True, capture_output=True)
        enrol_admin(env, tmp)
        for port, process, log in started:
            wait_for_port(port, process, log)
        yield Deployment(tmp=tmp, cert=cert, serve_pid=serve.pid, **ports)
