import os
from datetime import date

import pytest

from ganxun.classes.importers import import_classes, import_enrolments, import_sessions
from ganxun.classes.models import TrainingClass
from ganxun.classes.running import Mark, attendance_mark, document_add
from ganxun.core.tabular import read_table
from tests.core.test_tabular import csv_bytes
from tests.factories import add_institution


@pytest.fixture
def schools(world):
    """The city's party school (DX4199, the institution user's), a county party school and the province's."""
    o = world.orgs
    return {
        "city": add_institution("DX4199", "示例市委党校", "party_school", level="city", owner=o["city_dept"]),
        "county": add_institution("DX419901", "东城区委党校", "party_school", level="county", owner=o["dc_dept"]),
        "province": add_institution("DX41", "河南省委党校", "party_school", level="province", owner=o["henan_dept"]),
    }


def table(columns, rows, name="file.csv"):
    return read_table(csv_bytes(columns, rows), name)


CLASS_COLUMNS = ["班次编码", "班次名称", "班次类型", "主办单位编码", "承办机构编码", "开始日期", "结束日期", "脱产", "系统培训",
                 "内容类别", "名额"]
SESSION_COLUMNS = ["班次编码", "日期", "节次", "课程名称", "教师", "教师类型", "内容类别", "教学方法", "学时", "党性分析"]
ENROLMENT_COLUMNS = ["班次编码", "人员编码", "身份证号", "姓名", "结业"]


def class_row(code="BC1", **over):
    row = {"班次编码": code, "班次名称": "2021年春季县处级干部进修班", "班次类型": "主体班", "主办单位编码": "4199ZZB",
           "承办机构编码": "DX4199", "开始日期": "2021-03-01", "结束日期": "2021-03-20", "脱产": "是", "系统培训": "是",
           "内容类别": "党性教育", "名额": "30"}
    row.update(over)
    return [row[c] for c in CLASS_COLUMNS]


def timetable(code="BC1", *, start=date(2021, 3, 1), theory=7, party=3, other=0, analysis=True, leader=2):
    """Sessions of 4 hours: theory, party-spirit (the last one 党性分析 when asked), then professional ones."""
    rows = []
    kinds = ["理论教育"] * theory + ["党性教育"] * party + ["专业化能力"] * other
    for i, category in enumerate(kinds):
        day = date.fromordinal(start.toordinal() + i // 2)
        rows.append([code, day.isoformat(), "上午" if i % 2 == 0 else "下午", f"课程{i + 1}", f"教师{i + 1}",
                     "领导干部" if i < leader else "专职", category, "研讨式" if i % 3 == 0 else "讲授式", "4",
                     "是" if analysis and i == theory + party - 1 else "否"])
    return rows


# Places under concurrent requests are PostgreSQL's business (row locks); SQLite has one writer at a time and
# an in-memory test database no second connection can see. The PostgreSQL run collects that module.
collect_ignore = [] if os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres") else ["test_quota_postgres.py"]


# ---- a class being run (tests of attendance, leave, closing) --------------------------------------------

AFTER = date(2021, 3, 25)


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    """Uploaded class documents go to the test's own folder."""
    settings.VAR_DIR = tmp_path


@pytest.fixture
def running(world, schools):
    """BC1: 10 slots of 4 hours (40 hours, 3–7 March), the last one a 党性分析; three trainees."""
    city = world.users["city"]
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()]))
    import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable()))
    c = world.cadres
    import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, [
        ["BC1", x.person_code, "", x.name, ""] for x in (c["city1"], c["dc1"], c["city2"])]))
    tc = TrainingClass.objects.get(code="BC1")
    return tc, {e.cadre.person_code: e for e in tc.enrolments.select_related("cadre")}


def mark_all(user, tc, enrolment, status="present", skip=0):
    sessions = list(tc.sessions.order_by("date", "slot_order"))
    marks = [Mark(enrolment.pk, s.pk, status) for s in sessions[skip:]]
    attendance_mark(acting_user=user, class_code=tc.code, marks=marks)


def file_documents(user, tc, today=date(2021, 2, 26)):
    for kind in ("plan", "agenda", "signin", "timetable"):
        document_add(acting_user=user, class_code=tc.code, kind=kind, filename=f"{kind}.pdf", content=b"%PDF-1.4 x",
                     today=today)


