import pytest

from tests.factories import add_institution


@pytest.fixture
def schools(world):
    """A party school, a cadre college, a recognised university base, an unrecognised provider, an academy."""
    return {
        "dx": add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"]),
        "college": add_institution("GBXY01", "焦裕禄干部学院", "cadre_college", level="province"),
        "base": add_institution("GXJD01", "示例大学干部教育培训基地", "university_base"),
        "private": add_institution("SH0001", "某管理咨询公司", "private_provider", recognised=False),
        "online": add_institution("WL0001", "河南干部网络学院", "online_academy", level="province"),
    }
