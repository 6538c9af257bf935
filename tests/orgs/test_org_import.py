"""Importing the org tree: validate everything, then all rows or none, each change audited."""

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import ImportRejected, PermissionDenied
from ganxun.core.tabular import read_table
from ganxun.orgs.columns import COLUMNS
from ganxun.orgs.exporters import export_orgs
from ganxun.orgs.importers import import_orgs
from ganxun.orgs.models import Org
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.core.test_tabular import csv_bytes, xlsx_bytes


def table_of(rows, headers=COLUMNS, name="orgs.xlsx"):
    return read_table(xlsx_bytes(headers, rows), name)


def parent_code(code: str) -> str:
    org = Org.objects.get(code=code)
    parent = Org.objects.get_parent(org)
    return parent.code if parent else ""


def errors_of(acting_user, rows, **kwargs) -> list:
    with pytest.raises(ImportRejected) as exc:
        import_orgs(acting_user=acting_user, table=table_of(rows, **kwargs))
    return exc.value.errors


NEW_DISTRICT = [
    # a child listed before its parent: the file order does not matter
    ["419903CZJ", "南城区财政局", "419903", "机关", "县"],
    ["419903", "南城区", "4199", "地区", "县"],
    ["419903ZZB", "南城区委组织部", "419903", "组织部", "县"],
]


def test_city_admin_imports_a_new_district_with_its_units(world):
    # given
    before = AuditEvent.objects.count()
    # when
    report = import_orgs(acting_user=world.users["city"], table=table_of(NEW_DISTRICT))
    # then the district and its units are in the tree, parents before children
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert parent_code("419903") == "4199" and parent_code("419903CZJ") == "419903"
    assert Org.objects.get(code="419903CZJ").get_org_type_display() == "机关"
    # and each creation is audited, plus one summary
    created = AuditEvent.objects.filter(event_type="org_created").order_by("id")
    assert {e.subject_code for e in created} == {"419903", "419903CZJ", "419903ZZB"}
    assert created.get(subject_code="419903CZJ").extra["after"]["parent"] == "419903"
    summary = AuditEvent.objects.get(event_type="imported", subject_type="orgs")
    assert summary.extra["created"] == 3 and summary.actor == world.users["city"]
    assert AuditEvent.objects.count() == before + 4


def test_reimporting_the_same_file_changes_nothing(world):
    # given a file already imported
    import_orgs(acting_user=world.users["city"], table=table_of(NEW_DISTRICT))
    events, orgs = AuditEvent.objects.count(), list(Org.objects.values_list("code", "path", "updated_at"))
    # when it is imported again
    report = import_orgs(acting_user=world.users["city"], table=table_of(NEW_DISTRICT))
    # then no data changes; only the import itself is audited
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").event_type == "imported"
    assert list(Org.objects.values_list("code", "path", "updated_at")) == orgs


def test_reimporting_our_own_export_changes_nothing(world):
    # given the city admin's export of their tree
    content, count = export_orgs(acting_user=world.users["city"])
    events = AuditEvent.objects.count()
    # when it is imported back
    report = import_orgs(acting_user=world.users["city"], table=read_table(content, "组织机构.xlsx"))
    # then
    assert report.unchanged == count and report.created == report.updated == 0
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("id").event_type == "imported"


def test_a_rename_and_a_move_are_audited_with_before_and_after(world):
    # given the county finance bureau renamed and moved to the other county
    rows = [["419901CZJ", "东城区财政局（国资局）", "419902", "机关", "县"]]
    # when
    report = import_orgs(acting_user=world.users["city"], table=table_of(rows))
    # then
    assert report.updated == 1
    assert parent_code("419901CZJ") == "419902"
    assert Org.objects.get(code="419901CZJ").name == "东城区财政局（国资局）"
    updated = AuditEvent.objects.get(event_type="org_updated", subject_code="419901CZJ")
    assert updated.extra == {"before": {"name": "东城区财政局"}, "after": {"name": "东城区财政局（国资局）"}}
    moved = AuditEvent.objects.get(event_type="org_moved", subject_code="419901CZJ")
    assert moved.extra == {"before": {"parent": "419901"}, "after": {"parent": "419902"}}
    # and the cadres moved along with their unit
    assert Org.objects.get(code="419901CZJ").cadres.count() == 2


def test_a_unit_can_swap_places_with_the_region_above_it(world):
    # given: move the bureau up to the city, then put its former region under it
    rows = [["419901", "东城区", "419901CZJ", "地区", "县"], ["419901CZJ", "东城区财政局", "4199", "机关", "县"]]
    # when
    import_orgs(acting_user=world.users["city"], table=table_of(rows))
    # then
    assert parent_code("419901CZJ") == "4199" and parent_code("419901") == "419901CZJ"
    assert parent_code("419901ZZB") == "419901"
    assert all(not problem for problem in Org.objects.find_problems())


