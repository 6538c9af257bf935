"""Importing learning records: the page's checks on every row, all rows or none, append-only corrections."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import ImportRejected, PermissionDenied
from ganxun.core.tabular import read_table
from ganxun.records.columns import COLUMNS
from ganxun.records.exporters import export_records
from ganxun.records.importers import import_records
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord
from ganxun.records.selectors import RecordFilter
from ganxun.records.services import record_append, record_reverse
from ganxun.records.totals import ledger_sums
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.core.test_tabular import csv_bytes, xlsx_bytes

FULL_ID = re.compile(r"\d{17}[\dX]")


def rec(**values) -> list:
    """One row in the template's column order; keyword names are the Chinese column names."""
    row = {
        "外部编号": "PX-1", "人员编码": "C-DC-1", "身份证号": "", "姓名": "王磊",
        "培训名称": "县处级干部进修班", "培训形式": "脱产培训", "内容类别": "理论教育", "培训机构": "DX4199",
        "开始日期": date(2021, 3, 1), "结束日期": date(2021, 3, 30), "天数": "", "学时": 180,
        "系统培训": "是", "结业": "是",
    }
    row.update(values)
    return [row[c] for c in COLUMNS]


def table_of(rows, headers=COLUMNS, name="records.xlsx"):
    return read_table(xlsx_bytes(headers, rows), name)


def errors_of(acting_user, rows, **kwargs) -> list:
    with pytest.raises(ImportRejected) as exc:
        import_records(acting_user=acting_user, table=table_of(rows, **kwargs))
    return exc.value.errors


def where(errors) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in errors]


def stored_totals():
    return {(t.cadre_id, t.year, t.source, t.content_category, t.institution_kind, t.institution_recognised,
             t.is_system_training): (t.hours, t.days, t.records)
            for t in CadreYearTotal.objects.all() if t.hours or t.days or t.records}


def fresh_totals():
    return {(r["cadre_id"], r["year"], r["source"], r["content_category"], r["institution_kind"],
             r["institution_recognised"], r["is_system_training"]): (r["hours"], r["days"], r["records"])
            for r in ledger_sums() if r["hours"] or r["days"] or r["records"]}


def test_county_admin_imports_records_with_credits_totals_and_audit(world, schools):
    # given a class at the party school (by code), an online course (by name) and an outside provider
    rows = [
        rec(),
        rec(外部编号="PX-2", 人员编码="", 身份证号=world.cadres["dc2"].id_number, 姓名="赵婷", 培训名称="网络专题班",
            培训形式="网络培训", 内容类别="知识培训", 培训机构="河南干部网络学院", 开始日期="2022/05/01",
            结束日期="2022年5月31日", 学时="12.5", 系统培训="N", 结业="Y"),
        rec(外部编号="", 培训名称="财务管理研修", 培训形式="其他", 内容类别="", 培训机构="某某财经培训中心",
            开始日期="2022-06-01", 结束日期="2022-06-03", 天数=None, 学时="24", 系统培训="", 结业=""),
    ]
    # when
    report = import_records(acting_user=world.users["dc"], table=table_of(rows))
    # then every row is appended, with the institution's kind copied and the days of full-time training
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    cls = LearningRecord.objects.get(external_id="PX-1")
    assert (cls.credit_hours, cls.credit_days, cls.days) == (Decimal("180.0"), 30, 30)
    assert cls.institution.code == "DX4199" and cls.institution_kind == "party_school" and cls.institution_recognised
    assert cls.origin == "import" and cls.recorded_by == world.users["dc"] and cls.is_system_training
    online = LearningRecord.objects.get(external_id="PX-2")
    assert online.cadre == world.cadres["dc2"] and online.institution.code == "WL0001"
    assert (online.hours, online.days, online.credit_days) == (Decimal("12.5"), 0, 0)
    assert online.start_date == date(2022, 5, 1) and online.end_date == date(2022, 5, 31)
    outside = LearningRecord.objects.get(title="财务管理研修")
    assert outside.external_id is None and outside.institution is None
    assert (outside.institution_name, outside.institution_kind, outside.institution_recognised) == (
        "某某财经培训中心", "", False)
    assert outside.completed and not outside.is_system_training and outside.days == 0
    assert stored_totals() == fresh_totals()
    # and each cadre's new entries are audited in one row (references and the hours they count),
    # a cadre with one new entry keeps its snapshot, plus one summary of the import
    added = {e.subject_code: e.extra for e in AuditEvent.objects.filter(event_type="record_added")}
    assert set(added) == {"C-DC-1", "C-DC-2"}
    outside_ref = f"R{outside.pk}"
    assert added["C-DC-1"]["count"] == 2 and set(added["C-DC-1"]["added"]) == {"PX-1", outside_ref}
    assert added["C-DC-1"]["credit_hours"] == "204.0"
    assert added["C-DC-2"]["after"]["reference"] == "PX-2" and added["C-DC-2"]["after"]["hours"] == "12.5"
    summary = AuditEvent.objects.get(event_type="imported", subject_type="records")
    assert summary.extra["created"] == 3 and summary.actor == world.users["dc"]


