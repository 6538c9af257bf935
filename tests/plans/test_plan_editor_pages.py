"""规划管理 in the pages: the department's own plans, their drafts and their indicators, as an officer uses them."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganxun.plans.catalog import draft_of, load_plan
from ganxun.plans.models import PlanDocument
from ganxun.plans.services import plan_create, plan_indicator_save, plan_publish
from ganxun.records.services import record_append
from tests.plans.test_plan_management import CODE, new_plan, staff_hours


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def indicator_post(plan, code, **changes):
    """The indicator form as the page submits it, from the indicator as it is, with ``changes``."""
    from ganxun.plans.forms import IndicatorForm

    data = IndicatorForm.initial_of(plan.indicator(code))
    data.update(changes)
    post = {}
    for key, value in data.items():
        if isinstance(value, list):
            post[key] = value
        elif isinstance(value, bool):
            if value:
                post[key] = "on"
        elif value is not None:
            post[key] = str(value)
    return post


def test_a_department_creates_a_plan_in_the_page(client, world):
    client.force_login(world.users["city"])
    # the dialog suggests the user's own department, the next period and the plan in force
    form = text(client.get("/plans/new/"))
    assert "中共示例市委组织部" in form and "2023-01-01" in form and "henan-2019-2022" in form
    response = client.post("/plans/new/", {"code": CODE, "title": "示例市2023—2027年干部教育培训规划",
                                           "issuer": "中共示例市委组织部", "start": "2023-01-01", "end": "2027-12-31",
                                           "adopts": "henan-2019-2022", "source_title": ""})
    assert response.status_code == 302 and response["Location"] == f"/plans/{CODE}/?draft=1"
    page = text(client.get(f"/plans/{CODE}/?draft=1"))
    assert 'data-testid="draft-bar"' in page and "尚未发布" in page and 'data-testid="plan-publish"' in page


def test_a_bad_new_plan_shows_the_field_and_writes_nothing(client, world):
    client.force_login(world.users["city"])
    page = text(client.post("/plans/new/", {"code": "BAD CODE", "title": "x", "issuer": "y", "start": "2027-01-01",
                                            "end": "2023-01-01", "adopts": "henan-2019-2022"}))
    assert "应晚于规划期开始日期" in page
    assert not PlanDocument.objects.exists()


def test_the_indicator_page_previews_and_saves_an_adopted_indicator(client, world):
    user = world.users["city"]
    doc = new_plan(user)
    # given a section-tier cadre with 95 hours in 2026
    record_append(acting_user=user, person_code="C-DC-1", values={
        "title": "专题培训", "source": "full_time", "content_category": "theory", "start_date": date(2026, 3, 1),
        "end_date": date(2026, 3, 10), "days": 10, "hours": 95, "is_system_training": False, "completed": True})
    client.force_login(user)
    url = f"/plans/{CODE}/indicators/staff_hours_annual/"
    page = text(client.get(url))
    assert "上级规划的要求是" in page and "12 天或90 学时以上" in page
    # when the officer previews 100 hours
    post = indicator_post(draft_of(doc), "staff_hours_annual", hours="100", days="")
    preview = text(client.post(url, {**post, "action": "preview"}))
    # then the page says how many cadres it applies to and how many would fall short, before and after
    applies = re.search(r'data-testid="preview-applies">(\d+)<', preview)
    assert applies and int(applies.group(1)) >= 1
    assert "修改前" in preview
    doc.refresh_from_db()
    assert doc.draft["overrides"] == []  # a preview changes nothing
    # and saving puts it into the draft as an override
    response = client.post(url, {**post, "action": "save", "reason": "本市要求"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert draft_of(doc).indicator("staff_hours_annual").measure.hours == 100
    detail = text(client.get(f"/plans/{CODE}/?draft=1"))
    assert "本规划覆盖" in detail and "90 学时" in detail


def test_a_bad_number_is_shown_at_its_field(client, world):
    user = world.users["city"]
    doc = new_plan(user)
    client.force_login(user)
    post = indicator_post(draft_of(doc), "org_team_fifth_annual", share="150")
    page = text(client.post(f"/plans/{CODE}/indicators/org_team_fifth_annual/", {**post, "action": "save"}))
    assert 'data-testid="field-error"' in page and "100" in page
    doc.refresh_from_db()
    assert doc.draft["overrides"] == []


def test_publishing_in_the_page_makes_the_plan_the_dashboards(client, world):
    user = world.users["city"]
    new_plan(user)
    client.force_login(user)
    assert client.post(f"/plans/{CODE}/publish/", {"note": "首次发布"}).status_code == 302
    page = text(client.get(f"/plans/{CODE}/"))
    assert 'data-testid="plan-version"' in page and "第 1 版" in page and "首次发布" in page
    # the dashboard without ?plan= now judges 2026 by it
    dashboard = text(client.get("/reports/dashboard/?as_of=2026-06-30"))
    assert "示例市2023—2027年干部教育培训规划" in dashboard
    listing = text(client.get("/plans/list/"))
    assert 'data-testid="current-badge"' in listing


@pytest.mark.parametrize("persona", ["province", "dc", "other", "dc_hr", "leader", "cadre", "institution"])
def test_a_draft_is_not_found_for_anyone_but_its_department(client, world, persona):
    new_plan(world.users["city"])
    client.force_login(world.users[persona])
    for url in (f"/plans/{CODE}/", f"/plans/{CODE}/?draft=1", f"/plans/{CODE}/edit/", f"/plans/{CODE}/publish/",
                f"/plans/{CODE}/indicators/staff_hours_annual/", f"/plans/{CODE}/export.yaml?draft=1"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["province", "dc", "other", "dc_hr", "leader", "cadre", "institution"])
def test_a_published_plan_is_everyones_to_read_and_its_departments_to_change(client, world, persona):
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    client.force_login(world.users[persona])
    assert client.get(f"/plans/{CODE}/").status_code == 200
    assert client.get(f"/plans/{CODE}/export.yaml").status_code == 200
    for url in (f"/plans/{CODE}/edit/", f"/plans/{CODE}/indicators/staff_hours_annual/", f"/plans/{CODE}/publish/"):
        assert client.get(url).status_code == 404, url


def test_a_version_published_by_no_user_names_the_system(client, world):
    from ganxun.core.roles import UNSCOPED_OPERATOR

    # given a plan published by the system itself (as the demo publishes its example plan)
    new_plan(world.users["city"])
    plan_publish(acting_user=UNSCOPED_OPERATOR, code=CODE)
    # when its page is read, then the version's publisher reads 系统
    client.force_login(world.users["city"])
    response = client.get(f"/plans/{CODE}/")
    assert response.status_code == 200
    assert "<td>系统</td>" in text(response)


def test_anonymous_users_go_to_the_login(client, world):
    for url in ("/plans/list/", f"/plans/{CODE}/", "/plans/new/", "/plans/import/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_import_page_names_what_is_wrong(client, world):
    client.force_login(world.users["city"])
    bad = SimpleUploadedFile("规划.yaml", "id: 4199-x\ntitle: t\nissuer: i\nlevel: city\n"
                                       "period: {start: 2023-01-01, end: 2027-12-31}\nadopts: no-such-plan\n".encode())
    page = text(client.post("/plans/import/", {"file": bad}))
    assert "没有规划" in page and "no-such-plan" in page
    assert not PlanDocument.objects.exists()
    good = SimpleUploadedFile("规划.yaml", "id: 4199-x\ntitle: 导入的规划\nissuer: i\nlevel: city\n"
                                        "period: {start: 2023-01-01, end: 2027-12-31}\nadopts: henan-2019-2022\n".encode())
    response = client.post("/plans/import/", {"file": good})
    assert response.status_code == 302 and "4199-x" in response["Location"]
    assert PlanDocument.objects.get(code="4199-x").owner_org.code == "4199"


def test_the_plan_page_names_its_source_document_by_title(client, world):
    client.force_login(world.users["city"])
    page = text(client.get("/plans/xuchang-2019-2022/"))
    assert "依据文件：许昌市2019—2022年干部教育培训规划" in page
    assert ".txt" not in page


def test_a_county_adopts_a_published_city_plan_in_the_page(client, world):
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    client.force_login(world.users["dc"])
    form = text(client.get("/plans/new/"))
    assert CODE in form  # the city's plan is offered for adoption
    plan_create(acting_user=world.users["dc"], code="419901-2023-2027", title="东城区规划", issuer="东城区委组织部",
                start=date(2023, 1, 1), end=date(2027, 12, 31), adopts=CODE)
    assert load_plan(CODE).version == 1


def test_an_adopted_clause_cites_the_document_it_comes_from(client, world):
    # given the city's plan adopting the province's, and the county's adopting the city's
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    plan_create(acting_user=world.users["dc"], code="419901-2023-2027", title="东城区2023—2027年干部教育培训规划",
                issuer="东城区委组织部", start=date(2023, 1, 1), end=date(2027, 12, 31), adopts=CODE)
    client.force_login(world.users["dc"])
    page = client.get("/plans/419901-2023-2027/?draft=1").content.decode()
    row = page[page.index('data-indicator="team_system_training"'):]
    row = row[:row.index("</tr>")]
    # then the clause is the province's, two adoptions up
    assert "河南省2019—2022年干部教育培训规划 一(四)2" in re.sub(r"\s+", " ", row)


def test_pages_judging_by_a_published_plan_name_its_version(client, world):
    user = world.users["city"]
    doc = new_plan(user)
    plan_publish(acting_user=user, code=CODE)
    plan_indicator_save(acting_user=user, code=CODE, spec=staff_hours(doc, 100))
    plan_publish(acting_user=user, code=CODE)
    client.force_login(user)
    # when the city admin opens the dashboard and a cadre's archive by their own plan
    board = text(client.get(f"/reports/dashboard/?plan={CODE}&as_of=2026-06-30"))
    archive = text(client.get(f"/archive/C-CITY-1/?plan={CODE}&as_of=2026-06-30"))
    # then both say which publication judged them
    assert "示例市2023—2027年干部教育培训规划</a>" in board and "（第 2 版）" in board
    assert "示例市2023—2027年干部教育培训规划（第 2 版）" in archive
    # and a plan shipped with the system, which has one version, says nothing of versions
    shipped = text(client.get("/reports/dashboard/?plan=henan-2019-2022&as_of=2022-12-31"))
    assert 'data-testid="plan-version"></span>' in shipped and "第 1 版" not in shipped
