"""The audit trail cannot be quietly changed: triggers refuse UPDATE/DELETE, the hash chain names a tampered,
deleted or swapped row, and archiving moves old rows to a file that still verifies."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ganxun.audit import triggers
from ganxun.audit.events import EventType, build_event, record_event, record_events
from ganxun.audit.models import AuditAnchor, AuditEvent
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.factories import run_command

pytestmark = pytest.mark.django_db


def _events(n, *, days_ago=0):
    when = timezone.now() - timedelta(days=days_ago)
    events = []
    for i in range(n):
        event = build_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_UPDATED, subject_type="org",
                            subject_code=f"ORG{i}", subject_label=f"单位{i}", extra={"before": {"name": i}})
        event.created_at = when + timedelta(seconds=i)
        events.append(event)
    record_events(events)
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def _as_dba(*statements):
    """What a DBA could do by hand: switch the triggers off, change rows with raw SQL, switch them on."""
    triggers.remove(connection)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    triggers.install(connection)


def test_update_and_delete_are_refused_by_the_database():
    event = record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_CREATED, subject_code="X")
    for change in (lambda: AuditEvent.objects.filter(pk=event.pk).update(reason="改掉"),
                   lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
                   lambda: connection.cursor().execute("UPDATE audit_auditevent SET reason = 'x'"),
                   lambda: connection.cursor().execute("DELETE FROM audit_auditevent")):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            change()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_verify_passes_on_an_untouched_chain_and_names_the_count(capsys):
    _events(5)
    record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_CREATED, subject_code="Y")
    assert run_command("audit", "verify") == 0
    assert "共 6 行，哈希链完整" in capsys.readouterr().out


def test_verify_names_a_tampered_row(capsys):
    ids = _events(5)
    _as_dba(("UPDATE audit_auditevent SET subject_label = %s WHERE id = %s", ["改过的单位", ids[2]]))
    assert run_command("audit", "verify") == 1
    err = capsys.readouterr().err
    assert f"第 3 行（id={ids[2]}）的内容与其哈希不符" in err and "此前 2 行完好" in err


def test_verify_names_the_row_after_a_deleted_one(capsys):
    ids = _events(5)
    _as_dba(("DELETE FROM audit_auditevent WHERE id = %s", [ids[1]]))
    assert run_command("audit", "verify") == 1
    assert f"id={ids[2]}）与前一行断链：它之前的行被删除" in capsys.readouterr().err


def test_verify_names_swapped_rows(capsys):
    ids = _events(5)
    a, b = ids[1], ids[3]
    _as_dba(("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, a]),
            ("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b]),
            ("UPDATE audit_auditevent SET id = %s WHERE id = %s", [b, -1]))
    assert run_command("audit", "verify") == 1
    assert f"id={a}）与前一行断链：顺序被调换" in capsys.readouterr().err


def test_archive_moves_old_rows_to_a_file_and_both_still_verify(tmp_path, capsys):
    old = _events(4, days_ago=400)
    record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_CREATED, subject_code="NEW")
    before = (timezone.localdate() - timedelta(days=200)).isoformat()
    out = tmp_path / "audit-2025.jsonl"
    assert run_command("audit", "archive", "--before", before, "--output", str(out)) == 0
    assert "已归档 4 行" in capsys.readouterr().out
    # the old rows left the table for the file; what remains (and the row saying so) still verifies
    assert not AuditEvent.objects.filter(id__in=old).exists()
    assert AuditEvent.objects.filter(event_type=EventType.AUDIT_ARCHIVED, subject_label=out.name).exists()
    assert AuditAnchor.objects.get().count == 4
    assert run_command("audit", "verify") == 0
    assert "共 2 行" in capsys.readouterr().out
    assert run_command("audit", "verify", "--archive", str(out)) == 0
    assert "共 4 行" in capsys.readouterr().out
    # a row changed in the file is found there too
    lines = out.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("单位1", "单位X")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_command("audit", "verify", "--archive", str(out)) == 1
    assert "第 2 行" in capsys.readouterr().err


def test_archive_refuses_a_date_inside_the_180_days_and_changes_nothing(tmp_path, capsys):
    _events(3, days_ago=400)
    recent = (timezone.localdate() - timedelta(days=100)).isoformat()
    assert run_command("audit", "archive", "--before", recent, "--output", str(tmp_path / "a.jsonl")) == 2
    assert "至少保留 180 天" in capsys.readouterr().err
    assert AuditEvent.objects.count() == 3 and not (tmp_path / "a.jsonl").exists()
    assert run_command("audit", "archive", "--before", "2025-13-01", "--output", str(tmp_path / "a.jsonl")) == 2
    assert "--before 应为 YYYY-MM-DD" in capsys.readouterr().err


def test_a_ledger_import_written_in_bulk_keeps_the_chain(world, capsys):
    # the ledger's import copies its audit rows straight into the table (COPY on PostgreSQL): they are chained too
    from ganxun.records.importers import import_records
    from tests.records.conftest import schools
    from tests.records.test_record_import import rec, table_of

    schools.__wrapped__(world)
    record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_CREATED, subject_code="BEFORE")
    import_records(acting_user=world.users["dc"], table=table_of([rec(), rec(外部编号="", 培训名称="财务管理研修")]))
    assert AuditEvent.objects.filter(event_type=EventType.RECORD_ADDED).exists()
    record_event(actor=UNSCOPED_OPERATOR, event_type=EventType.ORG_CREATED, subject_code="AFTER")
    assert run_command("audit", "verify") == 0, capsys.readouterr().err