def test_reimporting_the_same_file_changes_nothing(world, schools):
    rows = [rec(), rec(外部编号="", 培训名称="专题讲座：数字政府", 培训形式="专题讲座", 培训机构="", 天数=0,
                       开始日期=date(2022, 4, 8), 结束日期=date(2022, 4, 8), 学时=3)]
    import_records(acting_user=world.users["dc"], table=table_of(rows))
    ledger, events = list(LearningRecord.objects.values_list("pk", "credit_hours")), AuditEvent.objects.count()
    # when the same file comes again
    report = import_records(acting_user=world.users["dc"], table=table_of(rows))
    # then both rows match (by 外部编号, and by the natural key) and only the import itself is audited
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(LearningRecord.objects.values_list("pk", "credit_hours")) == ledger
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").event_type == "imported"


def test_a_changed_row_reverses_the_entry_and_appends_the_correction(world, schools):
    # given an imported class
    import_records(acting_user=world.users["dc"], table=table_of([rec(), rec(外部编号="PX-9", 培训名称="另一个班",
                                                                          学时=40, 开始日期=date(2022, 3, 1),
                                                                          结束日期=date(2022, 3, 5))]))
    original = LearningRecord.objects.get(external_id="PX-1")
    # when the file comes back with other hours and another institution
    changed = rec(学时="160", 培训机构="焦裕禄干部学院")
    report = import_records(acting_user=world.users["dc"], table=table_of([changed, rec(外部编号="PX-9",
                                                                                       培训名称="另一个班", 学时=40,
                                                                                       开始日期=date(2022, 3, 1),
                                                                                       结束日期=date(2022, 3, 5))]))
    # then the original is reversed by its negative twin and a corrected entry carries the 外部编号 now
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert set(report.samples[0].changes) == {"学时", "培训机构"}
    original.refresh_from_db()
    twin = LearningRecord.objects.get(reverses=original)
    assert twin.kind == EntryKind.REVERSAL and twin.credit_hours == Decimal("-180.0") and twin.credit_days == -30
    corrected = LearningRecord.objects.get(external_id="PX-1")
    assert corrected.pk != original.pk and original.external_id is None
    assert corrected.hours == Decimal("160.0") and corrected.institution_kind == "cadre_college"
    assert corrected.reason.startswith("更正 PX-1")
    # and the totals still equal a fresh sum of the ledger
    assert stored_totals() == fresh_totals()
    dc1 = world.cadres["dc1"].pk
    assert sum(t.hours for t in CadreYearTotal.objects.filter(cadre_id=dc1, year=2021)) == Decimal("160.0")
    # and the correction is audited with before and after
    event = AuditEvent.objects.filter(event_type="record_added", subject_code="C-DC-1").latest("id")
    assert event.extra["before"]["hours"] == "180.0" and event.extra["after"]["hours"] == "160.0"
    # when the changed file is imported once more, nothing changes
    count = LearningRecord.objects.count()
    report = import_records(acting_user=world.users["dc"], table=table_of([changed]))
    assert report.unchanged == 1 and LearningRecord.objects.count() == count


