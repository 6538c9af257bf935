"""Importing the cadre registry: the form's checks on every row, all rows or none, audited in bulk."""

import re
from datetime import date, timedelta

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.cadres.columns import COLUMNS
from ganxun.cadres.exporters import export_cadres
from ganxun.cadres.importers import import_cadres
from ganxun.cadres.models import Cadre
from ganxun.cadres.selectors import CadreFilter
from ganxun.core.errors import ImportRejected, PermissionDenied
from ganxun.core.idnumbers import check_char
from ganxun.core.tabular import read_table
from tests.core.test_tabular import csv_bytes, xlsx_bytes
from tests.factories import make_id_number

FULL_ID = re.compile(r"\d{17}[\dX]")


def cadre_row(**values) -> list:
    """One row in the column order of the template; keyword names are the Chinese column names."""
    born = values.pop("born", date(1990, 3, 8))
    female = values.pop("female", False)
    row = {
        "人员编码": "", "身份证号": make_id_number(born=born, female=female), "姓名": "孙明",
        "性别": "女" if female else "男", "出生日期": born, "民族": "汉族", "政治面貌": "中共党员",
        "单位编码": "419901CZJ", "职务": "科员", "职级": "一级科员", "领导职务": "否", "干部类别": "机关公务员",
        "班子成员": "否", "地方党政班子": "", "一把手": "否", "优秀年轻干部": "是", "党支部书记": "否",
        "任现职级时间": date(2020, 1, 1), "录用时间": "2012-07-01",
    }
    row.update(values)
    return [row[c] for c in COLUMNS]


def table_of(rows, headers=COLUMNS, name="cadres.xlsx"):
    return read_table(xlsx_bytes(headers, rows), name)


def errors_of(acting_user, rows, **kwargs) -> list:
    with pytest.raises(ImportRejected) as exc:
        import_cadres(acting_user=acting_user, table=table_of(rows, **kwargs))
    return exc.value.errors


def where(errors) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in errors]


def test_county_admin_imports_new_cadres_with_codes_tier_authority_and_audit(world):
    # given two new cadres without 人员编码, one a section chief
    rows = [cadre_row(姓名="孙明"), cadre_row(姓名="周芳", female=True, 职级="正科级", 领导职务="是")]
    # when
    report = import_cadres(acting_user=world.users["dc"], table=table_of(rows))
    # then both are registered with fresh codes, in row order
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    sun, zhou = Cadre.objects.get(name="孙明"), Cadre.objects.get(name="周芳")
    assert re.fullmatch(r"GB\d{8}", sun.person_code) and int(zhou.person_code[2:]) == int(sun.person_code[2:]) + 1
    assert sun.tier == "staff" and zhou.tier == "section" and zhou.gender == "female" and zhou.is_leader
    assert sun.managing_department.code == "419901ZZB" and sun.is_young_talent
    assert sun.hired_on == date(2012, 7, 1) and sun.rank_since == date(2020, 1, 1)
    # and each creation is audited with the ID number masked, plus one summary
    created = AuditEvent.objects.filter(event_type="cadre_created")
    assert {e.subject_code for e in created} == {sun.person_code, zhou.person_code}
    assert all(not FULL_ID.search(str(e.extra)) for e in created)
    assert created.get(subject_code=sun.person_code).extra["after"]["id_number"] == sun.id_number_masked
    summary = AuditEvent.objects.get(event_type="imported", subject_type="cadres")
    assert summary.extra["created"] == 2 and summary.actor == world.users["dc"]


def test_reimporting_the_same_file_changes_nothing(world):
    # given a file without 人员编码, already imported once
    rows = [cadre_row(姓名="孙明"), cadre_row(姓名="周芳", female=True)]
    import_cadres(acting_user=world.users["dc"], table=table_of(rows))
    events, state = AuditEvent.objects.count(), list(Cadre.objects.values_list("person_code", "updated_at"))
    # when it is imported again
    report = import_cadres(acting_user=world.users["dc"], table=table_of(rows))
    # then the rows match by 身份证号 and no data changes; only the import itself is audited
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").event_type == "imported"
    assert list(Cadre.objects.values_list("person_code", "updated_at")) == state


