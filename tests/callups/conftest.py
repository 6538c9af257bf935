import os
from datetime import date

import pytest

from tests.factories import add_institution

# Places under concurrent nominations are PostgreSQL's business (row locks); the PostgreSQL run collects that module.
collect_ignore = [] if os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres") else ["test_quota_postgres.py"]


@pytest.fixture
def city_class(world):
    """示例市委组织部's class BC1 at the city party school, 2021-03-01 to 03-20."""
    from tests.callups.test_callups import add_class

    school = add_institution("DX4199", "示例市委党校", "party_school", owner=world.orgs["city_dept"])
    return add_class("BC1", world.orgs["city_dept"], date(2021, 3, 1), date(2021, 3, 20), institution=school)
