"""Institutions on the standard tree (tests/conftest.py), one at each level and in each branch.

DX41       省委党校          owner 41ZZB      (province; every cadre in the province may train there)
XY4101     焦裕禄干部学院     owner 41ZZB      (province; 三学院三基地)
SH001      明德培训公司       no owner         (not recognised)
DX4199     示例市委党校       owner 4199ZZB    (the institution persona's own)
BM4199JY   示例市教师培训中心  owner 4199JYJ    (a city bureau's training centre)
DX419901   东城区委党校       owner 419901ZZB
DX419902   西城县委党校       owner 419902ZZB
DX4198     另一市委党校       owner 4198ZZB    (the other city)
"""

import pytest

from tests.factories import add_institution

ALL = {"DX41", "XY4101", "SH001", "DX4199", "BM4199JY", "DX419901", "DX419902", "DX4198"}
# Which institutions each persona sees: their own scope's, those above it in their chain, ownerless ones.
VISIBLE = {
    "admin": ALL,
    "province": ALL,
    "city": {"DX41", "XY4101", "SH001", "DX4199", "BM4199JY", "DX419901", "DX419902"},
    "leader": {"DX41", "XY4101", "SH001", "DX4199", "BM4199JY", "DX419901", "DX419902"},
    "dc": {"DX41", "XY4101", "SH001", "DX4199", "BM4199JY", "DX419901"},
    "dc_hr": {"DX41", "XY4101", "SH001", "DX4199", "BM4199JY", "DX419901"},
    "other": {"DX41", "XY4101", "SH001", "DX4198"},
    "cadre": set(),
    "institution": {"DX4199"},
}
# Which ones each persona may change: org admins inside their scope; ownerless ones only the superuser.
EDITABLE = {
    "admin": ALL,
    "province": ALL - {"SH001"},
    "city": {"DX4199", "BM4199JY", "DX419901", "DX419902"},
    "dc": {"DX419901"},
    "other": {"DX4198"},
    "leader": set(), "dc_hr": set(), "cadre": set(), "institution": set(),
}


@pytest.fixture
def institutions(world):
    o = world.orgs
    rows = [
        ("DX41", "中共河南省委党校", "party_school", "province", o["henan_dept"], True, False),
        ("XY4101", "焦裕禄干部学院", "cadre_college", "province", o["henan_dept"], True, True),
        ("SH001", "明德干部培训咨询有限公司", "private_provider", "city", None, False, False),
        ("DX4199", "中共示例市委党校", "party_school", "city", o["city_dept"], True, False),
        ("BM4199JY", "示例市教师培训中心", "sector_institution", "city", o["city_edu"], True, False),
        ("DX419901", "中共东城区委党校", "party_school", "county", o["dc_dept"], True, False),
        ("DX419902", "中共西城县委党校", "party_school", "county", o["xc_dept"], True, False),
        ("DX4198", "中共另一市委党校", "party_school", "city", o["other_dept"], True, False),
    ]
    made = {}
    for code, name, kind, level, owner, recognised, flagship in rows:
        made[code] = add_institution(code, name, kind, level=level, recognised=recognised, owner=owner)
        if flagship:
            made[code].is_flagship = True
            made[code].save()
    return made
