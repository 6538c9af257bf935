"""Browser tests: Playwright drives Debian's Chromium against a live server on loopback."""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, build_world

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("GANXUN_SCREENSHOTS", Path(__file__).resolve().parents[2] / "screenshots"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("没有找到 chromium：请运行 make install（会安装 Debian 的 chromium）")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def e2e_world(transactional_db):
    from importlib import import_module

    from django.apps import apps

    from ganxun.resources.models import DictionaryEntry

    # A browser test's database is flushed after each test, and the flush takes the data dictionary the
    # migrations seeded with it: put it back, as a fresh database has it.
    if not DictionaryEntry.objects.exists():
        import_module("ganxun.resources.migrations.0003_dictionary_seed").seed(apps, None)
    return build_world()


# Every page of every browser test reports what its Content-Security-Policy refused (web/csp.py): an inline
# script, handler or style attribute that crept back fails the test that meets it.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  window.__gxCspViolation(e.violatedDirective + " " + e.blockedURI + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});"""


def watch_csp(context) -> list[str]:
    """Collect the policy's refusals on every page of ``context`` (they are also logged as console errors)."""
    violations: list[str] = []
    context.expose_function("__gxCspViolation", lambda text: violations.append(text))
    context.add_init_script(CSP_LISTENER)
    return violations


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 800},
                                  accept_downloads=True)
    violations = watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    # the console names the refusals too, also those before the listener runs
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and violations.append(m.text))
    page.csp_violations = violations
    yield page
    context.close()
    assert violations == [], "页面违反了内容安全策略（Content-Security-Policy）：" + "；".join(violations)


def login(page, username: str, password: str = PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def shot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@contextmanager
def swapped(page, selector: str):
    """Run the block (a click or a choice that makes htmx swap `selector` by outerHTML), then wait until the old
    element has been replaced: a response having arrived does not mean the new element is in the page yet, and a
    form filled in between is thrown away by the swap."""
    page.locator(selector).evaluate("el => { el.dataset.gxStale = '1'; }")
    yield
    expect(page.locator(f"{selector}:not([data-gx-stale])")).to_be_attached()
