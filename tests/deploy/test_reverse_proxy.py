"""Behind the prescribed nginx, production mode serves https without a redirect loop, sends HSTS, takes a
browser's login and audits the user's address; the proxy's headers count only when they come from the proxy."""

import pytest

from tests.deploy.conftest import (ADMIN_PASSWORD, PROXY_ADDRESS, SERVER_NAME, STRANGER_ADDRESS, USER_ADDRESS,
                                  csrf_token, log_in)

# nginx and `ganxun serve` on a SQLite file of their own, whatever the suite's database is
pytestmark = pytest.mark.own_sqlite

HSTS = "max-age=31536000; includeSubDomains; preload"
SPOOFED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def test_a_page_through_the_proxy_is_served_over_https_with_hsts(deployment):
    page = deployment.user().get("/accounts/login/")

    assert page.status == 200, (page.status, page.header("Location"))
    assert page.header("Strict-Transport-Security") == HSTS
    assert "登录" in page.body


def test_the_pages_static_files_come_through_the_proxy(deployment):
    # collected at the server's first start, before it began serving
    stylesheet = deployment.user().get("/static/vendor/bootstrap/bootstrap.min.css")

    assert stylesheet.status == 200
    assert stylesheet.header("Content-Type").startswith("text/css") and ".btn" in stylesheet.body
    # the API docs' Swagger UI too, shipped in django-ninja (which is not an installed app)
    docs = deployment.user().get("/api/v1/docs")
    assert docs.status == 200 and "/static/ninja/swagger-ui-bundle.js" in docs.body and "//cdn" not in docs.body
    script = deployment.user().get("/static/ninja/swagger-ui-bundle.js")
    assert script.status == 200 and "SwaggerUIBundle" in script.body


def test_plain_http_to_the_proxy_is_sent_to_https(deployment):
    response = deployment.direct(deployment.http_port, USER_ADDRESS).get("/accounts/login/")

    assert response.status == 301
    assert response.header("Location") == f"https://{SERVER_NAME}/accounts/login/"


def test_a_login_through_the_proxy_works_and_the_audit_names_the_users_address(deployment):
    browser = deployment.user()
    before = deployment.audit_mark()

    # what the user's own request says about forwarding is not believed: nginx sets both headers itself
    response = log_in(browser, headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"})

    assert response.status == 302 and response.header("Location") == "/", (response.status, response.body[:500])
    session_cookie = next(line for line in browser.set_cookies if line.startswith("sessionid="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    home = browser.get("/")
    assert home.status == 200 and "退出" in home.body and "admin" in home.body
    assert home.header("Strict-Transport-Security") == HSTS
    # the password's login row and the second factor's (production requires it for the admin)
    rows = deployment.audit_rows_after(before, "login")
    assert len(rows) == 2
    for login in rows:
        assert login["subject_code"] == "admin"
        assert login["address"] == USER_ADDRESS  # the user's, not the proxy's (127.0.0.1) nor the forged one


def test_an_upload_at_the_size_limit_reaches_the_application_through_the_proxy(deployment):
    browser = deployment.user()
    assert log_in(browser).status == 302
    form = browser.get("/import/")
    assert form.status == 200

    too_big = b"a" * (30 * 1024 * 1024 + 1)  # one byte over GANXUN_MAX_UPLOAD_BYTES
    response = browser.post_multipart("/import/", {"csrfmiddlewaretoken": csrf_token(form), "action": "preview"},
                                      "file", "big.csv", too_big)

    # the application's own message, not nginx's "413 Request Entity Too Large"
    assert response.status == 200, (response.status, response.body[:300])
    assert "文件过大（30.0 MB），不能超过 30 MB" in response.body


def test_forwarding_headers_straight_from_a_stranger_are_ignored(deployment):
    stranger = deployment.direct(deployment.app_port, STRANGER_ADDRESS)

    response = stranger.get("/accounts/login/", headers=SPOOFED)

    assert response.status == 301
    assert response.header("Location") == f"https://{SERVER_NAME}:{deployment.app_port}/accounts/login/"
    assert response.header("Strict-Transport-Security") is None


def test_the_same_headers_from_the_proxys_address_are_believed(deployment):
    # the control for the test above: only the peer's address differs
    local = deployment.direct(deployment.app_port, PROXY_ADDRESS)

    response = local.get("/accounts/login/", headers=SPOOFED)

    assert response.status == 200
    assert response.header("Strict-Transport-Security") == HSTS


def test_a_strangers_login_is_audited_with_its_own_address(deployment):
    # GANXUN_SSL_REDIRECT=false (the proxy redirects instead) lets a direct request through to the login
    stranger = deployment.direct(deployment.no_redirect_port, STRANGER_ADDRESS)

    page = stranger.get("/accounts/login/", headers=SPOOFED)
    assert page.status == 200 and page.header("Strict-Transport-Security") is None
    before = deployment.audit_mark()
    # the browser's http Origin matches only because the request stays http despite X-Forwarded-Proto
    response = stranger.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(page), "username": "admin",
                                                       "password": ADMIN_PASSWORD, "next": ""}, headers=SPOOFED)

    assert response.status == 302 and response.header("Location") == "/", (response.status, response.body[:500])
    [login] = deployment.audit_rows_after(before, "login")
    assert login["address"] == STRANGER_ADDRESS


def test_a_form_from_the_https_site_passes_where_the_request_does_not_arrive_as_https(deployment):
    # GANXUN_ALLOWED_HOSTS' https origins are trusted (CSRF_TRUSTED_ORIGINS): behind a proxy that says nothing
    # about https, with GANXUN_SSL_REDIRECT=false, a browser's login still goes through; another site's does not
    browser = deployment.direct(deployment.no_redirect_port, PROXY_ADDRESS)
    fields = {"csrfmiddlewaretoken": csrf_token(browser.get("/accounts/login/")), "username": "admin",
              "password": ADMIN_PASSWORD, "next": ""}

    other_site = browser.post_form("/accounts/login/", fields, headers={"Origin": "https://elsewhere.example"})
    same_site = browser.post_form("/accounts/login/", fields, headers={"Origin": f"https://{SERVER_NAME}"})

    assert other_site.status == 403
    assert same_site.status == 302 and same_site.header("Location") == "/", (same_site.status, same_site.body[:300])


def children(pid: int) -> list[tuple[int, str]]:
    """The direct children of ``pid``, with their command lines, from /proc."""
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((int(entry.name), (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()))
        except (OSError, IndexError, ValueError):
            continue
    return found


def test_ganxun_serve_runs_the_configured_number_of_gunicorn_workers_and_a_background_worker(deployment):
    import time

    # GANXUN_WEB_WORKERS=3 for this server: three web processes under gunicorn's arbiter, plus `ganxun worker`
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        kids = children(deployment.serve_pid)
        web = [pid for pid, cmd in kids if " worker" not in cmd.split("ganxun.cli", 1)[-1]]
        if len(web) == 3:
            break
        time.sleep(0.2)
    assert len(web) == 3, kids
    assert sum(1 for _, cmd in kids if cmd.rstrip().endswith("ganxun.cli worker")) == 1, kids
    log = (deployment.tmp / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "gunicorn，3 个进程 × 4 个线程" in log

    # requests through the proxy are answered by them
    browser = deployment.user()
    statuses = {browser.get("/healthz").status for _ in range(30)}
    assert statuses == {200}
