"""The data dictionary: built-in domains mirror the shared vocabularies and are locked; the others are kept by
organisation-department staff, each change audited, and the pickers offer only active entries."""

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, PermissionDenied
from ganxun.resources.dictionary_services import dictionary_entry_add, dictionary_entry_update
from ganxun.resources.models import BUILTIN_DOMAINS, USER_DOMAINS, DictionaryEntry
from ganxun.resources.selectors import dictionary_choices


@pytest.mark.parametrize("domain", sorted(BUILTIN_DOMAINS))
def test_builtin_entries_mirror_the_code_vocabularies(db, domain):
    # A new value in core.choices (or InstitutionKind) needs a data migration like resources/0003.
    enum = BUILTIN_DOMAINS[domain][1]
    rows = list(DictionaryEntry.objects.filter(domain=domain).order_by("order").values_list("code", "label", "builtin"))
    assert rows == [(v, label, True) for v, label in enum.choices]


def test_user_domains_ship_with_seed_words(db):
    for domain in USER_DOMAINS:
        assert DictionaryEntry.objects.filter(domain=domain, builtin=False).exists(), domain
    assert {"教授", "副教授", "讲师", "高级讲师"} <= set(
        DictionaryEntry.objects.filter(domain="teacher_title").values_list("label", flat=True))
    assert DictionaryEntry.objects.filter(domain="institution_tag", label="三学院三基地").exists()


def test_builtin_domains_are_locked(world):
    with pytest.raises(DomainError) as exc:
        dictionary_entry_update(acting_user=world.users["admin"], domain="teaching_method", code="lecture", label="讲课")
    assert exc.value.message == "系统内置，规则依据，不能修改"
    with pytest.raises(DomainError):
        dictionary_entry_add(acting_user=world.users["admin"], domain="content_category", label="其他")


def test_add_rename_and_deactivate_each_audited_and_pickers_follow(world):
    admin = world.users["city"]
    # when
    entry = dictionary_entry_add(acting_user=admin, domain="case_category", label="基层治理案例")
    dictionary_entry_update(acting_user=admin, domain="case_category", code=entry.code, label="基层社会治理案例")
    dictionary_entry_update(acting_user=admin, domain="case_category", code=entry.code, active=False)
    # then
    assert entry.code == "07"
    events = list(AuditEvent.objects.filter(event_type="dictionary_updated").order_by("id"))
    assert [e.extra.get("after") for e in events] == [
        {"code": "07", "label": "基层治理案例", "order": 70, "active": True}, {"label": "基层社会治理案例"},
        {"active": False}]
    assert "基层社会治理案例" not in dict(dictionary_choices("case_category")).values()


def test_a_duplicate_label_is_refused(world):
    with pytest.raises(DomainError) as exc:
        dictionary_entry_add(acting_user=world.users["city"], domain="teacher_title", label="教授")
    assert exc.value.message == "字典标签：「教授」已在职称中"


@pytest.mark.parametrize("persona", ["leader", "dc_hr", "institution", "cadre"])
def test_only_org_admins_maintain_the_dictionary(world, client, persona):
    with pytest.raises(PermissionDenied):
        dictionary_entry_add(acting_user=world.users[persona], domain="teacher_title", label="特级教师")
    client.force_login(world.users[persona])
    assert client.get("/resources/dictionary/").status_code == 404
    assert client.post("/api/v1/dictionary/teacher_title/", {"label": "特级教师"},
                       content_type="application/json").status_code == 403


def test_the_dictionary_page_shows_locked_and_editable_domains(world, client):
    client.force_login(world.users["city"])
    html = client.get("/resources/dictionary/?domain=teaching_method").content.decode()
    assert "系统内置，规则依据" in html and 'data-testid="dictionary-new"' not in html and "翻转课堂" in html
    html = client.get("/resources/dictionary/?domain=site_kind").content.decode()
    assert "革命传统教育" in html and 'data-testid="dictionary-new"' in html
    response = client.post("/resources/dictionary/site_kind/new/", {"label": "红色旅游", "active": "on"})
    assert response.status_code == 302 and DictionaryEntry.objects.filter(domain="site_kind", label="红色旅游").exists()
    assert client.get("/resources/dictionary/teaching_method/lecture/edit/").status_code == 404
    menu = client.get("/resources/dictionary/").content.decode()
    assert "数据字典" in menu


def test_a_deactivated_title_stays_on_the_teacher_who_has_it(world, institutions):
    from ganxun.resources.teacher_services import teacher_create, teacher_update

    admin = world.users["city"]
    teacher_create(acting_user=admin, values={"code": "JS1", "name": "王明", "kind": "expert",
                                              "institution_code": "DX4199", "title": "助教"})
    code = DictionaryEntry.objects.get(domain="teacher_title", label="助教").code
    dictionary_entry_update(acting_user=admin, domain="teacher_title", code=code, active=False)
    teacher_update(acting_user=admin, code="JS1", values={"title": code, "subjects": "党史"})
    with pytest.raises(DomainError):
        teacher_create(acting_user=admin, values={"code": "JS2", "name": "李华", "kind": "expert",
                                                  "institution_code": "DX4199", "title": "助教"})
