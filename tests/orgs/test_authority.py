from ganxun.orgs.authority import default_managing_department


def test_division_tier_in_a_county_is_managed_by_the_city(world):
    assert default_managing_department(world.orgs["dc_fin"], "division").code == "4199ZZB"


def test_section_tier_in_a_county_is_managed_by_the_county(world):
    assert default_managing_department(world.orgs["dc_fin"], "section").code == "419901ZZB"


def test_bureau_tier_anywhere_is_managed_by_the_province(world):
    assert default_managing_department(world.orgs["dc_fin"], "bureau").code == "41ZZB"


def test_section_tier_in_a_city_agency_falls_back_to_the_city(world):
    assert default_managing_department(world.orgs["city_edu"], "staff").code == "4199ZZB"


def test_cadres_get_their_default_department_on_creation(world):
    assert world.cadres["city1"].managing_department.code == "4199ZZB"
    assert world.cadres["dc2"].managing_department.code == "419901ZZB"
