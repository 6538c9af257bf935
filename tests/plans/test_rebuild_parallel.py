"""A rebuild in several processes (``store.rebuild(jobs=N)``, ``ganxun verdicts rebuild --jobs N``).

Outside any transaction, as the command line runs it: on PostgreSQL the chunks are written by forked processes,
and the snapshot is the one a rebuild in one process writes, row for row; a chunk that fails, or a process killed,
fails the rebuild and the old snapshot goes on serving. SQLite has one writer at a time: the same call rebuilds in
this process.
"""

import os
import signal
from concurrent.futures.process import BrokenProcessPool
from datetime import date

import pytest
from django.db import connection

from ganxun.plans import store
from ganxun.plans.catalog import load_plan
from ganxun.plans.models import SnapshotState, StoredFact, StoredOrgFact, StoredVerdict, VerdictSnapshot
from ganxun.plans.store import check, current_snapshot, rebuild
from tests.factories import run_command
from tests.plans.test_verdict_store import END, PLAN, ledger  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot_rows(as_of: date):
    snap = current_snapshot(load_plan(PLAN), as_of)
    verdicts = sorted(StoredVerdict.objects.filter(snapshot=snap).values_list(
        "cadre_id", "indicator", "verdict", "progress", "window_start", "window_end", "required", "actual", "gap",
        "evidence"))
    facts = sorted((c, o, sorted(f.items())) for c, o, f in
                   StoredFact.objects.filter(snapshot=snap).values_list("cadre_id", "org_id", "facts"))
    orgs = sorted(StoredOrgFact.objects.filter(snapshot=snap).values_list("org_id", "key", "value"))
    return verdicts, facts, orgs


@pytest.fixture
def writers(monkeypatch, tmp_path):
    """Small chunks, and a file each process writing one appends its pid to."""
    monkeypatch.setattr(store, "CHUNK", 2)
    pids = tmp_path / "pids"
    real = store._write_range

    def noted(*args):
        with open(pids, "a") as f:
            f.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(store, "_write_range", noted)
    return lambda: {int(p) for p in pids.read_text().split()} if pids.exists() else set()


def test_a_rebuild_in_several_processes_stores_what_one_process_does(world, ledger, writers):  # noqa: F811
    rebuild(plan_id=PLAN, dates=[END], jobs=1)
    assert writers() == {os.getpid()}
    alone = _snapshot_rows(END)
    assert alone[0] and alone[1] and alone[2]
    rebuild(plan_id=PLAN, dates=[END], jobs=3)
    together = _snapshot_rows(END)
    assert together == alone
    assert current_snapshot(load_plan(PLAN), END).rows == len(alone[0])   # what ``verdicts status`` shows
    others = writers() - {os.getpid()}
    if connection.vendor == "postgresql":
        assert len(others) >= 2, "the chunks were written by forked processes"
    else:
        assert not others, "SQLite: one writer, this process"
    assert check(plan_id=PLAN, sample=1000)[1] == []
    assert set(VerdictSnapshot.objects.values_list("state", flat=True)) == {SnapshotState.CURRENT}


def test_a_chunk_failing_in_another_process_fails_the_rebuild_and_the_old_snapshot_serves(world, ledger,  # noqa: F811
                                                                                         monkeypatch):
    monkeypatch.setattr(store, "CHUNK", 2)
    rebuild(plan_id=PLAN, dates=[END], jobs=1)
    before = _snapshot_rows(END)
    real = store._write
    calls = []

    def fails_on_the_third_chunk(*args):
        calls.append(1)
        if len(calls) == 3 or os.getpid() != parent:
            raise RuntimeError("数据库连接中断")
        return real(*args)

    parent = os.getpid()
    monkeypatch.setattr(store, "_write", fails_on_the_third_chunk)
    with pytest.raises(RuntimeError, match="数据库连接中断"):
        rebuild(plan_id=PLAN, dates=[END], jobs=2)
    assert VerdictSnapshot.objects.filter(state=SnapshotState.FAILED).count() == 1
    assert _snapshot_rows(END) == before
    monkeypatch.setattr(store, "_write", real)
    assert check(plan_id=PLAN, sample=1000)[1] == []


def test_a_killed_rebuild_process_fails_the_rebuild_and_the_old_snapshot_serves(world, ledger,  # noqa: F811
                                                                               monkeypatch):
    monkeypatch.setattr(store, "CHUNK", 2)
    rebuild(plan_id=PLAN, dates=[END], jobs=1)
    before = _snapshot_rows(END)
    parent = os.getpid()
    real = store._write

    def killed_outside_this_process(*args):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)

    monkeypatch.setattr(store, "_write", killed_outside_this_process)
    if connection.vendor == "postgresql":
        with pytest.raises(BrokenProcessPool):
            rebuild(plan_id=PLAN, dates=[END], jobs=2)
        assert VerdictSnapshot.objects.filter(state=SnapshotState.FAILED).count() == 1
        assert _snapshot_rows(END) == before
    else:   # no other process: the rebuild ran here and replaced the snapshot
        rebuild(plan_id=PLAN, dates=[END], jobs=2)
        assert not VerdictSnapshot.objects.filter(state=SnapshotState.FAILED).exists()
    monkeypatch.setattr(store, "_write", real)
    assert check(plan_id=PLAN, sample=1000)[1] == []


def test_the_command_rebuilds_with_the_processes_asked_for(world, ledger, writers, capsys):  # noqa: F811
    assert run_command("verdicts", "rebuild", "--plan", PLAN, "--as-of", str(END), "--jobs", "2") == 0
    assert "已重算 1 个快照" in capsys.readouterr().out
    others = writers() - {os.getpid()}
    assert 1 <= len(others) <= 2 if connection.vendor == "postgresql" else not others
    assert check(plan_id=PLAN, sample=1000)[1] == []
