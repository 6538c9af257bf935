"""Institutions in full: capacity, contacts, address, free tags (三学院三基地 is the flag) and a description."""

import pytest

from ganxun.core.errors import ImportRejected
from ganxun.core.tabular import read_table
from ganxun.resources.columns import COLUMNS, REQUIRED_COLUMNS
from ganxun.resources.exporters import export_institutions
from ganxun.resources.importers import import_institutions
from ganxun.resources.models import Institution
from ganxun.resources.services import institution_create, institution_update
from tests.core.test_tabular import xlsx_bytes


def test_details_and_tags_are_kept_and_the_flagship_tag_is_the_flag(world):
    made = institution_create(acting_user=world.users["dc"], code="JD01", name="东城区党性教育基地",
                              kind="party_spirit_base", level="county", owner_org_code="419901ZZB",
                              details={"capacity": "150", "contact_person": "张老师", "tags": "三学院三基地、现场教学基地",
                                       "address": "东城区人民路 1 号"})
    assert made.is_flagship and made.tags == "现场教学基地" and made.capacity == 150
    assert made.tag_list == ["三学院三基地", "现场教学基地"]
    # an update that leaves the details out keeps them
    institution_update(acting_user=world.users["dc"], code="JD01", name="东城区党性教育基地", kind="party_spirit_base",
                       level="county", owner_org_code="419901ZZB", is_flagship=True)
    assert Institution.objects.get(code="JD01").contact_person == "张老师"


def test_the_interface_columns_alone_still_import_and_extra_columns_are_optional(world):
    admin = world.users["dc"]
    row = ["JD02", "东城区教学点", "党性教育基地", "县", "是", "419901ZZB"]
    assert import_institutions(acting_user=admin, table=read_table(xlsx_bytes(REQUIRED_COLUMNS, [row]), "a.xlsx")).created == 1
    headers = [*REQUIRED_COLUMNS, "容纳人数", "标签"]
    table = read_table(xlsx_bytes(headers, [row + [80, "省级党性教育基地"]]), "b.xlsx")
    assert import_institutions(acting_user=admin, table=table).updated == 1
    inst = Institution.objects.get(code="JD02")
    assert inst.capacity == 80 and inst.tags == "省级党性教育基地"
    bad = read_table(xlsx_bytes(headers, [row + ["很多", ""]]), "c.xlsx")
    with pytest.raises(ImportRejected) as exc:
        import_institutions(acting_user=admin, table=bad)
    assert exc.value.errors[0].column == "容纳人数" and "整数" in exc.value.errors[0].message
    # the export carries every column and re-imports unchanged
    content, _ = export_institutions(acting_user=admin)
    exported = read_table(content, "x.xlsx")
    assert exported.headers == COLUMNS
    assert import_institutions(acting_user=admin, table=exported).updated == 0


def test_the_list_filters_by_tag_and_the_api_shows_the_details(client, world):
    institution_create(acting_user=world.users["dc"], code="JD03", name="东城区现场教学点", kind="party_spirit_base",
                       level="county", owner_org_code="419901ZZB", details={"tags": "现场教学基地", "capacity": 60})
    institution_create(acting_user=world.users["dc"], code="JD04", name="东城区其他", kind="party_school",
                       level="county", owner_org_code="419901ZZB")
    client.force_login(world.users["dc"])
    page = client.get("/resources/institutions/?tag=现场教学基地")
    assert [r["institution"].code for r in page.context["rows"]] == ["JD03"]
    body = client.get("/api/v1/institutions/JD03").json()
    assert body["capacity"] == 60 and body["tags"] == ["现场教学基地"]
    html = client.get("/resources/institutions/JD03/").content.decode()
    assert "容纳人数" in html and 'data-testid="institution-libraries"' in html
