"""规划管理: a department starts a new plan period by adopting a plan, edits it, publishes numbered versions,
and exchanges it as a YAML file; only the department of the plan's region may change it."""

import json
from datetime import date
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.plans.catalog import current_plan_for, draft_of, load_plan, plan_ids
from ganxun.plans.models import PlanDocument, PlanVersion
from ganxun.plans.services import (plan_create, plan_import, plan_indicator_reset, plan_indicator_save, plan_publish,
                                   plan_update)
from ganxun.plans.spec import PlanFileError

CODE = "4199-2023-2027"


def new_plan(user, **kw):
    values = dict(code=CODE, title="示例市2023—2027年干部教育培训规划", issuer="中共示例市委组织部", start=date(2023, 1, 1),
                  end=date(2027, 12, 31), adopts="henan-2019-2022")
    values.update(kw)
    return plan_create(acting_user=user, **values)


def staff_hours(doc, hours):
    spec = draft_of(doc).indicator("staff_hours_annual").as_spec()
    spec["measure"] = {**spec["measure"], "hours": hours}
    return spec


def test_a_city_department_starts_a_2023_2027_plan_by_adopting_the_province_plan(world):
    # when the city's department creates a plan adopting the province's
    doc = new_plan(world.users["city"])
    # then it is a draft of the city: every indicator of the province, over the new period, not yet judged by
    draft = draft_of(doc)
    assert doc.owner_org.code == "4199" and draft.level == "city"
    assert {i.code for i in draft.indicators} == {i.code for i in load_plan("henan-2019-2022").indicators}
    assert (draft.start, draft.end) == (date(2023, 1, 1), date(2027, 12, 31))
    assert draft.adopts == "henan-2019-2022" and draft.adopts_version == 1
    assert CODE not in plan_ids()
    event = AuditEvent.objects.get(event_type="plan_created")
    assert event.subject_code == CODE and event.actor_name == "city_admin"


def test_changing_an_adopted_indicator_keeps_only_what_differs_and_can_be_undone(world):
    doc = new_plan(world.users["city"])
    # when the department raises the yearly hours from 90 to 100
    plan_indicator_save(acting_user=world.users["city"], code=CODE, spec=staff_hours(doc, 100), reason="本市要求更高")
    doc.refresh_from_db()
    # then the draft holds one override with the measure alone
    assert doc.draft["overrides"] == [{"code": "staff_hours_annual",
                                       "measure": {"kind": "total", "days": 12, "hours": 100, "either": True}}]
    assert draft_of(doc).indicator("staff_hours_annual").measure.hours == 100
    assert AuditEvent.objects.filter(event_type="plan_updated", reason="本市要求更高").exists()
    # and resetting it brings the province's requirement back
    plan_indicator_reset(acting_user=world.users["city"], code=CODE, indicator_code="staff_hours_annual")
    doc.refresh_from_db()
    assert doc.draft["overrides"] == []
    assert draft_of(doc).indicator("staff_hours_annual").measure.hours == 90


def test_publishing_makes_numbered_versions_and_every_verdict_names_its_version(world, tmp_path):
    user = world.users["city"]
    doc = new_plan(user)
    # when the department publishes, then raises the hours and publishes again
    assert plan_publish(acting_user=user, code=CODE, note="首次发布").number == 1
    assert CODE in plan_ids() and load_plan(CODE).version == 1
    plan_indicator_save(acting_user=user, code=CODE, spec=staff_hours(doc, 100))
    assert load_plan(CODE).indicator("staff_hours_annual").measure.hours == 90   # a draft judges nobody
    assert plan_publish(acting_user=user, code=CODE).number == 2
    # then the latest version is the plan, the first stays as it was
    assert load_plan(CODE).indicator("staff_hours_annual").measure.hours == 100
    assert load_plan(CODE, 1).indicator("staff_hours_annual").measure.hours == 90
    # and the command line's verdicts say which version judged them
    out = tmp_path / "verdicts.json"
    call_command("compliance", "--plan", CODE, "--as-of", "2026-06-30", "--subject", "cadres", "--output", str(out),
                 stderr=StringIO())
    assert json.loads(out.read_text(encoding="utf-8"))["plan_version"] == 2
    assert PlanVersion.objects.filter(document__code=CODE).count() == 2
    assert AuditEvent.objects.filter(event_type="plan_published").count() == 2


def test_publishing_an_unchanged_draft_twice_is_refused(world):
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    with pytest.raises(DomainError) as again:
        plan_publish(acting_user=world.users["city"], code=CODE)
    assert "无需再次发布" in again.value.message


def test_the_current_plan_is_the_users_own_regions_for_the_date(world):
    # given the province's plan only (shipped, ends 2022) and the city's published 2023–2027 plan
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    # then the city and its counties are judged by the city's plan in 2026, by the province's in 2021
    assert current_plan_for(world.users["city"], date(2026, 6, 30)).id == CODE
    assert current_plan_for(world.users["dc"], date(2026, 6, 30)).id == CODE
    assert current_plan_for(world.users["city"], date(2021, 6, 30)).id == "henan-2019-2022"
    # and the other city is not governed by it
    assert current_plan_for(world.users["other"], date(2026, 6, 30)).id != CODE


@pytest.mark.parametrize("persona", ["province", "dc", "other", "dc_hr", "leader", "cadre", "institution"])
def test_only_the_department_of_the_plans_region_changes_it(world, persona):
    new_plan(world.users["city"])
    user = world.users[persona]
    # a draft is the department's alone: anyone else does not find it
    with pytest.raises(NotFound):
        plan_publish(acting_user=user, code=CODE)
    plan_publish(acting_user=world.users["city"], code=CODE)
    # a published plan is everyone's to read, but not to change
    with pytest.raises(PermissionDenied):
        plan_update(acting_user=user, code=CODE, title="改名", issuer="x", start=date(2023, 1, 1), end=date(2027, 12, 31))