def test_a_changed_row_without_external_id_is_corrected_by_its_natural_key(world, schools):
    row = rec(外部编号="", 人员编码="", 身份证号=world.cadres["dc1"].id_number)
    import_records(acting_user=world.users["dc"], table=table_of([row]))
    # when 结业 turns to 否
    report = import_records(acting_user=world.users["dc"], table=table_of([rec(
        外部编号="", 人员编码="", 身份证号=world.cadres["dc1"].id_number, 结业="否")]))
    # then the entry is reversed and the new one is kept but counts nothing
    assert report.updated == 1
    current = LearningRecord.objects.get(kind="entry", reversal__isnull=True)
    assert not current.completed and current.credit_hours == 0 and current.credit_days == 0
    assert stored_totals() == fresh_totals() == {}


def test_not_completed_is_kept_but_counts_nothing(world, schools):
    import_records(acting_user=world.users["dc"], table=table_of([rec(结业="否")]))
    record = LearningRecord.objects.get(external_id="PX-1")
    assert not record.completed and (record.credit_hours, record.credit_days) == (0, 0)
    assert stored_totals() == {}


def test_an_entry_reversed_on_the_page_is_not_brought_back(world, schools):
    import_records(acting_user=world.users["dc"], table=table_of([rec()]))
    record = LearningRecord.objects.get(external_id="PX-1")
    record_reverse(acting_user=world.users["dc_hr"], record_id=record.pk, reason="重复登记")
    count = LearningRecord.objects.count()
    report = import_records(acting_user=world.users["dc"], table=table_of([rec()]))
    assert report.unchanged == 1 and LearningRecord.objects.count() == count


def test_every_bad_row_is_reported_and_nothing_is_written(world, schools):
    # given a file where only the first row is good
    wrong_digit = world.cadres["dc2"].id_number[:17] + ("0" if world.cadres["dc2"].id_number[17] != "0" else "1")
    rows = [
        rec(外部编号="OK-1"),
        rec(外部编号="E-3", 人员编码="C-NOPE"),                                    # unknown person
        rec(外部编号="E-4", 姓名="王小磊"),                                          # name disagrees
        rec(外部编号="E-5", 人员编码="", 身份证号=wrong_digit),                      # wrong check digit
        rec(外部编号="E-6", 开始日期="2021-02-30"),                                  # no such date
        rec(外部编号="E-7", 开始日期=date(2021, 4, 1)),                              # end before start
        rec(外部编号="E-8", 培训形式="网络培训", 天数=3, 培训机构="WL0001"),           # days on an online record
        rec(外部编号="E-9", 学时="12.25"),                                           # two decimals
        rec(外部编号="E-10", 培训形式="面授"),                                        # unknown 培训形式
        rec(外部编号="OK-1", 培训名称="另一个班"),                                    # duplicate 外部编号
        rec(外部编号="E-12", 人员编码="C-XC-1", 姓名="刘洋"),                         # another county's cadre
        rec(外部编号="E-13", 培训机构="DX9999"),                                      # a code that does not exist
        rec(外部编号="E-14", 结束日期=date.today() + timedelta(days=3)),             # not over yet
        rec(外部编号="E-15", 系统培训="也许"),                                        # not a yes/no
        rec(外部编号="E-16", 人员编码="", 身份证号=""),                               # nobody
    ]
    # when the county admin imports it
    errors = errors_of(world.users["dc"], rows)
    # then every bad row is named with its column, in row order
    assert where(errors) == [
        (3, "人员编码"), (4, "姓名"), (5, "身份证号"), (6, "开始日期"), (7, "结束日期"), (8, "天数"), (9, "学时"),
        (10, "培训形式"), (11, "外部编号"), (12, "人员编码"), (13, "培训机构"), (14, "结束日期"), (15, "系统培训"),
        (16, "人员编码"),
    ]
    text = {e.row: e.message for e in errors}
    assert "不存在或不在您的管理范围内" in text[3] and "王磊" in text[4]
    assert "校验位不正确" in text[5] and "2021 年 2 月没有 30 日" in text[6]
    assert text[7] == "不能早于开始日期" and "不计脱产天数" in text[8] and text[9] == "最多保留一位小数"
    assert "脱产培训、网络培训" in text[10] and "与第 2 行重复" in text[11]
    assert text[12] == text[3].replace("C-NOPE", "C-XC-1")
    assert "DX9999 不存在" in text[13] and "不能晚于今天" in text[14] and "是 或 否" in text[15]
    # and nothing was written, and no full ID number appears in any message
    assert LearningRecord.objects.count() == 0 and not AuditEvent.objects.filter(event_type="imported").exists()
    assert not any(FULL_ID.search(e.message) for e in errors)


