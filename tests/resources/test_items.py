"""教材, 案例, 现场教学点: one model each, the category from the dictionary, within the scope, audited."""

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError
from ganxun.resources.item_services import item_create, item_update
from ganxun.resources.kinds import ITEM_KINDS

SITES = ITEM_KINDS["sites"]


def test_a_field_site_with_its_own_fields_and_category(world, institutions):
    site = item_create(acting_user=world.users["city"], kind=SITES, values={
        "code": "XC01", "name": "焦裕禄纪念园", "category": "革命传统教育", "institution_code": "DX4199",
        "address": "兰考县", "capacity": "200", "is_party_spirit_base": True})
    assert site.capacity == 200 and site.is_party_spirit_base and site.category.label == "革命传统教育"
    event = AuditEvent.objects.get(event_type="resource_created")
    assert event.subject_type == "resource" and event.extra["kind"] == "sites"
    item_update(acting_user=world.users["city"], kind=SITES, code="XC01", reason="扩建", values={
        "name": "焦裕禄纪念园", "category": "革命传统教育", "institution_code": "DX4199", "address": "兰考县",
        "capacity": "300", "is_party_spirit_base": True})
    assert AuditEvent.objects.get(event_type="resource_updated").extra["after"] == {"capacity": 300}


@pytest.mark.parametrize("key, values, field", [
    ("materials", {"year": "19"}, "year"), ("cases", {"category": "不存在的类别"}, "category"),
    ("sites", {"capacity": "很多"}, "capacity")])
def test_bad_values_name_the_field(world, institutions, key, values, field):
    with pytest.raises(DomainError) as exc:
        item_create(acting_user=world.users["city"], kind=ITEM_KINDS[key],
                    values={"code": "X1", "name": "某", "institution_code": "DX4199", **values})
    assert field in exc.value.extra["fields"]
    assert not ITEM_KINDS[key].model.objects.exists()


def test_the_pages_create_and_show_a_case(client, world, institutions):
    client.force_login(world.users["institution"])
    response = client.post("/resources/cases/new/", {"code": "AL01", "name": "红旗渠精神", "category": "01",
                                                     "source": "林州市", "year": "2023"})
    assert response.status_code == 302
    html = client.get("/resources/cases/AL01/").content.decode()
    assert "红旗渠精神" in html and "党性教育案例" in html and "中共示例市委党校" in html
    assert "红旗渠精神" in client.get("/resources/cases/").content.decode()
    assert client.get("/resources/nothing/").status_code == 404