def test_a_plan_a_department_cannot_make_is_refused_clearly(world):
    with pytest.raises(PermissionDenied):
        new_plan(world.users["dc_hr"])
    with pytest.raises(DomainError) as bad_code:
        new_plan(world.users["city"], code="示例 规划")
    assert "规划编号应为" in bad_code.value.message
    with pytest.raises(DomainError) as taken:
        new_plan(world.users["city"], code="henan-2019-2022")
    assert "已被使用" in taken.value.message
    with pytest.raises(DomainError) as backwards:
        new_plan(world.users["city"], start=date(2027, 1, 1), end=date(2023, 1, 1))
    assert "结束日期早于开始日期" in backwards.value.message
    assert not PlanDocument.objects.exists()


def test_an_indicator_that_does_not_validate_is_refused_and_the_draft_stays(world):
    doc = new_plan(world.users["city"])
    spec = staff_hours(doc, -5)
    with pytest.raises(DomainError) as bad:
        plan_indicator_save(acting_user=world.users["city"], code=CODE, spec=spec)
    assert "measure.hours" in bad.value.message and "应为正数" in bad.value.message
    doc.refresh_from_db()
    assert doc.draft["overrides"] == []


def test_a_plan_travels_as_its_yaml_file(client, world):
    user = world.users["city"]
    doc = new_plan(user)
    plan_indicator_save(acting_user=user, code=CODE, spec=staff_hours(doc, 100))
    plan_publish(acting_user=user, code=CODE)
    # when the department exports the published plan
    client.force_login(user)
    response = client.get(f"/plans/{CODE}/export.yaml?version=1")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    raw = yaml.safe_load(text)
    assert raw["id"] == CODE and raw["adopts"] == "henan-2019-2022" and raw["overrides"][0]["code"] == "staff_hours_annual"
    assert AuditEvent.objects.filter(event_type="exported", subject_type="plan", subject_code=CODE).exists()
    # and imports it back under another id: the same plan, as a draft
    raw["id"] = "4199-copy"
    copy_doc = plan_import(acting_user=user, text=yaml.safe_dump(raw, allow_unicode=True), filename="副本.yaml")
    assert draft_of(copy_doc).indicators == load_plan(CODE).indicators
    assert AuditEvent.objects.filter(event_type="plan_imported", subject_code="4199-copy").exists()


@pytest.mark.parametrize("text, message", [
    ("id: [broken", "不是有效的 YAML"),
    ("- just\n- a list\n", "顶层应为映射"),
    ("id: 4199-x\ntitle: t\nissuer: i\nlevel: city\nperiod: {start: 2023-01-01, end: 2027-12-31}\n"
     "adopts: henan-2019-2022\noverrides:\n  - code: no_such_indicator\n", "overrides[0].code"),
    ("id: 4199-x\ntitle: t\nissuer: i\nlevel: city\nperiod: {start: 2023-01-01, end: 2027-12-31}\n"
     "adopts: henan-2019-2022\noverrides:\n  - code: staff_hours_annual\n    measure: {kind: total, hours: abc}\n",
     "measure.hours"),
])
def test_a_broken_plan_file_is_refused_naming_the_key_and_changes_nothing(world, text, message):
    with pytest.raises(DomainError) as bad:
        plan_import(acting_user=world.users["city"], text=text, filename="坏文件.yaml")
    assert message in bad.value.message
    assert not PlanDocument.objects.exists()


def test_a_plan_of_a_plan_adopts_the_adoption(world):
    # given the city's published plan adopting the province's, with its own yearly hours
    user = world.users["city"]
    doc = new_plan(user)
    plan_indicator_save(acting_user=user, code=CODE, spec=staff_hours(doc, 100))
    plan_publish(acting_user=user, code=CODE)
    # when the county adopts the city's plan
    county = plan_create(acting_user=world.users["dc"], code="419901-2023-2027", title="东城区规划", issuer="东城区委组织部",
                         start=date(2023, 1, 1), end=date(2027, 12, 31), adopts=CODE)
    # then it has the city's requirement, which came from the province through the city
    assert draft_of(county).indicator("staff_hours_annual").measure.hours == 100
    assert draft_of(county).indicator("leader_hours_5y") == load_plan(CODE).indicator("leader_hours_5y")


def test_unknown_versions_are_refused(world):
    new_plan(world.users["city"])
    plan_publish(acting_user=world.users["city"], code=CODE)
    with pytest.raises(PlanFileError) as missing:
        load_plan(CODE, 7)
    assert "第 7 版" in str(missing.value)


def test_the_operator_moves_plans_with_the_command_line(world, tmp_path):
    # given the province's plan exported to a file and given a new id and period
    out = StringIO()
    call_command("plan", "export", "henan-2019-2022", str(tmp_path / "h.yaml"), stdout=out)
    raw = yaml.safe_load((tmp_path / "h.yaml").read_text(encoding="utf-8"))
    raw.update(id="41-2023-2027", period={"start": "2023-01-01", "end": "2027-12-31"})
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    # when the operator imports it for the province and publishes it
    call_command("plan", "import", str(tmp_path / "new.yaml"), "--owner", "41", "--publish", stdout=out)
    # then it is a published plan of the province, judged by from now on
    assert load_plan("41-2023-2027").version == 1 and load_plan("41-2023-2027").owner == "41"
    assert current_plan_for(world.users["province"], date(2026, 6, 30)).id == "41-2023-2027"
    listing = StringIO()
    call_command("plan", "list", stdout=listing)
    assert "41-2023-2027" in listing.getvalue() and "第 1 版" in listing.getvalue()