def test_the_same_messages_as_the_page(world, schools):
    from ganxun.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        record_append(acting_user=world.users["dc"], person_code="C-DC-1",
                      values={"title": "班", "source": "online", "start_date": date(2021, 3, 1),
                              "end_date": date(2021, 3, 2), "days": 3, "hours": "1.25"})
    page = exc.value.extra["fields"]
    errors = errors_of(world.users["dc"], [rec(培训形式="网络培训", 天数=3, 学时="1.25", 开始日期=date(2021, 3, 1),
                                               结束日期=date(2021, 3, 2), 培训机构="")])
    assert {e.column: e.message for e in errors} == {"天数": page["days"], "学时": page["hours"]}


def test_a_county_admin_cannot_reach_another_countys_cadre_even_by_id_number(world, schools):
    errors = errors_of(world.users["dc"], [rec(人员编码="", 身份证号=world.cadres["xc1"].id_number, 姓名="刘洋")])
    assert where(errors) == [(2, "身份证号")]
    assert "不在您的管理范围内" in errors[0].message and world.cadres["xc1"].id_number not in errors[0].message
    # while the city admin above both counties can
    report = import_records(acting_user=world.users["city"], table=table_of(
        [rec(人员编码="", 身份证号=world.cadres["xc1"].id_number, 姓名="刘洋")]))
    assert report.created == 1


def test_an_id_number_that_disagrees_with_the_person_code_is_refused(world, schools):
    errors = errors_of(world.users["dc"], [rec(身份证号=world.cadres["dc2"].id_number)])
    assert where(errors) == [(2, "身份证号")] and "不符" in errors[0].message
    assert not FULL_ID.search(errors[0].message)


def test_an_id_number_that_excel_turned_into_a_number_is_refused(world, schools):
    errors = errors_of(world.users["dc"], [rec(人员编码="", 身份证号=4.10105194912310e17)])
    assert where(errors) == [(2, "身份证号")] and "文本格式" in errors[0].message


def test_a_duplicate_row_without_external_id_is_refused(world, schools):
    errors = errors_of(world.users["dc"], [rec(外部编号=""), rec(外部编号="", 学时=20)])
    assert where(errors) == [(3, "培训名称")] and "与第 2 行是同一条记录" in errors[0].message


def test_an_external_id_of_another_cadres_record_is_refused(world, schools):
    import_records(acting_user=world.users["dc"], table=table_of([rec()]))
    errors = errors_of(world.users["dc"], [rec(人员编码="C-DC-2", 姓名="赵婷")])
    assert where(errors) == [(2, "外部编号")] and "另一名干部" in errors[0].message


def test_unknown_and_missing_columns_are_refused(world):
    with pytest.raises(ImportRejected) as exc:
        import_records(acting_user=world.users["dc"], table=read_table(
            xlsx_bytes(["人员编码", "培训名称", "培训形式", "开始日期", "结束日期", "学时时"], [["C-DC-1"] * 6]), "x.xlsx"))
    assert {(e.column, e.message[:6]) for e in exc.value.errors} == {("学时时", "无法识别的列"), ("学时", "缺少必需的列")}
    with pytest.raises(ImportRejected) as exc:
        import_records(acting_user=world.users["dc"], table=read_table(
            xlsx_bytes(["培训名称", "培训形式", "开始日期", "结束日期", "学时"], [["班", "其他", "2021-01-01",
                                                                     "2021-01-01", 1]]), "x.xlsx"))
    assert "至少要有一列" in exc.value.errors[0].message


def test_excel_date_and_datetime_cells_and_a_csv_with_bom(world, schools):
    # given one workbook with date cells and one UTF-8 CSV with a BOM
    xlsx = table_of([rec(开始日期=datetime(2021, 3, 1), 结束日期=date(2021, 3, 30))])
    csv = read_table(csv_bytes(COLUMNS, [rec(外部编号="PX-C", 开始日期="2021-03-01", 结束日期="2021/3/30")],
                               bom=True), "records.csv")
    # when both are imported
    import_records(acting_user=world.users["dc"], table=xlsx)
    import_records(acting_user=world.users["dc"], table=csv)
    # then the dates are read alike
    assert set(LearningRecord.objects.values_list("start_date", "end_date")) == {(date(2021, 3, 1), date(2021, 3, 30))}
    assert LearningRecord.objects.count() == 2