def test_reimporting_our_own_export_with_masked_ids_changes_nothing(world):
    # given the city admin's export (身份证号 masked)
    content, count = export_cadres(acting_user=world.users["city"], flt=CadreFilter())
    events = AuditEvent.objects.count()
    # when it is imported back
    report = import_cadres(acting_user=world.users["city"], table=read_table(content, "干部名册.xlsx"))
    # then
    assert report.unchanged == count == 5 and report.created == report.updated == 0
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").event_type == "imported"


def test_a_changed_row_updates_the_cadre_with_before_and_after(world):
    # given C-DC-1 promoted to 副处级, keeping their ID number (masked, as exported)
    dc1 = world.cadres["dc1"]
    row = cadre_row(人员编码="C-DC-1", 身份证号=dc1.id_number_masked, 姓名="王磊", 出生日期=dc1.birth_date,
                    职级="副处级", 职务="副局长", 优秀年轻干部="否")
    # when
    report = import_cadres(acting_user=world.users["city"], table=table_of([row]))
    # then
    assert report.updated == 1
    dc1.refresh_from_db()
    assert dc1.rank == "division_deputy" and dc1.tier == "division" and dc1.post_title == "副局长"
    assert dc1.managing_department.code == "4199ZZB"
    event = AuditEvent.objects.get(event_type="cadre_updated", subject_code="C-DC-1")
    assert event.extra["before"]["rank"] == "section_chief" and event.extra["after"]["rank"] == "division_deputy"
    assert event.extra["after"]["managing_department"] == "4199ZZB"
    assert "id_number" not in event.extra["after"]


def test_a_corrected_id_number_is_saved_even_when_its_masked_form_is_alike(world):
    # given C-DC-1's number with the middle digits corrected, first and last four unchanged
    dc1 = world.cadres["dc1"]
    corrected = next(c for xx in range(100) if (c := (lambda body: body + check_char(body))(
        f"4199{xx:02d}{dc1.id_number[6:17]}")) != dc1.id_number and c[-4:] == dc1.id_number[-4:])
    row = cadre_row(人员编码="C-DC-1", 身份证号=corrected, 姓名="王磊", 出生日期=dc1.birth_date, 职级="正科级",
                    职务="局长", 领导职务="是", 优秀年轻干部="否")
    # when
    report = import_cadres(acting_user=world.users["dc"], table=table_of([row]))
    # then the new number is stored and the change audited (masked)
    assert report.updated == 1
    dc1.refresh_from_db()
    assert dc1.id_number == corrected
    event = AuditEvent.objects.get(event_type="cadre_updated", subject_code="C-DC-1")
    assert "id_number" in event.extra["after"] and not FULL_ID.search(str(event.extra))


def test_an_overridden_managing_department_is_left_alone(world):
    # given a cadre whose managing department was set by hand
    dc1 = world.cadres["dc1"]
    Cadre.objects.filter(pk=dc1.pk).update(managing_department=world.orgs["henan_dept"], managing_overridden=True)
    row = cadre_row(人员编码="C-DC-1", 身份证号=dc1.id_number, 姓名="王磊", 出生日期=dc1.birth_date, 职级="副处级")
    # when
    import_cadres(acting_user=world.users["city"], table=table_of([row]))
    # then
    dc1.refresh_from_db()
    assert dc1.tier == "division" and dc1.managing_department.code == "41ZZB"


def test_columns_left_out_keep_the_stored_values(world):
    # given a file with only the required columns and the key
    headers = ["人员编码", "身份证号", "姓名", "单位编码", "职级", "干部类别"]
    dc2 = world.cadres["dc2"]
    row = ["C-DC-2", dc2.id_number, "赵婷", "419901CZJ", "二级科员", "机关公务员"]
    # when
    import_cadres(acting_user=world.users["dc"], table=table_of([row], headers=headers))
    # then the rank changed and the young-talent flag, not in the file, is kept
    dc2.refresh_from_db()
    assert dc2.rank == "clerk_2" and dc2.is_young_talent


