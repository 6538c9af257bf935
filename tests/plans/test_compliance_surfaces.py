"""The CLI and the API give the same verdicts, in the interface's shape, inside the caller's scope."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from ganxun.records.services import record_append


@pytest.fixture
def ledger(world, schools):
    record_append(acting_user=world.users["admin"], person_code="C-CITY-1", institution_code="DX4199",
                  external_id="EXT-1", values={"title": "进修班", "source": "full_time", "start_date": date(2022, 3, 1),
                                               "end_date": date(2022, 3, 30), "hours": "180"})
    record_append(acting_user=world.users["admin"], person_code="C-DC-2", institution_code="DX4199",
                  external_id="EXT-2", values={"title": "科级干部班", "source": "full_time",
                                               "start_date": date(2022, 5, 1), "end_date": date(2022, 5, 12),
                                               "hours": "90"})


def run_cli(capsys, *args):
    call_command("compliance", *args)
    return json.loads(capsys.readouterr().out)


def test_cli_json_for_one_person_matches_the_api(client, world, ledger, capsys):
    body = run_cli(capsys, "--plan", "xuchang-2019-2022", "--as-of", "2022-12-31", "--person", "C-CITY-1")
    assert body["plan"] == "xuchang-2019-2022" and body["as_of"] == "2022-12-31"
    result = next(r for r in body["results"] if r["indicator"] == "leader_hours_5y")
    assert result == {"subject_type": "cadre", "subject": "C-CITY-1", "indicator": "leader_hours_5y",
                      "verdict": "unmet", "required": {"days": 90, "hours": 550.0},
                      "actual": {"days": 30, "hours": 180.0}, "window": ["2018-01-01", "2022-12-31"],
                      "gap": {"days": 60, "hours": 370.0}, "evidence": ["EXT-1"]}
    client.force_login(world.users["city"])
    api = client.get("/api/v1/cadres/C-CITY-1/compliance?plan=xuchang-2019-2022&as_of=2022-12-31").json()
    assert api["results"] == [r | {"advisory": False} if "advisory" not in r else r for r in body["results"]]


def test_cli_orgs_give_the_unit_indicators_and_figures(world, ledger, capsys):
    body = run_cli(capsys, "--plan", "henan-2019-2022", "--as-of", "2022-12-31", "--subject", "orgs",
                   "--org", "4199")
    staff = {r["subject"]: r for r in body["results"] if r["indicator"] == "org_staff_fifth_annual"}
    # 示例市 has 4 cadres below division tier (C-CITY-2, C-DC-1, C-DC-2, C-XC-1); one trained in 2022
    assert staff["4199"]["actual"] == {"share": 0.25, "count": 1, "of": 4} and staff["4199"]["verdict"] == "met"
    assert staff["419902"]["verdict"] == "unmet"
    figures = {f["code"]: f for f in body["figures"]}
    assert figures["training_coverage"]["value"] == 0.4  # 2 of 5 cadres trained in 2022
    assert figures["avg_full_time_hours"]["value"] == 54.0  # 270 hours / 5 cadres
    # nobody was called up in 2022: 0 of the 5 (the call-ups' own tests count real ones)
    assert (figures["call_up_rate"]["value"], figures["call_up_rate"]["denominator"]) == (0.0, 5)


def test_cli_bad_plan_and_bad_date_exit_2(world, capsys):
    for args in (["--plan", "nope", "--as-of", "2022-12-31"], ["--plan", "henan-2019-2022", "--as-of", "2022-13-01"]):
        with pytest.raises(SystemExit) as exc:
            call_command("compliance", *args)
        assert exc.value.code == 2
    assert "没有规划" in capsys.readouterr().err


def test_cli_table_and_xlsx(world, ledger, capsys, tmp_path):
    call_command("compliance", "--plan", "henan-2019-2022", "--as-of", "2022-12-31", "--subject", "cadres",
                 "--format", "table")
    assert "staff_hours_annual" in capsys.readouterr().out
    out = tmp_path / "c.xlsx"
    call_command("compliance", "--plan", "henan-2019-2022", "--as-of", "2022-12-31", "--format", "xlsx",
                 "--output", str(out))
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["对象类型", "对象编码", "对象名称", "指标代码", "指标名称", "结论"]
    assert any(r[1] == "C-DC-2" and r[5] == "达标" for r in rows[1:])


@pytest.mark.parametrize("persona, person, expected", [
    ("dc", "C-DC-2", 200), ("dc", "C-XC-1", 404), ("cadre", "C-DC-2", 200), ("cadre", "C-DC-1", 404),
    ("other", "C-CITY-1", 404), ("institution", "C-DC-2", 404),
])
def test_compliance_and_records_api_follow_the_scope(client, world, ledger, persona, person, expected):
    client.force_login(world.users[persona])
    assert client.get(f"/api/v1/cadres/{person}/compliance?plan=henan-2019-2022").status_code == expected
    assert client.get(f"/api/v1/cadres/{person}/records").status_code == expected


def test_records_api_lists_entries_with_references(client, world, ledger):
    client.force_login(world.users["dc"])
    items = client.get("/api/v1/cadres/C-DC-2/records").json()["items"]
    assert [(i["reference"], i["hours"], i["is_reversed"]) for i in items] == [("EXT-2", "90.0", False)]


def test_org_compliance_api_outside_scope_is_not_found(client, world, ledger):
    client.force_login(world.users["dc"])
    assert client.get("/api/v1/orgs/419902/compliance?plan=henan-2019-2022").status_code == 404
    body = client.get("/api/v1/orgs/419901/compliance?plan=henan-2019-2022&as_of=2022-12-31").json()
    assert {f["code"] for f in body["figures"]} >= {"participation_rate", "hours_compliance_rate"}


def test_unknown_plan_in_the_api_is_a_400_in_chinese(client, world):
    client.force_login(world.users["dc"])
    response = client.get("/api/v1/cadres/C-DC-2/compliance?plan=nope")
    assert response.status_code == 400 and "没有规划" in response.json()["detail"]
