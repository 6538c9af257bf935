"""Data scope: the SQL prefix filter and the in-memory predicate agree, and scope fails closed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ganxun.cadres.selectors import cadres_visible_to
from ganxun.core.errors import NotFound
from ganxun.orgs.models import Org
from ganxun.orgs.selectors import Scope, access_org, org_in_scope, orgs_visible_to, path_q, scope_of


def codes(qs):
    return sorted(x.person_code for x in qs)


def test_city_admin_sees_the_whole_city_and_nothing_of_the_other_city(world):
    visible = codes(cadres_visible_to(world.users["city"]))
    assert visible == ["C-CITY-1", "C-CITY-2", "C-DC-1", "C-DC-2", "C-XC-1"]


def test_county_admin_sees_only_the_county(world):
    assert codes(cadres_visible_to(world.users["dc"])) == ["C-DC-1", "C-DC-2"]


def test_unit_hr_sees_only_their_unit(world):
    assert codes(cadres_visible_to(world.users["dc_hr"])) == ["C-DC-1", "C-DC-2"]
    assert [o.code for o in orgs_visible_to(world.users["dc_hr"])] == ["419901CZJ"]


def test_cadre_sees_only_themself(world):
    assert codes(cadres_visible_to(world.users["cadre"])) == ["C-DC-2"]


def test_institution_staff_see_their_institution_and_no_registry_data(world):
    scope = scope_of(world.users["institution"])
    assert scope.institution_codes == ("DX4199",) and not scope.paths and not scope.everything
    assert cadres_visible_to(world.users["institution"]).count() == 0
    assert orgs_visible_to(world.users["institution"]).count() == 0


def test_no_one_sees_nothing_and_the_operator_sees_everything(world):
    from ganxun.core.roles import UNSCOPED_OPERATOR

    assert scope_of(None).is_empty
    assert cadres_visible_to(None).count() == 0
    assert scope_of(UNSCOPED_OPERATOR).everything
    assert cadres_visible_to(UNSCOPED_OPERATOR).count() == 6


def test_inactive_user_sees_nothing(world):
    user = world.users["city"]
    user.is_active = False
    assert cadres_visible_to(user).count() == 0


def test_org_outside_scope_is_not_found_like_a_missing_one(world):
    with pytest.raises(NotFound) as outside:
        access_org(world.users["dc"], "4198")
    with pytest.raises(NotFound) as missing:
        access_org(world.users["dc"], "NO-SUCH-ORG")
    assert outside.value.message == missing.value.message


@pytest.mark.django_db
def test_sql_filter_and_in_memory_predicate_agree(world):
    orgs = list(Org.objects.all())
    paths = sorted({o.path for o in orgs})

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.sampled_from(paths), max_size=3), st.booleans())
    def check(prefixes, everything):
        scope = Scope(everything=everything, paths=tuple(prefixes))
        by_sql = set(Org.objects.filter(path_q(scope)).values_list("pk", flat=True))
        by_predicate = {o.pk for o in orgs if org_in_scope(scope, o)}
        assert by_sql == by_predicate

    check()
