"""Importing classes, timetables and trainees: all or nothing, idempotent, scoped; completions write the ledger."""

from decimal import Decimal

import pytest

from ganxun.audit.models import AuditEvent
from ganxun.classes.importers import import_classes, import_enrolments, import_sessions
from ganxun.classes.models import ClassSession, Enrolment, TrainingClass
from ganxun.core.errors import PermissionDenied
from ganxun.core.tabular import ImportRejected
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord, RecordOrigin
from tests.classes.conftest import (CLASS_COLUMNS, ENROLMENT_COLUMNS, SESSION_COLUMNS, class_row, table, timetable)


def _errors(exc) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in exc.value.errors]


def setup_class(user, code="BC1", **over):
    import_classes(acting_user=user, table=table(CLASS_COLUMNS, [class_row(code, **over)]))
    import_sessions(acting_user=user, table=table(SESSION_COLUMNS, timetable(code)))
    return TrainingClass.objects.get(code=code)


def test_a_class_and_its_timetable_import_and_reimport_unchanged(world, schools):
    city = world.users["city"]
    report = import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()]))
    assert report.created == 1
    tc = TrainingClass.objects.get(code="BC1")
    assert tc.organiser == world.orgs["city_dept"] and tc.institution == schools["city"]
    assert tc.kind == "core" and tc.full_time and tc.is_system_training and tc.quota == 30 and tc.days == 20
    report = import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable()))
    assert report.created == 10
    assert sum(s.hours for s in tc.sessions.all()) == Decimal("40")
    assert tc.sessions.filter(is_party_spirit_analysis=True).count() == 1
    # again: nothing changes
    assert import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()])).unchanged == 1
    assert import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable())).unchanged == 10
    # a changed slot updates that slot only, audited
    rows = timetable()
    rows[0][3] = "新课程"
    report = import_sessions(acting_user=city, table=table(SESSION_COLUMNS, rows))
    assert (report.updated, report.unchanged) == (1, 9)
    assert tc.sessions.filter(course_name="新课程").count() == 1
    assert AuditEvent.objects.filter(event_type="timetable_updated", subject_code="BC1").exists()


def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_written(world, schools):
    city = world.users["city"]
    rows = [class_row("BC1"), class_row("BC2", 班次类型="大班"), class_row("BC3", 结束日期="2021-02-01"),
            class_row("BC4", 主办单位编码="4198ZZB"), class_row("BC5", 名额="三十")]
    with pytest.raises(ImportRejected) as bad:
        import_classes(acting_user=city, table=table(CLASS_COLUMNS, rows))
    found = _errors(bad)
    assert [(r, c) for r, c, _ in found] == [(3, "班次类型"), (4, "结束日期"), (5, "主办单位编码"), (6, "名额")]
    assert "主体班" in found[0][2] and "不能早于开始日期" in found[1][2]
    assert not TrainingClass.objects.exists()
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()]))
    slots = timetable()
    slots[1][1] = "2021-04-01"       # outside the class's dates
    slots[2][8] = "0"                # no hours
    slots[3][6] = "体育"              # unknown category
    slots[4][2] = slots[5][2] = "上午"
    slots[5][1] = slots[4][1]        # the same slot twice
    with pytest.raises(ImportRejected) as bad:
        import_sessions(acting_user=city, table=table(SESSION_COLUMNS, slots))
    assert [(r, c) for r, c, _ in _errors(bad)] == [(3, "日期"), (4, "学时"), (5, "内容类别"), (7, "节次")]
    assert not ClassSession.objects.exists()


def test_institution_staff_run_classes_at_their_own_institution_only(world, schools):
    staff = world.users["institution"]
    assert import_classes(acting_user=staff, table=table(CLASS_COLUMNS, [class_row()])).created == 1
    with pytest.raises(ImportRejected) as bad:
        import_classes(acting_user=staff, table=table(CLASS_COLUMNS, [class_row("BC9", 承办机构编码="DX419901")]))
    assert _errors(bad)[0][1] == "承办机构编码"
    # a county department cannot touch the city's class, nor see it
    with pytest.raises(ImportRejected) as bad:
        import_sessions(acting_user=world.users["dc"], table=table(SESSION_COLUMNS, timetable()))
    assert "不存在或不在您的管理范围内" in _errors(bad)[0][2]
    with pytest.raises(PermissionDenied):
        import_classes(acting_user=world.users["leader"], table=table(CLASS_COLUMNS, [class_row()]))