def test_dry_run_writes_nothing(world, schools):
    report = import_records(acting_user=world.users["dc"], table=table_of([rec()]), dry_run=True)
    assert report.created == 1 and report.dry_run
    assert LearningRecord.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_leader_and_cadre_roles_cannot_import(world):
    for persona in ("leader", "cadre"):
        with pytest.raises(PermissionDenied):
            import_records(acting_user=world.users[persona], table=table_of([rec()]))


def test_an_ambiguous_institution_name_asks_for_the_code(world, schools):
    from tests.factories import add_institution

    add_institution("DX4199B", "中共示例市委党校", "party_school")
    errors = errors_of(world.users["dc"], [rec(培训机构="中共示例市委党校")])
    assert where(errors) == [(2, "培训机构")] and "DX4199" in errors[0].message


def test_our_own_export_reimports_unchanged_with_masked_ids(world, schools):
    # given records of two cadres, one of them reversed, one a correction
    import_records(acting_user=world.users["city"], table=table_of([
        rec(), rec(外部编号="", 人员编码="C-CITY-1", 姓名="张建国", 培训形式="专题讲座", 培训机构="", 天数="",
                   开始日期=date(2023, 6, 1), 结束日期=date(2023, 6, 1), 学时=3.5)]))
    import_records(acting_user=world.users["city"], table=table_of([rec(学时=170)]))
    content, count = export_records(acting_user=world.users["city"], flt=RecordFilter())
    assert count == 2
    exported = read_table(content, "学习记录.xlsx")
    assert all(not FULL_ID.search(str(v)) for r in exported.rows for v in r.values.values())
    assert exported.rows[0].get("身份证号") == world.cadres["city1"].id_number_masked
    ledger = LearningRecord.objects.count()
    # when it is imported back
    report = import_records(acting_user=world.users["city"], table=exported)
    # then nothing changes
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert LearningRecord.objects.count() == ledger


def test_export_holds_only_the_scope(world, schools):
    import_records(acting_user=UNSCOPED_OPERATOR, table=table_of([rec(), rec(外部编号="PX-O", 人员编码="C-OTHER-1", 姓名="陈刚")]))
    _, count = export_records(acting_user=world.users["dc"], flt=RecordFilter())
    assert count == 1
    _, count = export_records(acting_user=UNSCOPED_OPERATOR, fmt="csv", target=None)
    assert count == 2


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_command_line_imports_and_exports_records(world, schools, tmp_path, suffix):
    from tests.cadres.test_import_cli import run

    # given a file with one good row and, first, one bad row
    bad, good = tmp_path / f"bad{suffix}", tmp_path / f"good{suffix}"
    rows = [rec(), rec(外部编号="PX-2", 学时="3.25")]
    for path, content in ((bad, rows), (good, rows[:1])):
        path.write_bytes(xlsx_bytes(COLUMNS, content) if suffix == ".xlsx" else csv_bytes(COLUMNS, content))
    # when the operator imports the bad file: exit 2, the row and column named, nothing written
    code, out, err = run("import", "records", str(bad))
    assert code == 2 and "第 3 行「学时」" in err and LearningRecord.objects.count() == 0
    # when they import the good one, then export everything, and import the export back
    code, out, err = run("import", "records", str(good))
    assert code == 0 and "新增 1 条" in out
    exported = tmp_path / f"export{suffix}"
    assert run("export", "records", str(exported))[0] == 0
    code, out, err = run("import", "records", str(exported))
    # then the export goes back in unchanged and shows no full ID number
    assert code == 0 and "1 条无变化" in out and LearningRecord.objects.count() == 1
    text = read_table(exported.read_bytes(), exported.name)
    assert text.headers == COLUMNS and not any(FULL_ID.search(str(v)) for r in text.rows for v in r.values.values())


