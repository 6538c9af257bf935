"""The Content-Security-Policy in the browser (web/csp.py): the main pages of the demo, as the users who work on
them, draw and behave under a policy without 'unsafe-inline', with nothing refused and no script error; the
confirm questions, the indicator form's fields and the timetable's library picker still work."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from ganxun.demo.generator import DEMO_PASSWORD
from tests.e2e.conftest import SCREENSHOTS, login, swapped


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from importlib import import_module

    from django.apps import apps

    from ganxun.demo.generator import build_demo
    from ganxun.resources.models import DictionaryEntry

    settings.VAR_DIR = tmp_path   # the demo classes' placeholder documents
    if not DictionaryEntry.objects.exists():   # the flush after another browser test took the seeded dictionary
        import_module("ganxun.resources.migrations.0003_dictionary_seed").seed(apps, None)
    return build_demo("small")


@pytest.fixture
def errors(page):
    """Script errors and console errors of every page the test opens."""
    found: list[str] = []
    page.on("pageerror", lambda exc: found.append(f"pageerror: {exc}"))
    page.on("console", lambda m: m.type == "error" and found.append(f"console: {m.text} {m.location.get('url', '')}"))
    return found


def visit(page, path: str):
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    headers = response.headers
    policy = headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "script-src 'self'" in policy
    assert headers["cache-control"] == "no-store", path
    page.wait_for_load_state("networkidle")
    return response


def sign_in(page, username: str):
    page.context.clear_cookies()
    login(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def chart_shot(page, box, name: str):
    """The chart with its tooltip (a full-page screenshot would resize the page, and the tooltip would close)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), clip=box)


def assert_clean(page, errors):
    assert page.csp_violations == []
    assert errors == []


def test_the_main_pages_run_under_the_policy(page, demo, errors):
    from ganxun.cadres.models import Cadre
    from ganxun.callups.selectors import callups_visible_to
    from ganxun.classes.models import TrainingClass
    from ganxun.classes.selectors import may_write_class
    from ganxun.core.choices import ContentCategory, TeacherKind, TeachingMethod
    from ganxun.accounts.models import User
    from ganxun.resources.models import Course, Teacher, TeacherStatus

    # the login page itself
    response = page.goto("/accounts/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]

    # 市委组织部: home, the roster and a cadre, the ledger, the dashboard with its chart, the archive, call-ups
    city = User.objects.get(username="shi_zzb")
    sign_in(page, "shi_zzb")
    region_path = city.scope_org.path[:-city.scope_org.steplen]   # the city the department runs
    cadre = Cadre.objects.filter(org__path__startswith=region_path).order_by("person_code").first()
    for path in ("/", "/cadres/", f"/cadres/{cadre.person_code}/", "/records/", "/records/review/", "/orgs/",
                 "/plans/list/", "/plans/shili-2023-2027/", "/classes/", "/callups/", "/import/", "/jobs/"):
        visit(page, path)
    # the side tree's filter hides the units that do not match
    visit(page, "/cadres/")
    side = page.get_by_label("组织机构树")
    side.get_by_placeholder("筛选单位").fill("教育局")
    expect(side.locator("a[data-name]:visible").first).to_contain_text("教育局")
    # 达标评估: the chart draws, its tooltip shows on the canvas, the switches work
    visit(page, "/reports/dashboard/")
    chart = page.locator("#gx-chart canvas").first
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    # the tooltip of the first bar, drawn on the canvas (richText): it needs no inline style
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 40)
    page.mouse.move(box["x"] + box["width"] * 0.62, box["y"] + 41)
    page.wait_for_timeout(500)
    chart_shot(page, box, "csp_dashboard_tooltip")
    page.get_by_test_id("indicator-select").select_option("matrix")
    expect(page.get_by_test_id("matrix")).to_be_visible()
    expect(page.locator("#gx-chart")).to_be_hidden()
    # a call-up and the archive of a cadre, with its yearly chart
    callup = callups_visible_to(city).order_by("code").first()
    visit(page, f"/callups/{callup.code}/")
    visit(page, f"/archive/{cadre.person_code}/")
    year_chart = page.locator("#gx-year-chart canvas").first
    expect(year_chart).to_be_visible()
    year_chart.scroll_into_view_if_needed()
    box = year_chart.bounding_box()
    assert box["height"] >= 300   # the chart keeps its height, now a class of archive.css
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.6)
    page.mouse.move(box["x"] + box["width"] * 0.52, box["y"] + box["height"] * 0.62)
    page.wait_for_timeout(500)
    chart_shot(page, box, "csp_archive_tooltip")
    assert_clean(page, errors)

    # 省委组织部: the plan's draft and the indicator form, whose fields follow the 要求 kind
    sign_in(page, "sheng_zzb")
    visit(page, "/plans/shili-2023-2027/?draft=1")
    expect(page.get_by_test_id("indicator-edit").first).to_be_visible()
    page.get_by_test_id("indicator-new").click()
    form = page.get_by_test_id("indicator-form")
    expect(form).to_be_visible()
    kind = form.locator("#id_measure_kind")
    kind.select_option("total")
    expect(form.locator('[data-measure="total"]')).to_be_visible()
    expect(form.locator('[data-measure="count"]')).to_be_hidden()
    kind.select_option("count")
    expect(form.locator('[data-measure="count"]')).to_be_visible()
    expect(form.locator('[data-measure="total"]')).to_be_hidden()
    expect(form.locator("input[name=hours]")).to_be_hidden()
    assert_clean(page, errors)

    # 党校: a class's timetable, where a course or teacher from the library fills the session's fields
    tc = next(c for c in TrainingClass.objects.filter(institution__code="DX4199", closed_at__isnull=True)
              .order_by("start_date") if may_write_class(User.objects.get(username="dangxiao"), c))
    Course.objects.create(code="KC-CSP-1", name="党的创新理论专题（课程库）", institution=tc.institution,
                          category=ContentCategory.THEORY, method=TeachingMethod.SEMINAR, hours=Decimal("2.5"))
    Teacher.objects.create(code="JS-CSP-1", name="王红（师资库）", institution=tc.institution, kind=TeacherKind.LEADER,
                           status=TeacherStatus.ACTIVE)
    sign_in(page, "dangxiao")
    visit(page, f"/classes/{tc.code}/")
    session_form = page.get_by_test_id("session-form")
    session_form.locator("#id_course_name").fill("党的创新理论专题（课程库）")
    session_form.locator("#id_course_name").press("Tab")
    expect(session_form.locator("#id_content_category")).to_have_value("theory")
    expect(session_form.locator("#id_method")).to_have_value("seminar")
    expect(session_form.locator("#id_hours")).to_have_value("2.5")
    session_form.locator("#id_teacher_name").fill("王红（师资库）")
    session_form.locator("#id_teacher_name").press("Tab")
    expect(session_form.locator("#id_teacher_kind")).to_have_value("leader")
    # and after htmx swaps the timetable in again (another plan's checks), the picker still works
    with swapped(page, "#gx-timetable"):
        page.select_option("#check-plan", index=0)
    session_form = page.get_by_test_id("session-form")
    session_form.locator("#id_teacher_name").fill("王红（师资库）")
    session_form.locator("#id_teacher_name").press("Tab")
    expect(session_form.locator("#id_teacher_kind")).to_have_value("leader")
    for tab in ("trainees", "attendance", "closing"):
        visit(page, f"/classes/{tc.code}/?tab={tab}")
    closed = TrainingClass.objects.filter(institution__code="DX4199", closed_at__isnull=False).order_by("code").first()
    visit(page, f"/classes/{closed.code}/?tab=closing")
    expect(page.get_by_test_id("certificates")).to_be_visible()
    assert_clean(page, errors)

    # 单位干部人事: the review page; the cadre: home and own archive; 审计管理员: the audit pages
    sign_in(page, "jyj_rs")
    visit(page, "/records/review/")
    sign_in(page, "ganbu")
    visit(page, "/")
    visit(page, "/archive/mine/")
    sign_in(page, "auditadmin")
    visit(page, "/audit/")
    visit(page, "/audit/logins/")
    sign_in(page, "sysadmin")
    visit(page, "/accounts/users/")
    # Bootstrap's own script still works: the phone layout's menu opens as an offcanvas
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_role("button", name="菜单").click()
    expect(page.locator("#gx-sidebar")).to_be_visible()
    expect(page.locator("#gx-sidebar.show")).to_have_count(1)
    assert_clean(page, errors)


