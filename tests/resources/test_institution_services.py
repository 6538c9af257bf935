"""institution_create / institution_update and the scope predicate behind them."""

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.orgs.selectors import scope_of
from ganxun.resources.models import Institution
from ganxun.resources.selectors import (access_institution, can_edit_institution, institutions_visible_to)
from ganxun.resources.services import OWNER_REQUIRED, READ_ONLY, institution_create, institution_update
from tests.resources.conftest import ALL, EDITABLE, VISIBLE

NEW = {"code": "BM419901CZ", "name": "东城区财政干部培训中心", "kind": "sector_institution", "level": "county",
       "owner_org_code": "419901CZJ", "recognised": True}


def test_county_admin_creates_an_institution_with_its_audit_row(world):
    # when
    made = institution_create(acting_user=world.users["dc"], **NEW)
    # then
    assert made.owner_org == world.orgs["dc_fin"] and made.recognised and not made.is_flagship
    event = AuditEvent.objects.get(event_type="institution_created")
    assert event.subject_type == "institution" and event.subject_code == "BM419901CZ"
    assert event.actor == world.users["dc"] and event.actor_scope == "419901ZZB"
    assert event.extra["after"] == {"name": "东城区财政干部培训中心", "kind": "sector_institution", "level": "county",
                                    "recognised": True, "is_flagship": False, "owner_org": "419901CZJ",
                                    "capacity": None, "contact_person": "", "contact_phone": "", "address": "",
                                    "tags": "", "description": ""}


def test_owner_in_another_county_is_not_found_and_nothing_is_written(world):
    with pytest.raises(DomainError) as exc:
        institution_create(acting_user=world.users["dc"], **{**NEW, "owner_org_code": "419902NYJ"})
    assert exc.value.code == "owner_not_found" and "419902NYJ" in exc.value.message
    assert not Institution.objects.exists() and not AuditEvent.objects.exists()


def test_only_a_superuser_registers_an_institution_without_owner(world):
    with pytest.raises(DomainError) as exc:
        institution_create(acting_user=world.users["province"], **{**NEW, "owner_org_code": "", "level": "city"})
    assert exc.value.message == OWNER_REQUIRED
    made = institution_create(acting_user=world.users["admin"], **{**NEW, "owner_org_code": ""})
    assert made.owner_org is None


@pytest.mark.parametrize("persona", ["dc_hr", "leader", "cadre", "institution"])
def test_roles_that_only_read_cannot_create(world, persona):
    with pytest.raises(PermissionDenied):
        institution_create(acting_user=world.users[persona], **NEW)
    assert not Institution.objects.exists()


def test_bad_values_are_all_named_by_field(world):
    with pytest.raises(DomainError) as exc:
        institution_create(acting_user=world.users["dc"], code="A B", name="", kind="school", level="moon",
                           owner_org_code="419901CZJ")
    assert set(exc.value.extra["fields"]) == {"code", "name", "kind", "level"}
    assert "党校" in exc.value.extra["fields"]["kind"]


def test_a_level_above_the_owner_is_refused(world):
    with pytest.raises(DomainError) as exc:
        institution_create(acting_user=world.users["city"], **{**NEW, "level": "province"})
    assert "高于所属单位「东城区财政局」" in exc.value.message


def test_a_taken_code_is_refused_even_when_the_other_one_is_out_of_sight(world, institutions):
    with pytest.raises(DomainError) as exc:
        institution_create(acting_user=world.users["dc"], **{**NEW, "code": "DX4198"})
    assert "DX4198 已存在" in exc.value.message


def test_update_records_before_and_after_with_the_reason(world, institutions):
    # when the county admin withdraws recognition from their party school
    institution_update(acting_user=world.users["dc"], code="DX419901", name="中共东城区委党校（东城区行政学校）",
                       kind="party_school", level="county", owner_org_code="419901ZZB", recognised=False,
                       reason="年度复核")
    # then
    school = Institution.objects.get(code="DX419901")
    assert not school.recognised and school.name.endswith("（东城区行政学校）")
    event = AuditEvent.objects.get(event_type="institution_updated")
    assert event.extra == {"before": {"name": "中共东城区委党校", "recognised": True},
                           "after": {"name": "中共东城区委党校（东城区行政学校）", "recognised": False}}
    assert event.reason == "年度复核"


def test_update_that_changes_nothing_writes_nothing(world, institutions):
    before = Institution.objects.get(code="DX419901").updated_at
    institution_update(acting_user=world.users["dc"], code="DX419901", name="中共东城区委党校", kind="party_school",
                       level="county", owner_org_code="419901ZZB", recognised=True)
    assert not AuditEvent.objects.exists()
    assert Institution.objects.get(code="DX419901").updated_at == before


def test_update_of_an_institution_above_the_scope_is_refused(world, institutions):
    # the city admin can read the province's party school, not change it
    with pytest.raises(PermissionDenied) as exc:
        institution_update(acting_user=world.users["city"], code="DX41", name="改名", kind="party_school",
                           level="province", owner_org_code="4199ZZB", recognised=True)
    assert exc.value.message == READ_ONLY
    assert Institution.objects.get(code="DX41").name == "中共河南省委党校"


def test_update_by_other_city_is_not_found(world, institutions):
    with pytest.raises(NotFound):
        institution_update(acting_user=world.users["other"], code="DX4199", name="改名", kind="party_school",
                           level="city", owner_org_code="4198ZZB", recognised=True)


def test_moving_an_institution_out_of_the_scope_is_refused(world, institutions):
    with pytest.raises(DomainError) as exc:
        institution_update(acting_user=world.users["city"], code="DX419902", name="中共西城县委党校",
                           kind="party_school", level="county", owner_org_code="4198ZZB", recognised=True)
    assert exc.value.code == "owner_not_found"
    assert Institution.objects.get(code="DX419902").owner_org.code == "419902ZZB"


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_the_list_the_single_fetch_and_the_write_check_agree(world, institutions, persona):
    user = world.users[persona]
    listed = set(institutions_visible_to(user).values_list("code", flat=True))
    assert listed == VISIBLE[persona]
    for code in sorted(ALL):
        if code in listed:
            institution = access_institution(user, code)
            assert can_edit_institution(user, institution) == (code in EDITABLE[persona]), (persona, code)
        else:
            with pytest.raises(NotFound):
                access_institution(user, code)
    assert EDITABLE[persona] <= listed


def test_an_inactive_user_sees_nothing(world, institutions):
    user = world.users["city"]
    user.is_active = False
    assert not institutions_visible_to(user).exists() and scope_of(user).is_empty


def test_a_township_user_sees_the_county_and_city_schools_but_not_a_sibling_township(world, institutions):
    from ganxun.accounts.models import User
    from tests.factories import add_institution, add_org

    # given two townships under 东城区, each with a school, and an admin of the first
    town_a = add_org(world.orgs["dc"], "41990101", "甲镇", "township", "township")
    town_b = add_org(world.orgs["dc"], "41990102", "乙镇", "township", "township")
    add_institution("XX41990101", "甲镇党校", "party_school", level="township", owner=town_a)
    add_institution("XX41990102", "乙镇党校", "party_school", level="township", owner=town_b)
    user = User.objects.create(username="town_admin", role="org_admin", scope_org=town_a)
    # then
    visible = set(institutions_visible_to(user).values_list("code", flat=True))
    assert visible == {"XX41990101", "DX419901", "DX4199", "BM4199JY", "DX41", "XY4101", "SH001"}
