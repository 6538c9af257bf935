"""``ganxun callups``: the notices, one notice with its nominations, the Word notice, the rates and the annual plans,
as an officer scripts them; bad input exits 2 with a Chinese message and writes nothing."""

import json

from docx import Document
from openpyxl import load_workbook

from ganxun.audit.models import AuditEvent
from ganxun.callups.services import TargetLine, annual_plan_save, nominate, nominations_audit
from tests.callups.test_callups import TODAY, issued
from tests.factories import run_command


def _run(capsys, *argv):
    """``ganxun callups …`` in this process: its exit code and output."""
    code = run_command("callups", *argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def _nominated(world, tc):
    callup = issued(world, tc, {"419901CZJ": 2})
    result = nominate(acting_user=world.users["dc_hr"], callup_code=callup.code, person_codes=["C-DC-1", "C-DC-2"],
                      today=TODAY)
    first, second = result.nominations
    nominations_audit(acting_user=world.users["city"], callup_code=callup.code, nomination_ids=[first.pk],
                      approve=True)
    return callup


def test_list_and_show_give_the_notices_and_the_nominations_with_id_numbers_masked(world, city_class, capsys):
    callup = _nominated(world, city_class)
    code, out, _ = _run(capsys, "list", "--year", "2021", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["code"], row["class_code"], row["places"], row["active"], row["approved"]) == (callup.code, "BC1", 2,
                                                                                                2, 1)
    assert _run(capsys, "list", "--year", "2020", "--format", "json")[1].strip() == "[]"
    code, out, _ = _run(capsys, "show", callup.code)
    assert code == 0 and "东城区财政局" in out and "已审核" in out and "待审核" in out and "共 2 人" in out
    full = world.cadres["dc1"].id_number
    assert full not in out and f"{full[:4]}**********{full[-4:]}" in out
    body = json.loads(_run(capsys, "show", callup.code, "--format", "json")[1])
    assert [n["status"] for n in body["nominations"]] == ["approved", "nominated"]
    assert body["quotas"] == [{"unit_code": "419901CZJ", "unit_name": "东城区财政局", "places": 2}]
    assert full not in json.dumps(body, ensure_ascii=False)


def test_notice_writes_the_word_document_and_leaves_an_audit_row(world, city_class, capsys, tmp_path):
    callup = _nominated(world, city_class)
    target = tmp_path / "通知.docx"
    code, out, _ = _run(capsys, "notice", callup.code, str(target))
    assert code == 0 and "已导出调训通知" in out
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "BC1 培训班" in text and "2021" in text
    assert AuditEvent.objects.filter(event_type="exported", subject_type="callup", subject_code=callup.code).exists()
    code, _, err = _run(capsys, "notice", callup.code, str(tmp_path / "通知.doc"))
    assert code == 2 and "扩展名应为 .docx" in err and not (tmp_path / "通知.doc").exists()
    code, _, err = _run(capsys, "notice", "DX-NONE", str(tmp_path / "x.docx"))
    assert code == 2 and "调训通知不存在" in err and not (tmp_path / "x.docx").exists()


def test_rates_by_unit_and_category_in_json_table_and_xlsx(world, city_class, capsys, tmp_path):
    _nominated(world, city_class)
    code, out, _ = _run(capsys, "rates", "--year", "2021", "--org", "419901", "--format", "json")
    assert code == 0
    body = json.loads(out)
    fin = next(r for r in body["rows"] if r["key"] == "419901CZJ")
    # two call-ups standing (one approved, one waiting), both for cadres of 东城区财政局; one of them is in the class
    assert (fin["staff"], fin["called"], fin["call_ups"], fin["attended"]) == (2, 2, 2, 1)
    assert fin["participation_rate"] == 0.5 and body["total"]["called"] == 2
    code, out, _ = _run(capsys, "rates", "--year", "2021", "--by", "category")
    assert code == 0 and "合计" in out and "调训率" in out
    target = tmp_path / "rates.xlsx"
    code, _, err = _run(capsys, "rates", "--year", "2021", "--org", "419901", "--format", "xlsx", "--output", str(target))
    assert code == 0 and "已写入" in err
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("单位/类别", "编码", "干部数", "调训人数", "调训率")
    assert rows[-1][0] == "合计" and rows[-1][3] == 2
    assert AuditEvent.objects.filter(event_type="exported", subject_type="callup_rates").count() == 1
    for bad, message in ((["--year", "1999"], "--year 应为 2000 至 2100"), (["--year", "2021", "--org", "NOPE"],
                                                                          "单位编码 NOPE 不存在"),
                         (["--year", "2021", "--format", "xlsx"], "xlsx 格式需要 --output")):
        code, _, err = _run(capsys, "rates", *bad)
        assert code == 2 and message in err


def test_plans_and_plan_against_actual(world, city_class, capsys):
    from ganxun.callups.services import planned_class_set

    plan = annual_plan_save(acting_user=world.users["city"], org_code="4199ZZB", year=2021,
                            title="示例市2021年度干部教育培训计划",
                            targets=[TargetLine("县处级领导干部", 150, "每年选调150名左右县处级领导干部到市委党校参加系统理论学习")])
    planned_class_set(acting_user=world.users["city"], plan_id=plan.pk, class_code="BC1", planned=30,
                      target_id=plan.targets.get().pk)
    _nominated(world, city_class)
    code, out, _ = _run(capsys, "plans", "--year", "2021")
    assert code == 0 and "示例市2021年度干部教育培训计划" in out and "共 1 份" in out
    body = json.loads(_run(capsys, "plan", str(plan.pk), "--format", "json")[1])
    assert body["year"] == 2021 and body["targets"][0]["planned"] == 150
    assert body["classes"] == [{"class_code": "BC1", "planned": 30, "called": 2, "enrolled": 1, "completed": 0}]
    code, out, _ = _run(capsys, "plan", str(plan.pk))
    assert code == 0 and "县处级领导干部" in out and "BC1" in out
    assert _run(capsys, "plan", "abc")[0] == 2
    code, _, err = _run(capsys, "plan", "999999")
    assert code == 2 and "年度培训计划不存在" in err