def test_one_bad_row_writes_nothing_and_every_bad_row_is_listed(world):
    # given a file with two good rows and three bad ones
    rows = NEW_DISTRICT[1:] + [
        ["419904", "北城区", "4199", "地区", "区县"],        # unknown level label
        ["419905", "", "4199", "地区", "县"],               # no name
        ["419903", "南城区（重复）", "4199", "地区", "县"],   # key repeated in the file
    ]
    count = Org.objects.count()
    # when
    errors = errors_of(world.users["city"], rows)
    # then every bad row is reported with its column
    assert [(e.row, e.column) for e in errors] == [(4, "级别"), (5, "单位名称"), (6, "单位编码")]
    assert "省、市、县、乡" in errors[0].message
    assert "与第 2 行重复" in errors[2].message
    # and nothing was written
    assert Org.objects.count() == count
    assert not AuditEvent.objects.filter(event_type__in=["org_created", "imported"]).exists()


def test_another_countys_org_is_out_of_scope_for_a_county_admin(world):
    # given the east district admin naming the west county's bureau, and a new unit under that county
    rows = [["419902NYJ", "西城县农业农村局", "419902", "机关", "县"],
            ["419902XYZ", "西城县新单位", "419902", "机关", "县"]]
    # when
    errors = errors_of(world.users["dc"], rows)
    # then both rows are refused without saying whether the other county's orgs exist
    assert errors[0].column == "单位编码" and "不在您的管理范围内" in errors[0].message
    assert errors[1].column == "上级编码" and errors[1].message == "上级编码 419902 不存在或不在您的管理范围内"
    assert Org.objects.get(code="419902NYJ").name == "西城县农业农村局"


def test_an_unknown_parent_is_refused(world):
    errors = errors_of(world.users["city"], [["419909", "某区", "NOPE", "地区", "县"]])
    assert errors[0].column == "上级编码" and "NOPE" in errors[0].message


def test_a_cycle_is_refused(world):
    # given the district put under its own bureau, and the bureau left where it is
    errors = errors_of(world.users["city"], [["419901", "东城区", "419901CZJ", "地区", "县"],
                                             ["419901CZJ", "东城区财政局", "419901", "机关", "县"]])
    # then
    assert errors and all(e.column == "上级编码" and "循环" in e.message for e in errors)


def test_a_level_above_the_parent_is_refused(world):
    errors = errors_of(world.users["city"], [["419901XX", "东城区某局", "419901", "机关", "市"]])
    assert errors[0].column == "级别" and "高于上级单位「东城区」" in errors[0].message


def test_only_a_superuser_adds_a_root(world):
    # given a new province-level root
    rows = [["42", "湖北省", "", "地区", "省"]]
    # then an org admin is refused
    errors = errors_of(world.users["province"], rows)
    assert errors[0].column == "上级编码"
    # and a superuser (or the operator at the command line) may add it
    import_orgs(acting_user=world.users["admin"], table=table_of(rows))
    assert Org.objects.get(code="42").depth == 1
    import_orgs(acting_user=UNSCOPED_OPERATOR, table=table_of([["43", "湖南省", "", "地区", "省"]]))
    assert Org.objects.get(code="43").depth == 1


def test_a_scope_root_cannot_be_moved_by_its_admin(world):
    errors = errors_of(world.users["dc"], [["419901", "东城区", "419901CZJ", "地区", "县"]])
    assert [e.column for e in errors] == ["上级编码"] and "根节点" in errors[0].message


@pytest.mark.parametrize("persona", ["leader", "dc_hr", "cadre", "institution"])
def test_roles_that_do_not_manage_orgs_cannot_import_them(world, persona):
    with pytest.raises(PermissionDenied):
        import_orgs(acting_user=world.users[persona], table=table_of(NEW_DISTRICT))


def test_dry_run_reports_and_writes_nothing(world):
    # when
    report = import_orgs(acting_user=world.users["city"], table=table_of(NEW_DISTRICT), dry_run=True)
    # then
    assert report.dry_run and report.created == 3
    assert [s.key for s in report.samples] == ["419903CZJ", "419903", "419903ZZB"]
    assert not Org.objects.filter(code="419903").exists()
    assert not AuditEvent.objects.filter(event_type="imported").exists()


def test_a_script_tag_in_a_name_is_kept_as_plain_text(world):
    import_orgs(acting_user=world.users["city"], table=table_of([["419907", "<script>alert(1)</script>", "4199", "地区", "县"]]))
    assert Org.objects.get(code="419907").name == "<script>alert(1)</script>"


def test_unknown_columns_are_refused_not_dropped(world):
    errors = errors_of(world.users["city"], [NEW_DISTRICT[1] + ["备注"]], headers=COLUMNS + ["备注"])
    assert [(e.row, e.column) for e in errors] == [(0, "备注")]


def test_a_csv_with_bom_imports_like_a_workbook(world):
    table = read_table(csv_bytes(COLUMNS, NEW_DISTRICT), "orgs.csv")
    assert import_orgs(acting_user=world.users["city"], table=table).created == 3