def trainees(*cadres, completed=""):
    return [["BC1", c.person_code, "", c.name, completed] for c in cadres]


def test_completion_writes_one_ledger_entry_per_trainee_and_revoking_reverses_it(world, schools):
    city = world.users["city"]
    setup_class(city)
    c = world.cadres
    report = import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, trainees(c["city1"], c["dc1"],
                                                                                         completed="是")))
    assert report.created == 2
    record = LearningRecord.objects.get(cadre=c["dc1"], origin=RecordOrigin.CLASS)
    assert (record.hours, record.days, record.source, record.institution_id) == (Decimal("40.0"), 20, "full_time",
                                                                                 schools["city"].pk)
    assert record.is_system_training and record.content_category == "party_spirit" and record.credit_hours == 40
    assert Enrolment.objects.get(cadre=c["dc1"]).record == record
    total = CadreYearTotal.objects.get(cadre=c["dc1"], year=2021)
    assert (total.hours, total.days) == (Decimal("40.0"), 20)
    # the same file again: nothing more in the ledger
    again = import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, trainees(c["city1"], c["dc1"],
                                                                                        completed="是")))
    assert again.unchanged == 2 and LearningRecord.objects.filter(origin=RecordOrigin.CLASS).count() == 2
    # 结业 否: the completion is revoked by a reversal; the totals go back
    revoked = import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, trainees(c["dc1"], completed="否")))
    assert revoked.updated == 1
    assert LearningRecord.objects.filter(kind=EntryKind.REVERSAL, reverses=record).count() == 1
    total.refresh_from_db()
    assert (total.hours, total.days) == (Decimal("0.0"), 0)
    enrolment = Enrolment.objects.get(cadre=c["dc1"])
    assert not enrolment.completed and enrolment.record is None
    # and completing again writes a new entry
    import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, trainees(c["dc1"], completed="是")))
    total.refresh_from_db()
    assert total.hours == Decimal("40.0")


def test_enrolment_rows_find_the_cadre_and_check_the_name_and_the_quota(world, schools):
    city = world.users["city"]
    setup_class(city, 名额="1")
    c = world.cadres
    rows = [["BC1", "C-CITY-1", "", "张建国", ""], ["BC1", "C-DC-1", "", "王小磊", ""],
            ["BC1", "", c["dc2"].id_number, "赵婷", ""], ["BC1", "C-OTHER-1", "", "陈刚", ""], ["BC1", "", "", "某人", ""]]
    with pytest.raises(ImportRejected) as bad:
        import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, rows))
    found = _errors(bad)
    assert (3, "姓名") in [(r, col) for r, col, _ in found]
    assert (4, "班次编码") in [(r, col) for r, col, _ in found]  # the second place of a one-place class
    assert (5, "人员编码") in [(r, col) for r, col, _ in found]  # another city's cadre: out of scope
    assert (6, "人员编码") in [(r, col) for r, col, _ in found]
    assert all(c["dc2"].id_number not in m for _, _, m in found)
    assert not Enrolment.objects.exists()


def test_the_institution_names_trainees_exactly_without_reading_the_registry(world, schools):
    staff = world.users["institution"]
    setup_class(staff)
    c = world.cadres
    with pytest.raises(ImportRejected) as bad:
        import_enrolments(acting_user=staff, table=table(ENROLMENT_COLUMNS, [["BC1", "C-DC-1", "", "王小磊", ""]]))
    assert _errors(bad)[0][2] == "与干部名册不一致"   # the registry's name is not told back
    report = import_enrolments(acting_user=staff, table=table(ENROLMENT_COLUMNS, trainees(c["dc1"], c["other1"])))
    assert report.created == 2
