from datetime import date

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.cadres.models import Cadre
from ganxun.cadres.services import cadre_create, cadre_reveal_id_number, cadre_update
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from tests.factories import make_id_number

VALUES = {"name": "孙丽", "rank": "clerk_1", "category": "civil_servant", "ethnicity": "汉族",
          "political_status": "中共党员"}


def test_county_admin_registers_a_cadre_with_audit_and_default_authority(world):
    # given
    id_number = make_id_number(female=True, born=date(1995, 3, 2))
    # when
    cadre = cadre_create(acting_user=world.users["dc"], org_code="419901CZJ",
                         values={**VALUES, "id_number": id_number})
    # then
    assert cadre.tier == "staff"
    assert cadre.gender == "female" and cadre.birth_date == date(1995, 3, 2)
    assert cadre.managing_department.code == "419901ZZB"
    event = AuditEvent.objects.get(event_type="cadre_created", subject_code=cadre.person_code)
    assert event.actor == world.users["dc"]
    assert id_number not in str(event.extra)
    assert cadre.person_code.startswith("GB")


def test_registering_into_another_county_is_not_found(world):
    with pytest.raises(NotFound):
        cadre_create(acting_user=world.users["dc"], org_code="419902NYJ",
                     values={**VALUES, "id_number": make_id_number()})
    assert not Cadre.objects.filter(name="孙丽").exists()


def test_gender_contradicting_the_id_number_is_refused_with_the_field_named(world):
    with pytest.raises(DomainError) as exc:
        cadre_create(acting_user=world.users["dc"], org_code="419901CZJ",
                     values={**VALUES, "id_number": make_id_number(female=True), "gender": "male"})
    assert "性别" in exc.value.message and "不一致" in exc.value.message


def test_same_id_number_under_two_person_codes_is_refused(world):
    with pytest.raises(DomainError) as exc:
        cadre_create(acting_user=world.users["dc"], org_code="419901CZJ",
                     values={**VALUES, "id_number": world.cadres["dc1"].id_number})
    assert "已登记" in exc.value.message


def test_leader_role_cannot_write(world):
    with pytest.raises(PermissionDenied):
        cadre_update(acting_user=world.users["leader"], person_code="C-DC-1", values={"post_title": "副局长"})


def test_update_records_before_and_after_and_moves_tier(world):
    cadre = cadre_update(acting_user=world.users["city"], person_code="C-DC-1",
                         values={"rank": "division_deputy"}, reason="提拔")
    assert cadre.tier == "division"
    assert cadre.managing_department.code == "4199ZZB"
    event = AuditEvent.objects.get(event_type="cadre_updated", subject_code="C-DC-1")
    assert event.extra["before"]["rank"] == "section_chief"
    assert event.extra["after"]["rank"] == "division_deputy"
    assert event.reason == "提拔"


def test_only_the_managing_department_may_reveal_the_id_number(world):
    # C-DC-2 (一级科员) is managed by the county department.
    full = cadre_reveal_id_number(acting_user=world.users["dc"], person_code="C-DC-2", reason="核对身份信息")
    assert full == world.cadres["dc2"].id_number
    assert AuditEvent.objects.filter(event_type="id_revealed", subject_code="C-DC-2").count() == 1
    with pytest.raises(PermissionDenied):
        cadre_reveal_id_number(acting_user=world.users["city"], person_code="C-DC-2", reason="核对身份信息")
    with pytest.raises(PermissionDenied):
        cadre_reveal_id_number(acting_user=world.users["dc_hr"], person_code="C-DC-2", reason="核对身份信息")


def test_managing_department_can_be_set_per_cadre_and_survives_a_rank_change(world):
    # given a county cadre whose authority the city takes over
    cadre_update(acting_user=world.users["city"], person_code="C-DC-2", values={}, managing_code="4199ZZB")
    # when their rank changes
    cadre = cadre_update(acting_user=world.users["city"], person_code="C-DC-2", values={"rank": "principal_clerk_4"})
    # then the override stays
    assert cadre.managing_department.code == "4199ZZB" and cadre.managing_overridden


def test_managing_department_must_be_an_org_department(world):
    with pytest.raises(DomainError) as exc:
        cadre_update(acting_user=world.users["city"], person_code="C-DC-2", values={}, managing_code="419901CZJ")
    assert "组织部" in exc.value.message


def test_correcting_a_middle_digit_of_the_id_number_is_audited(world):
    # given a number that differs only in the hidden middle digits
    old = world.cadres["dc1"].id_number
    from ganxun.core.idnumbers import check_char

    body = old[:4] + ("7" if old[4] != "7" else "6") + old[5:17]
    new = body + check_char(body)
    # when
    cadre_update(acting_user=world.users["city"], person_code="C-DC-1", values={"id_number": new}, reason="更正")
    # then
    event = AuditEvent.objects.get(event_type="cadre_updated", subject_code="C-DC-1")
    assert "id_number" in event.extra["after"]
    assert old not in str(event.extra) and new not in str(event.extra)