BAD_ROWS = {
    "wrong check digit": ({"身份证号": "110105194912310021"}, "身份证号", "校验位"),
    "impossible birth date in the ID": ({"身份证号": "110105199902300011"}, "身份证号", "出生日期"),
    "unknown rank": ({"职级": "处长"}, "职级", "不在职级表中"),
    "unknown org": ({"单位编码": "NOPE"}, "单位编码", "不存在或不在您的管理范围内"),
    "missing name": ({"姓名": ""}, "姓名", "不能为空"),
    "missing category": ({"干部类别": ""}, "干部类别", "不能为空"),
    "bad date": ({"任现职级时间": "2020-13-01"}, "任现职级时间", "日期"),
    "future date": ({"录用时间": "2999-01-01"}, "录用时间", "不能晚于今天"),
    "bad yes/no": ({"一把手": "可能"}, "一把手", "应为 是 或 否"),
    "bad local team": ({"地方党政班子": "省"}, "地方党政班子", "市、县"),
    "gender against the ID": ({"性别": "女"}, "性别", "不一致"),
    "birth date against the ID": ({"出生日期": "1991-03-08"}, "出生日期", "不一致"),
    "ID as Excel's scientific notation": ({"身份证号": "1.10105E+17"}, "身份证号", "科学计数法"),
    "ID as a number cell": ({"身份证号": 110105194912310020}, "身份证号", "存成了数字"),
    "script in the name": ({"姓名": "<script>alert(1)</script>"}, "姓名", "不能包含"),
    "SQL in the name": ({"姓名": "'; DROP TABLE cadres_cadre; --"}, "姓名", "不能包含"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_value_is_refused_with_its_row_and_column(world, case):
    # given
    values, column, words = BAD_ROWS[case]
    count = Cadre.objects.count()
    # when
    errors = errors_of(world.users["dc"], [cadre_row(), cadre_row(**values)])
    # then the error names row 3 and the column, and nothing was written
    assert where(errors) == [(3, column)], errors
    assert words in errors[0].message
    assert Cadre.objects.count() == count


def test_every_bad_row_is_listed_and_nothing_is_written(world):
    # given one good row and four bad ones
    rows = [cadre_row(), cadre_row(职级="处长"), cadre_row(单位编码="419902NYJ"), cadre_row(姓名=""),
            cadre_row(身份证号="110105194912310021", 性别="")]
    count, events = Cadre.objects.count(), AuditEvent.objects.count()
    # when
    errors = errors_of(world.users["dc"], rows)
    # then each bad row is reported, in order, not only the first
    assert where(errors) == [(3, "职级"), (4, "单位编码"), (5, "姓名"), (6, "身份证号")]
    # and the database is untouched
    assert Cadre.objects.count() == count and AuditEvent.objects.count() == events


def test_another_countys_org_and_cadre_are_out_of_scope_for_a_county_admin(world):
    # given the east district admin naming a west county unit and a west county cadre
    xc1 = world.cadres["xc1"]
    rows = [cadre_row(单位编码="419902NYJ"),
            cadre_row(人员编码="C-XC-1", 身份证号=xc1.id_number, 姓名="刘洋", 出生日期=xc1.birth_date)]
    # when
    errors = errors_of(world.users["dc"], rows)
    # then
    assert where(errors) == [(2, "单位编码"), (3, "人员编码")]
    assert "不在您的管理范围内" in errors[0].message and "不在您的管理范围内" in errors[1].message


def test_duplicates_inside_the_file_are_refused(world):
    # given the same 人员编码 twice and the same ID number under two new codes
    same_id = make_id_number(born=date(1990, 3, 8))
    rows = [cadre_row(人员编码="N-1"), cadre_row(人员编码="N-1"),
            cadre_row(人员编码="N-2", 身份证号=same_id), cadre_row(人员编码="N-3", 身份证号=same_id)]
    # when
    errors = errors_of(world.users["dc"], rows)
    # then
    assert where(errors) == [(3, "人员编码"), (5, "身份证号")]
    assert "与第 2 行重复" in errors[0].message and "与第 4 行的身份证号重复" in errors[1].message


def test_one_id_number_under_two_person_codes_is_refused(world):
    # given a new 人员编码 with the ID number C-DC-1 already has
    dc1 = world.cadres["dc1"]
    errors = errors_of(world.users["dc"], [cadre_row(人员编码="N-9", 身份证号=dc1.id_number, 出生日期=dc1.birth_date)])
    # then
    assert where(errors) == [(2, "身份证号")] and "已登记在另一名干部名下" in errors[0].message


def test_an_id_number_registered_outside_the_scope_does_not_name_its_cadre(world):
    other = world.cadres["other1"]
    errors = errors_of(world.users["dc"], [cadre_row(人员编码="N-9", 身份证号=other.id_number, 出生日期=other.birth_date)])
    assert errors[0].message == "该身份证号已登记在另一名干部名下"


def test_a_masked_id_is_accepted_only_for_the_cadre_it_masks(world):
    # given a masked number for a new cadre and C-DC-1 with C-DC-2's masked number
    dc1, dc2 = world.cadres["dc1"], world.cadres["dc2"]
    rows = [cadre_row(人员编码="N-1", 身份证号="4199**********0011"),
            cadre_row(人员编码="C-DC-1", 身份证号="4199**********9999", 姓名="王磊", 出生日期=dc1.birth_date)]
    # when
    errors = errors_of(world.users["dc"], rows)
    # then
    assert where(errors) == [(2, "身份证号"), (3, "身份证号")]
    assert "新增干部须填写完整" in errors[0].message and "不符" in errors[1].message
    assert dc2.id_number_masked != "4199**********9999"


def test_lowercase_x_and_full_width_digits_are_normalised(world):
    # given an ID ending in X typed in lower case
    id_number = next(i for s in range(200, 400) if (i := make_id_number(born=date(1985, 1, 1), seq=s)).endswith("X"))
    # when
    import_cadres(acting_user=world.users["dc"], table=table_of([cadre_row(身份证号=id_number.lower(), 出生日期="")]))
    # then
    assert Cadre.objects.get(name="孙明").id_number == id_number


def test_rare_characters_in_names_are_accepted(world):
    # when
    import_cadres(acting_user=world.users["dc"], table=table_of([cadre_row(姓名="刘龑"), cadre_row(姓名="𠮷野家")]))
    # then
    assert set(Cadre.objects.filter(name__in=["刘龑", "𠮷野家"]).values_list("name", flat=True)) == {"刘龑", "𠮷野家"}


def test_no_error_message_contains_a_full_id_number(world):
    # given ID numbers in every place a message could echo them
    dc1 = world.cadres["dc1"]
    good = make_id_number(born=date(1990, 3, 8))
    rows = [cadre_row(身份证号="110105194912310021"), cadre_row(人员编码="N-1", 身份证号=dc1.id_number),
            cadre_row(人员编码="N-2", 身份证号=good), cadre_row(人员编码="N-3", 身份证号=good),
            cadre_row(姓名=good), cadre_row(出生日期=good), cadre_row(职级=good), cadre_row(一把手=good),
            cadre_row(单位编码=good), cadre_row(人员编码=good + "X" * 20), cadre_row(干部类别=good),
            cadre_row(地方党政班子=good), cadre_row(性别=good)]
    # when
    with pytest.raises(ImportRejected) as exc:
        import_cadres(acting_user=world.users["dc"], table=table_of(rows))
    # then
    text = " ".join(str(e) for e in exc.value.errors) + exc.value.message
    assert len(exc.value.errors) >= len(rows) - 1
    assert not FULL_ID.search(text), text


def test_csv_with_bom_and_text_dates_imports(world):
    table = read_table(csv_bytes(COLUMNS, [cadre_row(出生日期="1990/3/8", 任现职级时间="2020年1月1日")]), "c.csv")
    assert import_cadres(acting_user=world.users["dc"], table=table).created == 1
    assert Cadre.objects.get(name="孙明").rank_since == date(2020, 1, 1)


def test_dry_run_reports_and_writes_nothing(world):
    # when
    report = import_cadres(acting_user=world.users["dc"], table=table_of([cadre_row()]), dry_run=True)
    # then
    assert report.dry_run and report.created == 1 and report.samples[0].action_label == "新增"
    assert not Cadre.objects.filter(name="孙明").exists()
    assert not AuditEvent.objects.filter(event_type="imported").exists()


def test_unit_hr_imports_into_their_own_unit(world):
    assert import_cadres(acting_user=world.users["dc_hr"], table=table_of([cadre_row()])).created == 1


@pytest.mark.parametrize("persona", ["leader", "cadre", "institution"])
def test_roles_that_cannot_edit_the_registry_cannot_import(world, persona):
    with pytest.raises(PermissionDenied):
        import_cadres(acting_user=world.users[persona], table=table_of([cadre_row()]))


def test_a_large_file_uses_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    # given 1,500 new cadres
    rows = [cadre_row(born=date(1970, 1, 1) + timedelta(days=i)) for i in range(1500)]
    table = table_of(rows)
    # when / then writes go in batches: far fewer queries than rows (SQLite caps a batch at 999 parameters)
    with django_assert_max_num_queries(150):
        report = import_cadres(acting_user=world.users["dc"], table=table)
    assert report.created == 1500
    assert AuditEvent.objects.filter(event_type="cadre_created").count() == 1500