def test_a_correction_on_the_page_hands_the_external_id_to_the_corrected_entry(world, schools):
    from ganxun.records.services import record_correct

    # given an imported entry corrected on the page
    import_records(acting_user=world.users["dc"], table=table_of([rec()]))
    original = LearningRecord.objects.get(external_id="PX-1")
    corrected = record_correct(acting_user=world.users["dc_hr"], record_id=original.pk, values={"hours": "170"},
                               reason="学时有误")
    # then the other system's key names the entry that counts now
    original.refresh_from_db()
    assert corrected.external_id == "PX-1" and original.external_id is None
    assert corrected.reason == "更正 PX-1：学时有误"
    # and a file that agrees with the correction changes nothing
    report = import_records(acting_user=world.users["dc"], table=table_of([rec(学时=170)]))
    assert report.unchanged == 1 and LearningRecord.objects.count() == 3
    assert stored_totals() == fresh_totals()


def test_the_number_of_queries_does_not_grow_with_the_rows(world, schools):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n: int, prefix: str, hours=180) -> list:
        return [rec(外部编号=f"{prefix}-{i}", 人员编码="C-DC-1" if i % 2 else "C-DC-2", 姓名="王磊" if i % 2 else "赵婷",
                    培训名称=f"班{i}", 学时=hours) for i in range(n)] + [
            rec(外部编号="", 培训名称=f"{prefix}讲座{i}", 培训形式="专题讲座", 培训机构="", 开始日期=date(2022, 1, 1 + i),
                结束日期=date(2022, 1, 1 + i), 学时=hours % 7) for i in range(min(n, 20))]

    def queries(table_rows) -> int:
        with CaptureQueriesContext(connection) as ctx:
            import_records(acting_user=world.users["dc"], table=table_of(table_rows))
        return len(ctx.captured_queries)

    # first imports of 10 and of 200 rows take as many queries
    assert queries(rows(10, "A")) == queries(rows(200, "B"))
    # and so do re-imports where every row changed (reversal + new entry each)
    assert queries(rows(10, "A", hours=160)) == queries(rows(200, "B", hours=160))
    assert stored_totals() == fresh_totals()


def test_the_cadre_history_tab_reads_an_import_in_chinese(client, world, schools):
    # given two new entries and, in a second file, a correction of one of them for the same cadre
    second = rec(外部编号="PX-7", 培训名称="专题讲座：乡村振兴", 培训形式="专题讲座", 培训机构="", 天数=0,
                 开始日期=date(2022, 4, 8), 结束日期=date(2022, 4, 8), 学时=3)
    import_records(acting_user=world.users["dc"], table=table_of([rec(), second]))
    import_records(acting_user=world.users["dc"], table=table_of([rec(学时="160")]))
    # when the county's officer opens the cadre's 变更历史
    client.force_login(world.users["dc"])
    body = client.get("/cadres/C-DC-1/?tab=history").content.decode()
    # then the batch reads as what was added and what counts, and the correction as before and after
    assert "新增 2 条：PX-1、PX-7" in body and "合计计入 183.0 学时" in body
    assert "县处级干部进修班（2021-03-01—2021-03-30，脱产培训）180.0 学时" in body
    assert "县处级干部进修班（2021-03-01—2021-03-30，脱产培训）160.0 学时" in body
    assert "title：" not in body and "full_time" not in body


def test_the_any_of_lookup_finds_the_same_entries_as_in(world, schools):
    import_records(acting_user=world.users["dc"], table=table_of([rec(), rec(外部编号="PX-2", 培训名称="另一个班")]))
    wanted = ["PX-2", "PX-404"]
    assert list(LearningRecord.objects.filter(external_id__any_of=wanted).values_list("external_id", flat=True)) \
        == ["PX-2"]
    assert not LearningRecord.objects.filter(external_id__any_of=[]).exists()


# --- files of any size: read and written chunk by chunk in one transaction ---------------------------

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 rows, so that a few rows cross several chunks as a large file's do."""
    from ganxun.records import importers

    monkeypatch.setattr(importers, "CHUNK_ROWS", 3)
    return importers


def many(n: int, prefix: str = "S", **values) -> list:
    return [rec(外部编号=f"{prefix}-{i}", 培训名称=f"班{i}", **values) for i in range(n)]


def test_a_file_across_chunks_goes_in_whole_and_reimports_unchanged(world, schools, small_chunks):
    report = import_records(acting_user=world.users["dc"], table=table_of(many(10)))
    assert report.created == 10 and LearningRecord.objects.count() == 10
    assert AuditEvent.objects.filter(event_type="imported").count() == 1
    again = import_records(acting_user=world.users["dc"], table=table_of(many(10)))
    assert again.unchanged == 10 and LearningRecord.objects.count() == 10
    assert stored_totals() == fresh_totals()


