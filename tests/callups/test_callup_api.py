"""Call-ups through the API: the same scope, the same quota and audit rules, ID numbers masked."""

import json
import re
from datetime import date, timedelta

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


# --- the report endpoints declare their bodies, and the bodies are those of before ----------------------------

CONFLICT_KEYS = ["kind", "subject", "subject_name", "classes", "detail", "from", "to", "share", "days_between", "away",
                 "staff", "allowed", "days_over", "years"]
RATE_KEYS = ["key", "label", "staff", "called", "call_ups", "attended", "completed", "on_leave", "call_up_rate",
             "participation_rate"]
PLAN_KEYS = ["id", "org_code", "year", "title", "status", "targets", "classes", "quotas"]
PLAN_TARGET_KEYS = ["group", "text", "planned", "classes", "enrolled", "completed"]
PLAN_CLASS_KEYS = ["class_code", "planned", "called", "enrolled", "completed"]
PLAN_QUOTA_KEYS = ["unit_code", "group", "places", "called", "completed"]


def _object(spec, schema, keys, required=None):
    """``schema`` (following its $ref) is an object of exactly ``keys``, each described in Chinese."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert schema.get("type") == "object" and "additionalProperties" not in schema, schema
    assert list(schema["properties"]) == keys
    assert sorted(schema.get("required", [])) == sorted(keys if required is None else required)
    for name, prop in schema["properties"].items():
        assert re.search(r"[\u4e00-\u9fff]", prop.get("description", "")), name
    return schema["properties"]


def _items(spec, prop, keys, required=None):
    assert prop["type"] == "array"
    return _object(spec, prop["items"], keys, required)


def test_the_report_endpoints_declare_the_schema_of_their_bodies(client, world):
    spec = client.get("/api/v1/openapi.json").json()

    def ok(path, method, status="200"):
        return spec["paths"][f"/api/v1/callups/{path}"][method]["responses"][status]["content"]["application/json"][
            "schema"]

    body = _object(spec, ok("conflicts", "get"), ["from", "to", "conflicts"])
    conflict = _items(spec, body["conflicts"], CONFLICT_KEYS, required=CONFLICT_KEYS[:5])
    assert {conflict["from"]["format"], conflict["to"]["format"]} == {"date"} and conflict["share"]["type"] == "number"
    assert all("default" not in conflict[k] for k in CONFLICT_KEYS[5:])     # absent when not of the kind, never null
    body = _object(spec, ok("rates", "get"), ["year", "by", "rows"])
    row = _items(spec, body["rows"], RATE_KEYS)
    assert {t["type"] for t in row["call_up_rate"]["anyOf"]} == {"number", "null"}
    listed = ok("plans", "get")
    for plan in (_items(spec, listed, PLAN_KEYS), _object(spec, ok("plans/{plan_id}", "get"), PLAN_KEYS)):
        _items(spec, plan["targets"], PLAN_TARGET_KEYS)
        _items(spec, plan["classes"], PLAN_CLASS_KEYS)
        _items(spec, plan["quotas"], PLAN_QUOTA_KEYS)
    audit = _object(spec, ok("{code}/audit", "post"), ["audited", "approved"])
    assert (audit["audited"]["type"], audit["approved"]["type"]) == ("integer", "boolean")


def _rendered(data) -> str:
    """``data`` as the API renders a dict returned without a schema (the bodies of before)."""
    from ganxun.api.main import api

    return api.renderer.render(None, data, response_status=200)


def test_the_conflicts_body_is_the_json_of_the_cli_byte_for_byte(world, city_class, client):
    from ganxun.callups.conflicts import find_conflicts
    from ganxun.classes.models import Enrolment
    from tests.factories import add_cadre

    o, c = world.orgs, world.cadres
    county = add_class("DC1", o["dc_dept"], date(2021, 3, 15), date(2021, 3, 30), kind="thematic")
    for tc, cadre in ((city_class, c["dc1"]), (county, c["dc1"]), (county, c["dc2"])):   # 多头调训, 单位在训
        Enrolment.objects.create(training_class=tc, cadre=cadre)
    Enrolment.objects.create(training_class=city_class, cadre=c["xc1"], completed=True)   # 重复调训
    Enrolment.objects.create(training_class=add_class("BC3", o["city_dept"], date(2021, 7, 1), date(2021, 7, 10)),
                             cadre=c["xc1"])
    add_cadre(o["xc_agri"], "C-XC-2", "孙丽", female=True, hired_on=date(2000, 1, 1))     # 长期不训

    response = client.get("/api/v1/callups/conflicts", {"from": "2021-01-01", "to": "2021-12-31"},
                          **bearer(world, "city_admin"))
    assert response.status_code == 200
    found = find_conflicts(world.users["city"], date(2021, 1, 1), date(2021, 12, 31))
    assert response.content.decode() == _rendered(
        {"from": "2021-01-01", "to": "2021-12-31", "conflicts": [f.as_json() for f in found]})
    keys = {c["kind"]: list(c) for c in json.loads(response.content)["conflicts"]}
    assert keys == {"multi_organiser": CONFLICT_KEYS[:7], "repeat": [*CONFLICT_KEYS[:7], "days_between"],
                    "unit_absence": [*CONFLICT_KEYS[:8], "away", "staff", "allowed", "days_over"],
                    "long_untrained": [*CONFLICT_KEYS[:7], "years"]}
    empty = client.get("/api/v1/callups/conflicts", {"from": "2030-01-01", "to": "2030-01-02", "kind": "repeat"},
                       **bearer(world, "city_admin"))
    assert empty.json() == {"from": "2030-01-01", "to": "2030-01-02", "conflicts": []}


def test_rates_plans_and_audit_answer_the_bodies_of_before(world, callup, client):
    from ganxun.cadres.selectors import cadres_visible_to
    from ganxun.callups.models import AnnualPlan
    from ganxun.callups.rates import rates
    from ganxun.callups.selectors import plan_summary
    from ganxun.callups.services import TargetLine, annual_plan_save, nominate, planned_class_set

    year = callup.training_class.start_date.year
    plan = annual_plan_save(acting_user=world.users["city"], org_code="4199ZZB", year=year, title="年度计划",
                            targets=[TargetLine("县处级领导干部", 150, "每年选调150名左右")],
                            quotas=[("419901", "县处级领导干部", 20), ("419902", "", 10)])
    planned_class_set(acting_user=world.users["city"], plan_id=plan.pk, class_code="BC1",
                      target_id=plan.targets.get().pk)                 # no planned number: null
    [nomination] = nominate(acting_user=world.users["dc_hr"], callup_code=callup.code,
                            person_codes=["C-DC-1"]).nominations
    city = bearer(world, "city_admin")

    answer = client.post(f"/api/v1/callups/{callup.code}/audit", {"nomination_ids": [nomination.pk], "approve": False,
                                                                   "note": "请另行推荐"},
                         content_type="application/json", **city)
    assert answer.status_code == 200 and answer.content.decode() == _rendered({"audited": 1, "approved": False})

    listed = client.get("/api/v1/callups/plans", {"year": year}, **city)
    one = client.get(f"/api/v1/callups/plans/{plan.pk}", **city)
    summary = plan_summary(AnnualPlan.objects.get())
    assert listed.content.decode() == _rendered([summary]) and one.content.decode() == _rendered(summary)
    body = one.json()
    assert list(body) == PLAN_KEYS and [list(t) for t in body["targets"]] == [PLAN_TARGET_KEYS]
    assert body["classes"] == [{"class_code": "BC1", "planned": None, "called": 0, "enrolled": 0, "completed": 0}]
    assert [list(q) for q in body["quotas"]] == [PLAN_QUOTA_KEYS] * 2 and body["quotas"][1]["group"] is None

    for by in ("unit", "category"):
        response = client.get("/api/v1/callups/rates", {"year": year, "by": by}, **city)
        rows = rates(cadres_visible_to(world.users["city"]), date(year, 1, 1), date(year, 12, 31), by=by)
        assert response.content.decode() == _rendered({"year": year, "by": by, "rows": [
            {"key": r.key, "label": r.label, "staff": r.staff, "called": r.called, "call_ups": r.places,
             "attended": r.attended, "completed": r.completed, "on_leave": r.on_leave,
             "call_up_rate": r.call_up_rate, "participation_rate": r.participation_rate} for r in rows]})
        body = response.json()
        assert list(body) == ["year", "by", "rows"] and all(list(r) == RATE_KEYS for r in body["rows"])
        assert any(r["participation_rate"] is None for r in body["rows"])      # no call-ups: null, not left out
