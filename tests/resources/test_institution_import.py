"""Importing institutions: every bad row named, all rows or none, idempotent, audited, scoped."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import ImportRejected, PermissionDenied
from ganxun.core.tabular import read_table
from ganxun.resources.columns import COLUMNS, REQUIRED_COLUMNS
from ganxun.resources.exporters import export_institutions
from ganxun.resources.importers import import_institutions
from ganxun.resources.models import Institution
from tests.cadres.test_import_cli import run
from tests.core.test_tabular import csv_bytes, xlsx_bytes


def row(**values) -> list:
    """One row in template order; keyword names are the Chinese column names."""
    data = {"机构编码": "BM419901CZ", "机构名称": "东城区财政干部培训中心", "类型": "部门培训机构", "级别": "县",
            "认可": "是", "所属单位编码": "419901CZJ", "三学院三基地": "否"}
    data.update(values)
    return [data.get(c, "") for c in COLUMNS]


def table_of(rows, headers=COLUMNS, name="机构.xlsx"):
    return read_table(xlsx_bytes(headers, rows), name)


def errors_of(acting_user, rows, **kwargs) -> list:
    with pytest.raises(ImportRejected) as exc:
        import_institutions(acting_user=acting_user, table=table_of(rows, **kwargs))
    return exc.value.errors


def where(errors) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in errors]


def test_county_admin_imports_new_institutions_audited(world):
    # given two new institutions of 东城区
    rows = [row(), row(机构编码="JD419901", 机构名称="东城区红色教育基地", 类型="党性教育基地", 认可="N",
                    所属单位编码="419901ZZB", 三学院三基地="")]
    # when
    report = import_institutions(acting_user=world.users["dc"], table=table_of(rows))
    # then
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    base = Institution.objects.get(code="JD419901")
    assert base.kind == "party_spirit_base" and base.level == "county" and not base.recognised
    assert base.owner_org == world.orgs["dc_dept"] and not base.is_flagship
    created = AuditEvent.objects.filter(event_type="institution_created")
    assert {e.subject_code for e in created} == {"BM419901CZ", "JD419901"}
    assert all(e.reason == "批量导入" and e.actor == world.users["dc"] for e in created)
    summary = AuditEvent.objects.get(event_type="imported", subject_type="institutions")
    assert summary.extra["created"] == 2 and summary.extra["source"] == "机构.xlsx"


def test_every_bad_row_is_named_and_nothing_is_written(world, institutions):
    # given one good row among rows that are each wrong in one way
    rows = [
        row(),                                                     # 2: good
        row(机构编码="A1", 类型="培训学校"),                           # 3: unknown kind label
        row(机构编码="A2", 所属单位编码="NOPE"),                        # 4: unknown owner org
        row(机构编码="A3", 所属单位编码="419902ZZB"),                   # 5: another county's org
        row(机构编码="A4", 认可="也许"),                               # 6: bad 认可
        row(机构编码="A2", 所属单位编码="419901ZZB"),                   # 7: duplicate code in the file
        row(机构编码="A5", 级别="市"),                                 # 8: level above the owner (a county bureau)
        row(机构编码="", 机构名称=""),                                 # 9: no code, no name
        row(机构编码="DX4198"),                                       # 10: another city's institution
        row(机构编码="A6", 级别="区"),                                 # 11: unknown level
    ]
    count, events = Institution.objects.count(), AuditEvent.objects.count()
    # when
    errors = errors_of(world.users["dc"], rows)
    # then every bad row is listed, with its column, and nothing is written
    assert where(errors) == [(3, "类型"), (4, "所属单位编码"), (5, "所属单位编码"), (6, "认可"), (7, "机构编码"),
                             (8, "级别"), (9, "机构编码"), (9, "机构名称"), (10, "机构编码"), (11, "级别")]
    text = {e.row: e.message for e in errors}
    assert "“培训学校”不在可选范围内" in text[3] and "党校" in text[3]
    assert "NOPE 不存在或不在您的管理范围内" in text[4]
    assert "419902ZZB 不存在或不在您的管理范围内" in text[5]
    assert "应为 是 或 否" in text[6]
    assert "与第 4 行重复" in text[7]
    assert "高于所属单位「东城区财政局」" in text[8]
    assert "DX4198 不在您的管理范围内" in text[10]
    assert Institution.objects.count() == count and AuditEvent.objects.count() == events


def test_reimporting_the_same_file_changes_nothing_but_is_audited(world):
    rows = [row(), row(机构编码="JD419901", 机构名称="东城区红色教育基地", 类型="党性教育基地", 所属单位编码="419901ZZB")]
    import_institutions(acting_user=world.users["dc"], table=table_of(rows))
    state = list(Institution.objects.values_list("code", "updated_at"))
    events = AuditEvent.objects.count()
    # when
    report = import_institutions(acting_user=world.users["dc"], table=table_of(rows))
    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert list(Institution.objects.values_list("code", "updated_at")) == state
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.order_by("-id").first().event_type == "imported"


def test_a_changed_row_updates_with_an_audited_diff(world, institutions):
    rows = [row(机构编码="DX419901", 机构名称="中共东城区委党校", 类型="党校", 级别="县", 认可="否",
                所属单位编码="419901ZZB", 三学院三基地="否")]
    report = import_institutions(acting_user=world.users["dc"], table=table_of(rows))
    assert (report.created, report.updated) == (0, 1) and report.samples[0].changes == ["认可"]
    assert not Institution.objects.get(code="DX419901").recognised
    event = AuditEvent.objects.get(event_type="institution_updated")
    assert event.extra == {"before": {"recognised": True}, "after": {"recognised": False}}


def test_dry_run_reports_and_writes_nothing(world):
    report = import_institutions(acting_user=world.users["dc"], table=table_of([row()]), dry_run=True)
    assert report.created == 1 and report.dry_run and "试运行" in report.summary()
    assert not Institution.objects.exists() and not AuditEvent.objects.exists()


def test_without_the_flagship_column_the_stored_flag_is_kept(world, institutions):
    headers = REQUIRED_COLUMNS
    rows = [["XY4101", "焦裕禄干部学院", "干部学院", "省", "是", "41ZZB"]]
    report = import_institutions(acting_user=world.users["province"], table=table_of(rows, headers=headers))
    assert report.unchanged == 1 and Institution.objects.get(code="XY4101").is_flagship


def test_missing_and_unknown_columns_are_refused(world):
    headers = ["机构编码", "机构名称", "类型", "级别", "所属单位编码", "备注"]
    errors = errors_of(world.users["dc"], [["X", "Y", "党校", "县", "419901ZZB", ""]], headers=headers)
    assert {(e.column, e.message.split("（")[0]) for e in errors} == {("备注", "无法识别的列"), ("认可", "缺少必需的列")}


@pytest.mark.parametrize("persona", ["dc_hr", "leader", "cadre", "institution"])
def test_roles_that_only_read_cannot_import(world, persona):
    with pytest.raises(PermissionDenied):
        import_institutions(acting_user=world.users[persona], table=table_of([row()]))


def test_an_owner_is_required_except_at_the_command_line(world, tmp_path):
    errors = errors_of(world.users["city"], [row(所属单位编码="", 级别="市")])
    assert where(errors) == [(2, "所属单位编码")] and "不能为空" in errors[0].message
    path = tmp_path / "机构.csv"
    path.write_bytes(csv_bytes(COLUMNS, [row(所属单位编码="", 级别="市", 机构编码="SH002", 机构名称="某培训公司",
                                             类型="社会培训机构", 认可="否")]))
    code, out, err = run("import", "institutions", str(path))
    assert code == 0, err
    assert "新增 1 条" in out and Institution.objects.get(code="SH002").owner_org is None


def test_the_user_s_own_export_comes_back_unchanged_including_what_they_may_only_read(world, institutions):
    # given the city admin's export: their city's institutions and the province's they may read
    content, count = export_institutions(acting_user=world.users["city"])
    assert count == 7
    events = AuditEvent.objects.count()
    # when they import it back
    report = import_institutions(acting_user=world.users["city"], table=read_table(content, "培训机构.xlsx"))
    # then nothing changes
    assert (report.created, report.updated, report.unchanged) == (0, 0, 7)
    assert AuditEvent.objects.count() == events + 1


def test_changing_an_institution_above_the_scope_is_refused(world, institutions):
    errors = errors_of(world.users["city"], [row(机构编码="DX41", 机构名称="中共河南省委党校（改）", 类型="党校", 级别="省",
                                                所属单位编码="41ZZB")])
    assert where(errors) == [(2, "机构编码")] and "只能查看" in errors[0].message


def test_the_operator_exports_and_reimports_everything_unchanged(world, institutions, tmp_path):
    for suffix in (".xlsx", ".csv"):
        path = tmp_path / f"institutions{suffix}"
        code, out, err = run("export", "institutions", str(path))
        assert code == 0 and "已导出培训机构 8 条" in out
        code, out, err = run("import", "institutions", str(path))
        assert code == 0, err
        assert "8 条无变化" in out
    csv_text = (tmp_path / "institutions.csv").read_bytes().decode("utf-8")
    assert csv_text.startswith("\ufeff" + ",".join(COLUMNS))
    assert "XY4101,焦裕禄干部学院,干部学院,省,是,41ZZB,是" in csv_text


def test_a_bad_file_at_the_command_line_exits_2_naming_row_and_column(world, tmp_path):
    path = tmp_path / "机构.xlsx"
    path.write_bytes(xlsx_bytes(COLUMNS, [row(所属单位编码="4198ZZB", 级别="市"), row(机构编码="B2", 类型="学校")]))
    code, out, err = run("import", "institutions", str(path))
    assert code == 2 and f"{path}: 第 3 行「类型」" in err
    assert not Institution.objects.exists()


def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, institutions):
    import openpyxl

    Institution.objects.filter(code="DX4199").update(name="=HYPERLINK(\"x\")")
    content, _ = export_institutions(acting_user=world.users["institution"])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == "=HYPERLINK(\"x\")" and sheet["B2"].data_type == "s"


# --- the 数据导入 page ---------------------------------------------------------------------------

@pytest.fixture
def uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_the_import_page_offers_institutions_to_org_admins_only(client, world, uploads):
    client.force_login(world.users["city"])
    html = client.get("/import/?kind=institutions").content.decode()
    assert 'data-testid="kind-institutions"' in html and "所属单位编码" in html
    template = client.get("/import/template/institutions.xlsx")
    table = read_table(template.content, "t.xlsx")
    assert table.headers == COLUMNS and table.rows[0].get("所属单位编码") == "4199ZZB"
    # and the template's example row imports as it is
    assert import_institutions(acting_user=world.users["city"], table=table, dry_run=True).created == 1
    client.force_login(world.users["dc_hr"])
    assert 'data-testid="kind-institutions"' not in client.get("/import/").content.decode()
    assert client.get("/import/?kind=institutions").status_code == 404


def test_the_import_page_previews_then_confirms_once(client, world, uploads):
    client.force_login(world.users["dc"])
    upload = SimpleUploadedFile("机构.xlsx", xlsx_bytes(COLUMNS, [row()]))
    preview = client.post("/import/", {"kind": "institutions", "action": "preview", "file": upload})
    html = preview.content.decode()
    assert preview.status_code == 200 and "机构名称" in html and "东城区财政干部培训中心" in html
    assert not Institution.objects.exists()
    token = preview.context["token"]
    first = client.post("/import/", {"kind": "institutions", "action": "confirm", "token": token})
    second = client.post("/import/", {"kind": "institutions", "action": "confirm", "token": token})
    assert first.status_code == second.status_code == 302
    assert Institution.objects.filter(code="BM419901CZ").count() == 1
    assert AuditEvent.objects.filter(event_type="imported", subject_type="institutions").count() == 1
    result = client.get(first["Location"]).content.decode()
    assert "查看培训机构" in result
