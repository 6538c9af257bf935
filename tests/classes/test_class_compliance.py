"""Class compliance through the command line and the API: the same verdicts as the page's checks."""

import json

from django.core.management import call_command

from ganxun.classes.importers import import_classes, import_sessions
from tests.classes.conftest import CLASS_COLUMNS, SESSION_COLUMNS, class_row, table, timetable


def compliance(*argv) -> dict:
    import io
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        call_command("compliance", *argv, "--output", str(out), stdout=io.StringIO(), stderr=io.StringIO())
        return json.loads(out.read_text(encoding="utf-8"))


def two_classes(world):
    city, dc = world.users["city"], world.users["dc"]
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row("BC1")]))
    import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable("BC1", analysis=False)))
    import_classes(acting_user=dc, table=table(CLASS_COLUMNS, [class_row("BC2", 主办单位编码="419901ZZB",
                                                                         承办机构编码="DX419901")]))
    import_sessions(acting_user=dc, table=table(SESSION_COLUMNS, timetable("BC2", theory=3, party=1, other=6)))


def test_the_cli_judges_every_class_in_scope_with_the_interface_shape(world, schools):
    two_classes(world)
    body = compliance("--plan", "xuchang-2019-2022", "--as-of", "2021-12-31", "--subject", "classes")
    assert body["plan"] == "xuchang-2019-2022" and body["as_of"] == "2021-12-31"
    results = {(r["subject"], r["indicator"]): r for r in body["results"]}
    assert {r["subject_type"] for r in body["results"]} == {"class"}
    analysis = results[("BC1", "class_party_spirit_analysis")]   # a 20-day class without 党性分析
    assert analysis["verdict"] == "unmet" and analysis["required"] == {"count": 1} and analysis["gap"] == {"count": 1}
    assert analysis["window"] == ["2021-03-01", "2021-03-20"] and "党性分析" in analysis["advice"]
    county = results[("BC2", "class_theory_party_share")]      # 16 of 40 hours at a county party school
    assert county["verdict"] == "unmet" and county["required"] == {"share": 0.7}
    assert county["actual"] == {"share": 0.4, "hours": 16.0, "of": 40.0}
    assert results[("BC1", "class_theory_party_share")]["verdict"] == "met"
    # not_applicable results only with --all-verdicts: the province's plan has no theory rule for a county school
    henan = compliance("--plan", "henan-2019-2022", "--as-of", "2021-12-31", "--subject", "classes")
    assert ("BC2", "class_theory_party_share") not in {(r["subject"], r["indicator"]) for r in henan["results"]}
    every = compliance("--plan", "henan-2019-2022", "--as-of", "2021-12-31", "--subject", "classes",
                       "--all-verdicts")
    assert {(r["subject"], r["verdict"]) for r in every["results"] if r["indicator"] == "class_theory_party_share"} \
        == {("BC1", "met"), ("BC2", "not_applicable")}
    # --org narrows to the classes organised or hosted in that subtree
    county_only = compliance("--plan", "xuchang-2019-2022", "--as-of", "2021-12-31", "--subject", "classes",
                             "--org", "419901")
    assert {r["subject"] for r in county_only["results"]} == {"BC2"}


def test_the_api_and_the_cli_agree(client, world, schools):
    two_classes(world)
    client.force_login(world.users["city"])
    api = client.get("/api/v1/classes/BC2/compliance?plan=xuchang-2019-2022&as_of=2021-12-31").json()
    cli = compliance("--plan", "xuchang-2019-2022", "--as-of", "2021-12-31", "--subject", "classes")
    assert api["results"] == [r for r in cli["results"] if r["subject"] == "BC2"]
    assert client.get("/api/v1/classes/BC2/compliance?plan=nope").status_code == 400
    client.force_login(world.users["other"])
    assert client.get("/api/v1/classes/BC2/compliance?plan=xuchang-2019-2022").status_code == 404


def test_subject_all_includes_the_classes(world, schools):
    two_classes(world)
    body = compliance("--plan", "henan-2019-2022", "--as-of", "2021-12-31")
    assert {"cadre", "class"} <= {r["subject_type"] for r in body["results"]}


def test_systems_create_a_class_and_its_timetable_and_enrol_through_the_api(client, world, schools):
    from ganxun.accounts.services import token_create

    _, token = token_create(acting_user=world.users["admin"], username="city_admin")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"code": "API1", "name": "接口创建的班次", "kind": "core", "organiser_code": "4199ZZB", "institution_code": "DX4199",
            "start_date": "2021-05-10", "end_date": "2021-05-14", "quota": 1}
    created = client.post("/api/v1/classes/", body, content_type="application/json", **auth)
    assert created.status_code == 201 and created.json()["quota"] == 1
    bad = client.post("/api/v1/classes/", {**body, "code": "API2", "organiser_code": "4198ZZB"},
                      content_type="application/json", **auth)
    assert bad.status_code == 400 and "4198ZZB" in bad.json()["detail"]
    slot = {"date": "2021-05-10", "slot": "上午", "course_name": "党的创新理论", "content_category": "theory",
            "hours": "3.5"}
    assert client.post("/api/v1/classes/API1/sessions", slot, content_type="application/json", **auth).status_code == 201
    outside = client.post("/api/v1/classes/API1/sessions", {**slot, "date": "2021-06-01"},
                          content_type="application/json", **auth)
    assert outside.status_code == 400 and "起止日期" in outside.json()["detail"]
    enrolled = client.post("/api/v1/classes/API1/enrolments", {"person_codes": ["C-DC-1", "C-CITY-2"]},
                           content_type="application/json", **auth).json()
    assert enrolled == {"enrolled": ["C-DC-1"], "waitlisted": ["C-CITY-2"], "already": []}
    changed = client.put("/api/v1/classes/API1", {**body, "quota": 5}, content_type="application/json", **auth)
    assert changed.status_code == 200 and changed.json()["quota"] == 5
    # a leader's token reads but cannot write
    _, leader = token_create(acting_user=world.users["admin"], username="city_leader")
    refused = client.post("/api/v1/classes/API1/sessions", {**slot, "slot": "下午"}, content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {leader}")
    assert refused.status_code == 403