def test_a_bad_row_in_the_last_chunk_leaves_the_ledger_and_totals_as_they_were(world, schools, small_chunks):
    # given a ledger with one entry, and a file whose chunks 1-3 are good and whose last row is bad
    import_records(acting_user=world.users["dc"], table=table_of([rec(外部编号="OLD", 培训名称="旧班")]))
    before = (LearningRecord.objects.count(), stored_totals(), AuditEvent.objects.count())
    rows = many(9) + [rec(外部编号="BAD", 学时="1.25")]
    # when it is imported
    errors = errors_of(world.users["dc"], rows)
    # then the bad row is named, and nothing of the first nine rows was kept
    assert where(errors) == [(11, "学时")]
    assert (LearningRecord.objects.count(), stored_totals(), AuditEvent.objects.count()) == before


def test_duplicates_are_found_across_chunks(world, schools, small_chunks):
    rows = many(4) + [rec(外部编号="S-1", 培训名称="别的班"),                               # row 6: 外部编号 of row 3
                      rec(外部编号="", 培训名称="讲座"), rec(外部编号="N-1"), rec(外部编号="N-2"),
                      rec(外部编号="", 培训名称="讲座", 学时=20)]                               # row 10: same as row 7
    errors = errors_of(world.users["dc"], rows)
    assert where(errors) == [(6, "外部编号"), (10, "培训名称")]
    assert "与第 3 行重复" in errors[0].message and "与第 7 行是同一条记录" in errors[1].message
    assert LearningRecord.objects.count() == 0


def test_two_rows_in_different_chunks_cannot_change_the_same_entry(world, schools, small_chunks):
    # given an entry imported without 外部编号
    import_records(acting_user=world.users["dc"], table=table_of([rec(外部编号="")]))
    entry = LearningRecord.objects.get()
    LearningRecord.objects.filter(pk=entry.pk).update(external_id="PX-9")
    # when one row corrects it by 外部编号 and a row three chunks later by its natural key
    rows = [rec(外部编号="PX-9", 学时=170)] + many(8) + [rec(外部编号="", 学时=160)]
    errors = errors_of(world.users["dc"], rows)
    # then the second is refused, naming the first
    assert where(errors) == [(11, "培训名称")] and "与第 2 行对应系统中的同一条记录" in errors[0].message
    assert LearningRecord.objects.count() == 1


def test_corrections_across_chunks_match_the_ledger_as_it_was(world, schools, small_chunks):
    import_records(acting_user=world.users["dc"], table=table_of(many(7)))
    report = import_records(acting_user=world.users["dc"], table=table_of(many(7, 学时=170)))
    assert report.updated == 7 and LearningRecord.objects.count() == 7 * 3
    assert LearningRecord.objects.filter(external_id__startswith="S-").count() == 7
    assert stored_totals() == fresh_totals()


def test_a_file_with_very_many_bad_rows_lists_the_first_and_counts_the_rest(world, schools, small_chunks,
                                                                                  monkeypatch):
    monkeypatch.setattr(small_chunks, "MAX_LISTED_ERRORS", 4)
    with pytest.raises(ImportRejected) as exc:
        import_records(acting_user=world.users["dc"], table=table_of(many(10, 学时="1.25")))
    assert [e.row for e in exc.value.errors] == [2, 3, 4, 5]
    assert "有 10 处错误" in exc.value.message and "另有 6 处未列出" in exc.value.message
    assert LearningRecord.objects.count() == 0


def test_the_command_line_takes_a_file_over_the_page_limits(world, schools, tmp_path, settings, small_chunks):
    from tests.cadres.test_import_cli import run

    # given limits a tenth of the file: 5 rows and 1 KB
    settings.GANXUN_MAX_IMPORT_ROWS, settings.GANXUN_MAX_UPLOAD_BYTES = 5, 1024
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(COLUMNS, many(50)))
    assert path.stat().st_size > 4 * 1024
    # when the operator imports it
    code, out, err = run("import", "records", str(path))
    # then all of it goes in, while the page's reader still refuses it
    assert code == 0 and "新增 50 条" in out, err
    assert LearningRecord.objects.count() == 50
    with pytest.raises(ImportRejected):
        read_table(path.read_bytes(), "records.csv")
