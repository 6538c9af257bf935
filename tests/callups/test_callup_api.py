"""Call-ups through the API: the same scope, the same quota and audit rules, ID numbers masked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ganxun.accounts.services import token_create
from ganxun.callups.models import Nomination
from ganxun.callups.services import callup_issue, callup_save
from tests.callups.test_callups import add_class


def bearer(world, username):
    _, token = token_create(acting_user=world.users["admin"], username=username)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def callup(world):
    start = timezone.localdate() + timedelta(days=30)
    add_class("BC1", world.orgs["city_dept"], start, start + timedelta(days=19))
    draft = callup_save(acting_user=world.users["city"], class_code="BC1", title="调训通知",
                        deadline=start - timedelta(days=7), quotas={"419901CZJ": 1})
    return callup_issue(acting_user=world.users["city"], code=draft.code)


def test_a_unit_nominates_and_the_department_audits_through_the_api(world, callup, client):
    hr, city = bearer(world, "dc_hr"), bearer(world, "city_admin")
    listed = client.get("/api/v1/callups/", **hr).json()
    assert [c["code"] for c in listed["items"]] == [callup.code] and listed["items"][0]["places"] == 1
    response = client.post(f"/api/v1/callups/{callup.code}/nominations", {"person_codes": ["C-DC-1"]},
                           content_type="application/json", **hr)
    assert response.status_code == 200 and response.json()["nominated"] == ["C-DC-1"]
    full = client.post(f"/api/v1/callups/{callup.code}/nominations", {"person_codes": ["C-DC-2"]},
                       content_type="application/json", **hr)
    assert full.status_code == 400 and full.json()["code"] == "quota_full" and "名额为 1 个" in full.json()["detail"]
    rows = client.get(f"/api/v1/callups/{callup.code}/nominations", **city).json()
    assert rows[0]["id_number"].count("*") == 10 and rows[0]["status"] == "nominated"
    denied = client.post(f"/api/v1/callups/{callup.code}/audit", {"nomination_ids": [rows[0]["id"]], "approve": True},
                         content_type="application/json", **hr)
    assert denied.status_code == 403
    ok = client.post(f"/api/v1/callups/{callup.code}/audit", {"nomination_ids": [rows[0]["id"]], "approve": True},
                     content_type="application/json", **city)
    assert ok.json() == {"audited": 1, "approved": True}
    assert Nomination.objects.get().enrolment is not None


def test_outside_the_scope_the_api_answers_404_and_conflicts_keep_the_scope(world, callup, client):
    other = bearer(world, "other_admin")
    assert client.get(f"/api/v1/callups/{callup.code}", **other).status_code == 404
    assert client.get(f"/api/v1/callups/{callup.code}/nominations", **other).status_code == 404
    assert client.post(f"/api/v1/callups/{callup.code}/nominations", {"person_codes": ["C-OTHER-1"]},
                       content_type="application/json", **other).status_code == 404
    year = timezone.localdate().year
    body = client.get("/api/v1/callups/conflicts", {"from": f"{year}-01-01", "to": f"{year + 1}-12-31"}, **other).json()
    assert body["from"] == f"{year}-01-01" and all(c["subject"] in ("C-OTHER-1", "4198FGW") for c in body["conflicts"])
    bad = client.get("/api/v1/callups/conflicts", {"from": "2021-12-31", "to": "2021-01-01"}, **other)
    assert bad.status_code == 400 and "from 不能晚于 to" in bad.json()["detail"]


def test_annual_plans_and_rates_through_the_api(world, callup, client):
    from ganxun.callups.services import TargetLine, annual_plan_save, planned_class_set

    year = callup.training_class.start_date.year
    plan = annual_plan_save(acting_user=world.users["city"], org_code="4199ZZB", year=year, title="年度计划",
                            targets=[TargetLine("县处级领导干部", 150, "每年选调150名左右")],
                            quotas=[("419901", "县处级领导干部", 20), ("419902", "", 10)])
    planned_class_set(acting_user=world.users["city"], plan_id=plan.pk, class_code="BC1",
                      target_id=plan.targets.get().pk, planned=30)
    city = bearer(world, "city_admin")
    [body] = client.get("/api/v1/callups/plans", {"year": year}, **city).json()
    assert body["targets"][0]["planned"] == 150 and body["classes"][0]["class_code"] == "BC1"
    assert [(q["unit_code"], q["group"], q["places"]) for q in body["quotas"]] == [
        ("419901", "县处级领导干部", 20), ("419902", None, 10)]
    assert client.get(f"/api/v1/callups/plans/{plan.pk}", **bearer(world, "other_admin")).status_code == 404
    rates = client.get("/api/v1/callups/rates", {"year": year}, **city).json()
    assert rates["by"] == "unit" and {r["key"] for r in rates["rows"]} >= {"419901CZJ", "4199JYJ"}
    assert client.get("/api/v1/callups/rates", {"year": year, "by": "x"}, **city).status_code == 400


def test_plan_quotas_outside_the_departments_region_are_refused(world):
    from ganxun.callups.models import AnnualPlan
    from ganxun.callups.services import TargetLine, annual_plan_save
    from ganxun.core.errors import DomainError

    with pytest.raises(DomainError, match="名额分配第 1 行：单位“4198”不是示例市委组织部所辖的单位或地区"):
        annual_plan_save(acting_user=world.users["admin"], org_code="4199ZZB", year=2027, title="年度计划",
                         targets=[TargetLine("县处级领导干部", 150, "")], quotas=[("4198", "", 5)])
    assert not AnnualPlan.objects.exists()
