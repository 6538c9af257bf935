"""Records imports as the command line runs them: outside any transaction of the caller, committed for real.

Here (unlike the other import tests, which run inside the test's transaction) the import owns its
transaction, so on PostgreSQL the file is checked in one thread while a second one writes the checked
batches (``importers._write_alongside``); on SQLite the same file goes the one-connection way. Either
way: all rows or none, the totals equal a fresh sum of the ledger, and a bad row anywhere is named.
"""

import threading

import pytest
from django.db import IntegrityError

from ganxun.audit.models import AuditEvent
from ganxun.core.errors import ImportRejected
from ganxun.core.roles import UNSCOPED_OPERATOR
from ganxun.core.tabular import open_table
from ganxun.records import importers, services
from ganxun.records.columns import COLUMNS
from ganxun.records.importers import import_records
from ganxun.records.models import CadreYearTotal, LearningRecord
from ganxun.records.totals import totals_differences
from tests.core.test_tabular import csv_bytes
from tests.records.test_record_import import fresh_totals, rec, stored_totals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chunks_of_7(monkeypatch):
    monkeypatch.setattr(importers, "CHUNK_ROWS", 7)


def rows(n: int, prefix: str = "L", **values) -> list:
    """``n`` rows for two cadres of 东城区, spread over three years and both recognised institutions."""
    out = []
    for i in range(n):
        year = 2019 + i % 3
        out.append(rec(外部编号=f"{prefix}-{i}", 人员编码="C-DC-1" if i % 2 else "C-DC-2", 姓名="王磊" if i % 2 else "赵婷",
                       培训名称=f"班{i}", 培训机构="DX4199" if i % 3 else "GBXY01",
                       开始日期=f"{year}-03-01", 结束日期=f"{year}-03-{1 + i % 20:02d}", **values))
    return out


def imported(path, user=UNSCOPED_OPERATOR):
    with open_table(path) as stream:
        return import_records(acting_user=user, table=stream)


def state():
    return LearningRecord.objects.count(), stored_totals(), AuditEvent.objects.count()


def test_a_file_of_many_chunks_goes_in_whole_with_totals_equal_to_a_fresh_sum(world, schools, tmp_path, chunks_of_7,
                                                                              monkeypatch):
    from django.db import connection

    writers = []
    real = importers.record_upsert_many

    def spied(**kwargs):
        writers.append(threading.current_thread().name)
        return real(**kwargs)

    monkeypatch.setattr(importers, "record_upsert_many", spied)
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(COLUMNS, rows(60)))
    # when the operator imports a file of nine chunks
    report = imported(path)
    # (written beside the checks on PostgreSQL, by the checking thread itself on SQLite)
    assert writers == ["ganxun-import-writer" if connection.vendor == "postgresql" else "MainThread"]
    # then every row is in, the totals are the ledger's own sums, and the import left its summary row
    assert report.created == 60 and LearningRecord.objects.count() == 60
    assert stored_totals() == fresh_totals() and totals_differences() == 0
    assert CadreYearTotal.objects.count() > 0
    assert AuditEvent.objects.filter(event_type="imported").count() == 1
    # and importing it again changes nothing
    again = imported(path)
    assert again.unchanged == 60 and LearningRecord.objects.count() == 60 and totals_differences() == 0


def test_a_bad_row_in_the_middle_of_a_large_file_writes_nothing(world, schools, tmp_path, chunks_of_7):
    from tests.cadres.test_import_cli import run

    # given a ledger with entries already, and a file whose rows 33 and 41 are wrong among 60 good ones
    path = tmp_path / "first.csv"
    path.write_bytes(csv_bytes(COLUMNS, rows(10, prefix="OLD")))
    imported(path)
    before = state()
    file_rows = rows(60)
    file_rows[31] = rec(外部编号="BAD-1", 学时="1.25")
    file_rows[39] = rec(外部编号="BAD-2", 姓名="李四")
    bad = tmp_path / "records.csv"
    bad.write_bytes(csv_bytes(COLUMNS, file_rows))
    # when the operator imports it
    with pytest.raises(ImportRejected) as exc:
        imported(bad)
    # then both rows are named with the column and what is wrong, in Chinese, and nothing was written
    assert [(e.row, e.column) for e in exc.value.errors] == [(33, "学时"), (41, "姓名")]
    assert "最多保留一位小数" in exc.value.errors[0].message and "不符" in exc.value.errors[1].message
    assert state() == before and totals_differences() == 0
    # and the command says so and exits 2
    code, out, err = run("import", "records", str(bad))
    assert code == 2 and "第 33 行「学时」" in err and "第 41 行「姓名」" in err
    assert state() == before


def test_corrections_across_chunks_reverse_and_append_with_the_totals_kept(world, schools, tmp_path, chunks_of_7):
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_bytes(csv_bytes(COLUMNS, rows(20)))
    second.write_bytes(csv_bytes(COLUMNS, rows(20, 学时=170) + rows(5, prefix="NEW")))
    imported(first)
    # when every row of the first file comes back with other hours, beside five new ones
    report = imported(second)
    # then each entry is reversed and corrected, the new ones appended, and the totals follow
    assert (report.updated, report.created) == (20, 5)
    assert LearningRecord.objects.count() == 20 * 3 + 5
    assert stored_totals() == fresh_totals() and totals_differences() == 0


def test_a_conflict_while_writing_rolls_back_everything_and_says_so(world, schools, tmp_path, chunks_of_7, monkeypatch):
    # given a write that collides with someone else's on its third batch
    real = services.record_append_many
    calls = []

    def colliding(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kwargs)

    monkeypatch.setattr(services, "record_append_many", colliding)
    path = tmp_path / "records.csv"
    path.write_bytes(csv_bytes(COLUMNS, rows(60)))
    # when the file is imported
    with pytest.raises(ImportRejected) as exc:
        imported(path)
    # then nothing of the first two batches is kept, the user is told to import again, and no writer is left
    assert "未导入任何数据" in exc.value.errors[0].message
    assert LearningRecord.objects.count() == 0 and CadreYearTotal.objects.count() == 0
    assert not any(t.name == "ganxun-import-writer" for t in threading.enumerate())
