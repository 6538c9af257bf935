import pytest

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import DomainError, NotFound, PermissionDenied
from ganxun.orgs.models import Org
from ganxun.orgs.services import org_create, org_move, org_update


def test_county_admin_adds_a_unit_under_their_county(world):
    org = org_create(acting_user=world.users["dc"], code="419901JYJ", name="东城区教育局", org_type="agency",
                     level="county", parent_code="419901")
    assert org.path.startswith(world.orgs["dc"].path)
    assert AuditEvent.objects.get(event_type="org_created", subject_code="419901JYJ").actor == world.users["dc"]


def test_adding_under_another_county_is_not_found(world):
    with pytest.raises(NotFound):
        org_create(acting_user=world.users["dc"], code="X1", name="某局", org_type="agency", level="county",
                   parent_code="419902")
    assert not Org.objects.filter(code="X1").exists()


def test_duplicate_code_is_refused(world):
    with pytest.raises(DomainError) as exc:
        org_create(acting_user=world.users["city"], code="419901CZJ", name="重复", org_type="agency",
                   level="county", parent_code="419901")
    assert "已存在" in exc.value.message


def test_a_unit_cannot_sit_above_its_parents_level(world):
    with pytest.raises(DomainError) as exc:
        org_create(acting_user=world.users["city"], code="X2", name="某市级局", org_type="agency", level="city",
                   parent_code="419901")
    assert "高于上级单位" in exc.value.message


def test_unit_hr_cannot_change_the_tree(world):
    with pytest.raises(PermissionDenied):
        org_update(acting_user=world.users["dc_hr"], code="419901CZJ", name="改名", org_type="agency", level="county")


def test_rename_is_audited_with_before_and_after(world):
    org_update(acting_user=world.users["city"], code="419901CZJ", name="东城区财政局（国资局）", org_type="agency",
               level="county")
    event = AuditEvent.objects.get(event_type="org_updated", subject_code="419901CZJ")
    assert event.extra == {"before": {"name": "东城区财政局"}, "after": {"name": "东城区财政局（国资局）"}}


def test_moving_a_unit_carries_its_cadres_into_the_new_scope(world):
    from ganxun.cadres.selectors import cadres_visible_to

    org_move(acting_user=world.users["city"], code="419901CZJ", new_parent_code="419902", reason="区划调整")
    assert {c.person_code for c in cadres_visible_to(world.users["dc"])} == set()
    xc_admin_view = world.users["city"]
    assert "C-DC-1" in {c.person_code for c in cadres_visible_to(xc_admin_view)}
    moved = Org.objects.get(code="419901CZJ")
    assert moved.path.startswith(Org.objects.get(code="419902").path)
    assert AuditEvent.objects.get(event_type="org_moved").extra["after"] == {"parent": "419902"}


def test_moving_into_its_own_subtree_is_refused(world):
    with pytest.raises(DomainError) as exc:
        org_move(acting_user=world.users["city"], code="419901", new_parent_code="419901CZJ")
    assert "自己" in exc.value.message


def test_county_admin_cannot_move_their_own_scope_root(world):
    with pytest.raises(DomainError):
        org_move(acting_user=world.users["dc"], code="419901", new_parent_code="419901CZJ")
