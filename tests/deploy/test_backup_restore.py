"""The restore drill (数据备份恢复): `ganxun backup` of a database with ledger entries and stored files, `ganxun
restore` into a new empty database on a fresh data directory, per-table counts and the ledger hash compared.

Runs on whichever database the suite runs on (SQLite, or PostgreSQL under scripts/run_tests.py): the backup is
taken in-process from the test database, the restore runs as the command line does, in its own process, against
a database made for it (a new SQLite file, or a new database on the test's PostgreSQL server).
"""

import json
import subprocess
import tarfile
import uuid
from datetime import date

import pytest
from django.db import connection

from ganxun.records.services import record_append
from ganxun.records.totals import rebuild_totals
from tests.deploy.conftest import ganxun_command, production_env
from tests.factories import add_institution, run_command

CLASS = {"title": "县处级干部进修班", "source": "full_time", "content_category": "theory",
         "start_date": date(2021, 3, 1), "end_date": date(2021, 3, 30), "hours": "180", "is_system_training": True}


@pytest.fixture
def data(transactional_db, world, settings, tmp_path):
    """Ledger entries for three cadres (one reversed), and a 结班材料 and an 报批证明材料 file."""
    from ganxun.records.services import record_reverse

    settings.VAR_DIR = tmp_path / "var"
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"])
    for code in ("C-DC-1", "C-DC-2"):
        record_append(acting_user=world.users["dc"], person_code=code, values=CLASS, institution_code="DX4199")
    online = record_append(acting_user=world.users["dc"], person_code="C-DC-1",
                           values={**CLASS, "source": "online", "hours": "12.5", "title": "网络专题"})
    record_reverse(acting_user=world.users["dc"], record_id=online.pk, reason="重复登记")
    files = settings.VAR_DIR / "files"
    (files / "classes" / "7").mkdir(parents=True)
    (files / "classes" / "7" / "结业名单.xlsx").write_bytes(b"PK\x03\x04 class material")
    (files / "submissions" / "3").mkdir(parents=True)
    (files / "submissions" / "3" / "批复.pdf").write_bytes(b"%PDF-1.7 approval")
    return world


@pytest.fixture
def empty_database(tmp_path):
    """The GANXUN_DATABASE_URL of a new, empty database of the suite's kind; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = "restore_" + uuid.uuid4().hex[:10]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    params = connection.get_connection_params()
    host = str(params.get("host") or "")
    auth = params["user"] + (f":{params['password']}" if params.get("password") else "")
    if host.startswith("/"):
        url = f"postgres://{auth}@/{name}?host={host}"
    else:
        url = f"postgres://{auth}@{host}:{params.get('port') or 5432}/{name}"
    try:
        yield url
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def ganxun(tmp_path, database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = production_env(tmp_path, GANXUN_DATABASE_URL=database_url, GANXUN_VAR_DIR=str(tmp_path / "restored-var"))
    return subprocess.run([*ganxun_command(), *args], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)


def test_a_backup_restores_into_an_empty_database_with_equal_counts_ledger_and_files(data, empty_database,
                                                                                    tmp_path, capsys):
    from ganxun.records.models import LearningRecord

    rebuild_totals()
    archive = tmp_path / "ganxun.backup"
    assert run_command("backup", str(archive)) == 0
    out = capsys.readouterr().out
    assert f"已备份到 {archive}" in out and "2 个文件" in out
    assert not list(tmp_path.glob("*.partial"))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["vendor"] == connection.vendor
    assert manifest["counts"]["records_learningrecord"] == LearningRecord.objects.count() == 4

    restored = ganxun(tmp_path, empty_database, "restore", str(archive))

    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "恢复完成" in restored.stdout and "台账合计校验值都与备份时一致" in restored.stdout
    assert "records_learningrecord" in restored.stdout and "不一致" not in restored.stdout
    var = tmp_path / "restored-var" / "files"
    assert (var / "classes" / "7" / "结业名单.xlsx").read_bytes() == b"PK\x03\x04 class material"
    assert (var / "submissions" / "3" / "批复.pdf").read_bytes() == b"%PDF-1.7 approval"
    # the restored system is whole: its totals agree with its ledger, and the admin can sign in on it
    totals = ganxun(tmp_path, empty_database, "totals")
    assert totals.returncode == 0 and "一致" in totals.stdout, totals.stdout + totals.stderr

    # a second restore on top is refused, and changes nothing
    again = ganxun(tmp_path, empty_database, "restore", str(archive))
    assert again.returncode == 2
    assert "目标数据库不是空的" in again.stderr and "数据库未作任何改动" in again.stderr


def test_a_restore_whose_result_differs_from_the_manifest_says_so_and_exits_1(data, empty_database, tmp_path):
    archive = tmp_path / "ganxun.backup"
    assert run_command("backup", str(archive)) == 0
    # the manifest claims one ledger entry more than the dump holds
    tampered = tmp_path / "tampered.backup"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            if member.name == "manifest.json":
                manifest = json.load(content)
                manifest["counts"]["records_learningrecord"] += 1
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                import io
                content = io.BytesIO(raw)
            target.addfile(member, content)

    restored = ganxun(tmp_path, empty_database, "restore", str(tampered))

    assert restored.returncode == 1
    assert "records_learningrecord" in restored.stdout and "← 不一致" in restored.stdout
    assert "恢复结果与备份时不一致：1 张表的行数与备份时不同" in restored.stderr


def test_restore_into_a_database_in_use_is_refused_and_changes_nothing(data, tmp_path, capsys):
    from ganxun.records.models import LearningRecord

    archive = tmp_path / "ganxun.backup"
    assert run_command("backup", str(archive)) == 0
    before = LearningRecord.objects.count()

    assert run_command("restore", str(archive)) == 2

    assert "目标数据库不是空的" in capsys.readouterr().err
    assert LearningRecord.objects.count() == before


def test_backup_refuses_to_overwrite_and_restore_refuses_what_is_not_a_backup(data, tmp_path, capsys):
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"yesterday's backup")
    assert run_command("backup", str(existing)) == 2
    assert "已存在" in capsys.readouterr().err and existing.read_bytes() == b"yesterday's backup"

    assert run_command("restore", str(existing)) == 2
    assert "不是 ganxun backup 生成的备份文件" in capsys.readouterr().err
