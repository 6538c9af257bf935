"""A real ``ganxun worker`` killed in the middle of an import leaves nothing half-written.

The worker runs as a subprocess on a database of its own (a SQLite file; on the PostgreSQL run, a
database made on the same server), fed by ``ganxun`` commands. An import big enough to take several
chunks is queued; the worker is killed with SIGKILL once the import has written a few chunks inside its
transaction; the ledger and the totals are then exactly as before, the job reads 已中断, and running it
again imports the whole file.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.core.test_tabular import csv_bytes

ROOT = Path(__file__).resolve().parents[2]
RECORD_COLUMNS = ["外部编号", "人员编码", "姓名", "培训名称", "培训形式", "内容类别", "培训机构", "开始日期", "结束日期",
                  "天数", "学时", "系统培训", "结业"]
CADRE_COLUMNS = ["人员编码", "身份证号", "姓名", "单位编码", "职级", "干部类别"]
CADRES = 200
ROWS = 32_000


def _id_number(n: int) -> str:
    body = f"410102198{n % 10}0{1 + n % 9}1{n % 10}{n % 1000:03d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(a) * w for a, w in zip(body, weights)) % 11]


@pytest.fixture
def database(tmp_path):
    """A database URL for the worker's own database: a file, or a fresh PostgreSQL database."""
    url = os.environ.get("GANXUN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"ganxun_worker_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def env(database, tmp_path):
    var = tmp_path / "var"
    var.mkdir()
    return {**{k: v for k, v in os.environ.items() if not k.startswith("GANXUN_")},
            "GANXUN_DATABASE_URL": database, "GANXUN_VAR_DIR": str(var), "GANXUN_MODE": "test",
            "DJANGO_SETTINGS_MODULE": "ganxun.settings", "GANXUN_JOB_HEARTBEAT_SECONDS": "0.5",
            "GANXUN_JOB_STALE_SECONDS": "5", "PYTHONPATH": str(ROOT)}


def ganxun(env, *args, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "ganxun.cli", *args], env=env, cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return done.stdout


def helper(env, *args) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.jobs.worker_helper", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def records(first: int, count: int) -> list[list]:
    rows = []
    for i in range(first, first + count):
        start = date(2019, 1, 1) + timedelta(days=i % 900)
        rows.append([f"K{i:08d}", f"K{i % CADRES:05d}", "", f"网络培训第{i}期", "网络培训", "理论教育", "", start.isoformat(),
                     start.isoformat(), 0, 2, "否", "是"])
    return rows


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def progress_of(var: Path, job_id: int) -> dict:
    try:
        return json.loads((var / "jobs" / f"{job_id}.progress.json").read_text())
    except (OSError, ValueError):
        return {}


def test_a_worker_killed_mid_import_leaves_the_ledger_whole(env, tmp_path):
    var = Path(env["GANXUN_VAR_DIR"])
    # given a database with orgs, cadres and 1,000 entries, and a user who may import
    ganxun(env, "migrate")
    files = tmp_path / "files"
    files.mkdir()
    (files / "orgs.csv").write_bytes(csv_bytes(["单位编码", "单位名称", "上级编码", "类型", "级别"], [
        ["41", "河南省", "", "地区", "省"], ["4101", "郑州市", "41", "地区", "市"], ["4101Z", "郑州市委组织部", "4101", "组织部", "市"],
        ["4101U1", "郑州市第一局", "4101", "机关", "市"]]))
    (files / "cadres.csv").write_bytes(csv_bytes(CADRE_COLUMNS, [
        [f"K{n:05d}", _id_number(n), f"干部{n}", "4101U1", "一级科员", "机关公务员"] for n in range(CADRES)]))
    (files / "first.csv").write_bytes(csv_bytes(RECORD_COLUMNS, records(0, 1000)))
    for kind, name in (("orgs", "orgs.csv"), ("cadres", "cadres.csv"), ("records", "first.csv")):
        ganxun(env, "import", kind, str(files / name))
    ganxun(env, "user", "add", "importer", "--role", "superuser", "--password-stdin", stdin="Ganxun@2026-kill\n")
    before = helper(env, "counts")
    assert before["ledger"] == 1000
    # and a large file parked and claimed as the import page leaves it after 确认导入
    user = helper(env, "user-id", "importer")["user"]
    token = secrets.token_urlsafe(24)
    uploads = var / "uploads"
    uploads.mkdir(exist_ok=True)
    (uploads / f"{user}-{token}.claimed").write_bytes(csv_bytes(RECORD_COLUMNS, records(1000, ROWS)))
    job = helper(env, "submit-write", "importer", token, "大文件.csv")["job"]

    # when a worker takes the import and is killed with SIGKILL after it has written several chunks
    worker = subprocess.Popen([sys.executable, "-m", "ganxun.cli", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: progress_of(var, job).get("done", 0) >= 20_000, 240, "the import to be mid-write")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    # then the ledger and the totals are exactly as they were, and the totals still agree with the ledger
    assert helper(env, "counts") == before
    ganxun(env, "totals")
    # and the job is shown as interrupted at once (its worker is gone) …
    shown = helper(env, "job", str(job))
    assert shown["status"] == "running" and shown["shown"] == "interrupted" and shown["label"] == "已中断"
    # … and a worker starting again marks it so
    worker = subprocess.Popen([sys.executable, "-m", "ganxun.cli", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: helper(env, "job", str(job))["status"] == "interrupted", 60, "the job to be marked 已中断")
        assert "未写入任何数据" in helper(env, "job", str(job))["message"]
        # when it is run again, the whole file goes in
        again = helper(env, "rerun", str(job))["job"]
        wait_for(lambda: helper(env, "job", str(again))["status"] in ("done", "failed"), 300, "the re-run to end")
        assert helper(env, "job", str(again))["status"] == "done"
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    after = helper(env, "counts")
    assert after["ledger"] == before["ledger"] + ROWS
    ganxun(env, "totals")
