"""Archive fixtures: the standard schools and a small ledger written through the real services.

C-DC-1 王磊 (正科级, 东城区财政局), evaluated at 2022-12-31 under henan-2019-2022:
  2021 a 12-day party-school class (80 h, EXT-A), a 4-hour lecture (R…)
  2022 a 30-hour class recorded twice: the duplicate is reversed (重复登记)
  2022 a 60-hour class corrected to 64 hours (学时核定有误)
  2022 40 online hours
so 2022 counts 30 + 64 + 40 = 134 hours: staff_hours_annual is met; evidence lists the counted entries.
"""

from datetime import date

import pytest

from ganxun.records.services import record_append, record_correct, record_reverse
from tests.factories import add_institution

AS_OF = date(2022, 12, 31)
PLAN = "henan-2019-2022"


@pytest.fixture
def schools(world):
    return {
        "dx": add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"]),
        "online": add_institution("WL0001", "河南干部网络学院", "online_academy", level="province"),
    }


def add(world, person, *, start, end, hours, source="full_time", school="DX4199", ext=None, title="科级干部进修班",
        user="admin", **extra):
    return record_append(acting_user=world.users[user], person_code=person, institution_code=school, external_id=ext,
                         values={"title": title, "source": source, "start_date": start, "end_date": end,
                                 "hours": str(hours), **extra})


@pytest.fixture
def ledger(world, schools):
    w = world
    records = {
        "a": add(w, "C-DC-1", start=date(2021, 3, 1), end=date(2021, 3, 12), hours=80, ext="EXT-A"),
        "lecture": add(w, "C-DC-1", start=date(2021, 6, 1), end=date(2021, 6, 1), hours=4, source="lecture",
                       school=None, title="专题讲座：乡村振兴"),
        "dup1": add(w, "C-DC-1", start=date(2022, 3, 1), end=date(2022, 3, 5), hours=30, title="财务管理专题班"),
        "dup2": add(w, "C-DC-1", start=date(2022, 3, 1), end=date(2022, 3, 5), hours=30, title="财务管理专题班"),
        "wrong": add(w, "C-DC-1", start=date(2022, 6, 1), end=date(2022, 6, 10), hours=60, title="乡村振兴专题班"),
        "online": add(w, "C-DC-1", start=date(2022, 2, 1), end=date(2022, 11, 30), hours=40, source="online",
                      school="WL0001", title="网络学院年度课程"),
        "later": add(w, "C-DC-1", start=date(2023, 3, 1), end=date(2023, 3, 10), hours=50, title="2023年进修班"),
    }
    records["reversal"] = record_reverse(acting_user=w.users["dc"], record_id=records["dup2"].pk, reason="重复登记")
    records["corrected"] = record_correct(acting_user=w.users["dc"], record_id=records["wrong"].pk,
                                          values={"hours": "64"}, reason="学时核定有误")
    return records