def test_a_confirm_question_is_asked_before_the_form_posts(page, demo, errors):
    from ganxun.accounts.models import User

    sign_in(page, "sysadmin")
    visit(page, "/accounts/users/?q=ganbu")
    row = page.get_by_test_id("user-table").locator("tr", has_text="ganbu")
    posts = []
    page.on("request", lambda r: r.method == "POST" and "/disable/" in r.url and posts.append(r.url))
    asked = []

    # when the administrator declines the question, nothing is sent and the user stays active
    def decline(dialog):
        asked.append(dialog.message)
        dialog.dismiss()
    page.once("dialog", decline)
    row.get_by_role("button", name="停用").click()
    page.wait_for_timeout(300)
    assert asked and "确定停用 ganbu" in asked[0]
    assert posts == []
    assert User.objects.get(username="ganbu").is_active

    # when they accept, the form posts, once
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.get_by_role("button", name="停用").click()
    assert len(posts) == 1
    assert not User.objects.get(username="ganbu").is_active

    # a button asks as well: 取消所选学员结业 of a closed class, declined, sends nothing
    from ganxun.classes.models import TrainingClass

    closed = TrainingClass.objects.filter(institution__code="DX4199", closed_at__isnull=False).order_by("code").first()
    sign_in(page, "dangxiao")
    visit(page, f"/classes/{closed.code}/?tab=closing")
    page.get_by_test_id("certificates").locator("input[name=enrolment]").first.check()
    page.get_by_label("取消结业原因").fill("核对有误")
    page.on("request", lambda r: r.method == "POST" and "/revoke/" in r.url and posts.append(r.url))
    page.once("dialog", decline)
    page.get_by_role("button", name="取消所选学员结业").click()
    page.wait_for_timeout(300)
    assert "其学时记录将被冲销" in asked[-1]
    assert len(posts) == 1   # still only the one disabling
    assert_clean(page, errors)


def test_the_watch_sees_what_the_policy_refuses(page, e2e_world):
    # given a page under the policy
    response = page.goto("/accounts/login/")
    assert response.headers["content-security-policy"]
    # when markup with an inline style, an inline script and a handler is put into it
    page.evaluate("""() => {
      document.body.insertAdjacentHTML("beforeend", '<div id="probe" style="color: rgb(255, 0, 0)">x</div>'
        + '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" onload="window.__handled = 1">');
      var s = document.createElement("script"); s.textContent = "window.__ran = 1"; document.body.appendChild(s);
    }""")
    page.wait_for_timeout(300)
    # then none of it takes effect, and every refusal is reported to the test
    assert page.evaluate("getComputedStyle(document.getElementById('probe')).color") != "rgb(255, 0, 0)"
    assert page.evaluate("window.__ran === undefined && window.__handled === undefined")
    directives = " ".join(page.csp_violations)
    assert "style-src" in directives and "script-src" in directives, page.csp_violations
    page.csp_violations.clear()   # seen: the page fixture's own check need not fail this test
