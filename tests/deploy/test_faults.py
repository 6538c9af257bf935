"""Faults on PostgreSQL: `kill -9` of the web process during a page import and during a class closing (结班), of
`ganxun verdicts rebuild` mid-rebuild, and of the PostgreSQL postmaster itself during an import. Afterwards nothing is half-written (the
ledger's row count and totals as before, `ganxun totals` and `ganxun verdicts check` clean) and the same operation
run again succeeds.

"In the middle" is made exact rather than timed: the test holds an EXCLUSIVE lock on a table the operation writes
late (readers pass, writers wait), waits until the operation's transaction has written (it has a transaction id)
and is waiting on that lock, and only then kills. One throwaway cluster for the module, as in test_replica.py.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PASSWORD
from tests.deploy.conftest import Client, csrf_token, free_port, ganxun_command, stop, wait_for_port
from tests.deploy.test_replica import FAST, ROOT, Server, _pg, _require_postgres

ROWS = 3000
SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from tests.conftest import build_world
from tests.factories import add_institution
world = build_world()
add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"])
# BC1, run by the city party school: three trainees present at every session, assessed, four documents filed;
# ready for 结班 (the kill test closes it)
from ganxun.classes.importers import import_classes, import_enrolments, import_sessions
from ganxun.classes.models import TrainingClass
from ganxun.classes.running import AssessmentRow, assessments_record
from tests.classes.conftest import (CLASS_COLUMNS, ENROLMENT_COLUMNS, SESSION_COLUMNS, class_row, file_documents,
                                    mark_all, table, timetable)
city, staff, c = world.users["city"], world.users["institution"], world.cadres
import_classes(acting_user=city, table=table(CLASS_COLUMNS, [class_row()]))
import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable()))
import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, [
    ["BC1", x.person_code, "", x.name, ""] for x in (c["city1"], c["dc1"], c["city2"])]))
tc = TrainingClass.objects.get(code="BC1")
for enrolment in tc.enrolments.all():
    mark_all(staff, tc, enrolment)
assessments_record(acting_user=staff, class_code="BC1", rows=[AssessmentRow(e.pk, None, True) for e in tc.enrolments.all()])
file_documents(staff, tc)
call_command("verdicts", "rebuild")
"""
CHECKS = """
import django
django.setup()
from tests.factories import run_command
print("totals", run_command("totals"))
print("verdicts", run_command("verdicts", "check"))
"""
HEADER = "外部编号,人员编码,身份证号,姓名,培训名称,培训形式,内容类别,培训机构,开始日期,结束日期,天数,学时,系统培训,结业"


def records_csv(prefix: str, rows: int = ROWS) -> bytes:
    """``rows`` online study entries for two county cadres, each with its own external id."""
    lines = [HEADER]
    first = date(2022, 1, 3)
    for i in range(rows):
        code, name = ("C-DC-1", "王磊") if i % 2 else ("C-DC-2", "赵婷")
        day = first + timedelta(days=i % 300)
        lines.append(f"{prefix}-{i},{code},,{name},网络专题{i},网络培训,理论教育,,{day},{day},,1.5,否,是")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


class Cluster:
    def __init__(self, server: Server, tmp: Path):
        self.server, self.tmp = server, tmp

    def env(self, **extra) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("GANXUN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
        env.update({"GANXUN_MODE": "demo", "GANXUN_DATABASE_URL": self.server.url(),
                    "GANXUN_VAR_DIR": str(self.tmp / "var"), "GANXUN_SECRET_KEY": "faults-" + "k" * 50,
                    "GANXUN_ALLOWED_HOSTS": "ganxun.intra",
                    "DJANGO_SETTINGS_MODULE": "ganxun.settings",
                    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **extra})
        return env

    def ganxun(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run([*ganxun_command(), *args], env=self.env(), cwd=self.tmp, capture_output=True,
                              text=True, timeout=180, **kw)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(host=str(self.server.socket), user="postgres", dbname="ganxun", autocommit=True)

    def ledger(self) -> tuple:
        """What must not change when an operation is cut off: ledger rows and sums, per-year totals."""
        with self.connect() as conn:
            return (conn.execute("SELECT COUNT(*), COALESCE(SUM(credit_hours), 0) FROM records_learningrecord").fetchone(),
                    conn.execute("SELECT COUNT(*), COALESCE(SUM(hours), 0) FROM records_cadreyeartotal").fetchone())

    def assert_clean(self):
        """`ganxun totals` and `ganxun verdicts check` both exit 0 (one process for both: each start costs seconds)."""
        done = subprocess.run([sys.executable, "-c", CHECKS], env=self.env(), cwd=self.tmp, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "totals 0" in done.stdout and "verdicts 0" in done.stdout, done.stdout + done.stderr


@pytest.fixture(scope="module")
def cluster():
    _require_postgres()
    tmp = Path(tempfile.mkdtemp(prefix="ganxun-faults-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        (tmp / "socket").mkdir()
        if os.geteuid() == 0:
            for path in (tmp, tmp / "socket"):
                shutil.chown(path, "postgres")
        server = Server(tmp / "data", tmp / "socket", FAST)
        _pg("initdb", "-D", str(server.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
            "--locale=C.UTF-8")
        server.start()
        stack.callback(server.stop)
        with psycopg.connect(host=str(server.socket), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE ganxun")
        env = Cluster(server, tmp)
        seeded = subprocess.run([sys.executable, "-c", SEED], env=env.env(), cwd=tmp, capture_output=True, text=True)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        yield env


class Held:
    """An EXCLUSIVE lock on ``table`` held by the test: the operation's write to it waits."""

    def __init__(self, cluster: Cluster, table: str):
        self.conn = cluster.connect()
        self.conn.execute("BEGIN")
        self.conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        self.cluster = cluster

    def wait_for_writer(self, timeout: float = 60, *, written: bool = True) -> int:
        """The pid of the backend that waits for this lock (``written``: having written in its transaction)."""
        deadline = time.monotonic() + timeout
        with self.cluster.connect() as watch:
            while time.monotonic() < deadline:
                row = watch.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = 'ganxun' AND pid <> pg_backend_pid() "
                    f"AND {'backend_xid IS NOT NULL AND ' if written else ''}wait_event_type = 'Lock'").fetchone()
                if row:
                    return row[0]
                time.sleep(0.05)
        pytest.fail("操作在限定时间内没有写到被锁住的表")

    def release(self):
        try:
            self.conn.execute("ROLLBACK")
            self.conn.close()
        except psycopg.Error:
            pass


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def upload(browser: Client, content: bytes) -> str:
    form = browser.get("/import/?kind=records")
    page = browser.post_multipart("/import/", {"csrfmiddlewaretoken": csrf_token(form), "action": "preview",
                                               "kind": "records"}, "file", "学习记录.csv", content)
    assert page.status == 200, (page.status, page.body[:500])
    token = re.search(r'name="token" value="([^"]+)"', page.body)
    assert token, page.body[:3000]
    return token.group(1), csrf_token(page)


def confirm(browser: Client, token: str, csrf: str):
    return browser.post_form("/import/", {"csrfmiddlewaretoken": csrf, "action": "confirm", "kind": "records",
                                          "token": token})


def test_kill_9_of_the_web_process_during_a_page_import_writes_nothing_and_a_second_upload_imports(cluster):
    before = cluster.ledger()
    port, log = free_port(), cluster.tmp / "serve.log"
    with ExitStack() as stack:
        handle = stack.enter_context(open(log, "wb"))
        serve = subprocess.Popen(
            [*ganxun_command(), "serve", "--port", str(port), "--no-migrate", "--no-worker", "--workers", "1",
             "--threads", "2"],
            env=cluster.env(GANXUN_BACKGROUND_IMPORT_ROWS="1000000", GANXUN_BACKGROUND_IMPORT_BYTES="100000000"),
            cwd=cluster.tmp, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        stack.callback(stop, serve)
        wait_for_port(port, serve, log)
        browser = Client(port, "127.0.0.1")
        page = browser.get("/accounts/login/")
        assert browser.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(page), "username": "dc_admin",
                                                      "password": PASSWORD, "next": ""}).status == 302
        token, csrf = upload(browser, records_csv("KILLWEB"))

        held = Held(cluster, "records_cadreyeartotal")  # written after the ledger rows
        outcome = {}
        request = threading.Thread(target=lambda: outcome.update(answer=_try(confirm, browser, token, csrf)))
        request.start()
        held.wait_for_writer()
        [web] = [pid for pid in children(serve.pid)]  # --no-worker: the one gunicorn worker
        os.kill(web, signal.SIGKILL)
        request.join(timeout=30)
        held.release()

        assert isinstance(outcome["answer"], Exception)  # the browser saw the connection drop
        assert cluster.ledger() == before
        cluster.assert_clean()

        # gunicorn starts a new web process; the user uploads the file again and it is imported once
        wait_for_port(port, serve, log)
        token, csrf = upload(browser, records_csv("KILLWEB"))
        assert confirm(browser, token, csrf).status == 302
    (rows, hours), _ = cluster.ledger()
    assert rows == before[0][0] + ROWS and hours == before[0][1] + Decimal("1.5") * ROWS
    cluster.assert_clean()


def _class_state(cluster) -> tuple:
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT c.closed_at IS NOT NULL, (SELECT COUNT(*) FROM classes_certificate), "
            "(SELECT COUNT(*) FROM classes_enrolment e WHERE e.training_class_id = c.id AND e.record_id IS NOT NULL) "
            "FROM classes_trainingclass c WHERE c.code = 'BC1'").fetchone()


def test_kill_9_of_the_web_process_during_a_class_closing_writes_nothing_and_closing_again_completes(cluster):
    before, state = cluster.ledger(), _class_state(cluster)
    assert state == (False, 0, 0)
    port, log = free_port(), cluster.tmp / "serve-close.log"
    with ExitStack() as stack:
        handle = stack.enter_context(open(log, "wb"))
        serve = subprocess.Popen(
            [*ganxun_command(), "serve", "--port", str(port), "--no-migrate", "--no-worker", "--workers", "1",
             "--threads", "2"], env=cluster.env(), cwd=cluster.tmp, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True)
        stack.callback(stop, serve)
        wait_for_port(port, serve, log)
        browser = Client(port, "127.0.0.1")
        page = browser.get("/accounts/login/")
        assert browser.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(page),
                                                      "username": "school_staff", "password": PASSWORD,
                                                      "next": ""}).status == 302
        csrf = csrf_token(browser.get("/classes/BC1/?tab=closing"))

        held = Held(cluster, "classes_certificate")  # written after the three completions' ledger entries
        outcome = {}
        request = threading.Thread(target=lambda: outcome.update(
            answer=_try(browser.post_form, "/classes/BC1/close/", {"csrfmiddlewaretoken": csrf})))
        request.start()
        held.wait_for_writer()
        [web] = children(serve.pid)
        os.kill(web, signal.SIGKILL)
        request.join(timeout=30)
        held.release()

        assert isinstance(outcome["answer"], Exception)
        assert cluster.ledger() == before and _class_state(cluster) == (False, 0, 0)
        cluster.assert_clean()

        # the staff closes the class again: three completions, three certificates, once
        wait_for_port(port, serve, log)
        assert browser.post_form("/classes/BC1/close/", {"csrfmiddlewaretoken": csrf}).status == 302
        closing = browser.get("/classes/BC1/?tab=closing")
        assert "已结班" in closing.body, closing.body[:2000]
    assert _class_state(cluster) == (True, 3, 3)
    (rows, _), _ = cluster.ledger()
    assert rows == before[0][0] + 3
    cluster.assert_clean()


def _try(call, *args):
    try:
        return call(*args)
    except Exception as exc:  # noqa: BLE001 - the point is that the request fails
        return exc


def test_kill_9_of_a_verdict_rebuild_leaves_the_store_consistent_and_a_rerun_succeeds(cluster):
    with cluster.connect() as conn:
        ready = conn.execute("SELECT COUNT(*), COALESCE(SUM(rows), 0) FROM plans_verdictsnapshot "
                             "WHERE state = 'current'").fetchone()
    held = Held(cluster, "plans_storedverdict")
    rebuild = subprocess.Popen([*ganxun_command(), "verdicts", "rebuild"], env=cluster.env(), cwd=cluster.tmp,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # the rebuild has begun its new snapshot (committed, 计算中) and waits to write its first verdicts
        held.wait_for_writer(written=False)
        with cluster.connect() as conn:
            assert conn.execute("SELECT COUNT(*) FROM plans_verdictsnapshot WHERE state = 'building'").fetchone()[0]
        os.killpg(rebuild.pid, signal.SIGKILL)
        rebuild.wait(timeout=10)
    finally:
        held.release()
        stop(rebuild)

    with cluster.connect() as conn:
        after = conn.execute("SELECT COUNT(*), COALESCE(SUM(rows), 0) FROM plans_verdictsnapshot "
                             "WHERE state = 'current'").fetchone()
    assert after == ready
    cluster.assert_clean()
    again = cluster.ganxun("verdicts", "rebuild")
    assert again.returncode == 0 and "已重算" in again.stdout, again.stderr
    cluster.assert_clean()


def test_kill_9_of_postgresql_during_an_import_loses_nothing_and_the_import_reruns(cluster, tmp_path):
    before = cluster.ledger()
    source = tmp_path / "学习记录.csv"
    source.write_bytes(records_csv("KILLPG"))
    held = Held(cluster, "records_cadreyeartotal")
    importing = subprocess.Popen([*ganxun_command(), "import", "records", str(source), "--quiet"],
                                 env=cluster.env(), cwd=cluster.tmp, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        held.wait_for_writer()
        postmaster = int((cluster.server.data / "postmaster.pid").read_text().split()[0])
        backends = children(postmaster)
        os.kill(postmaster, signal.SIGKILL)
        _, err = importing.communicate(timeout=60)
    finally:
        held.release()
        stop(importing)
    assert importing.returncode != 0
    # the orphaned backends notice their postmaster is gone; then the server restarts with crash recovery
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in backends) and time.monotonic() < deadline:
        time.sleep(0.1)
    (cluster.server.data / "postmaster.pid").unlink(missing_ok=True)
    cluster.server.start()

    assert cluster.ledger() == before
    cluster.assert_clean()
    again = cluster.ganxun("import", "records", str(source), "--quiet")
    assert again.returncode == 0, again.stdout + again.stderr
    (rows, _), _ = cluster.ledger()
    assert rows == before[0][0] + ROWS
    cluster.assert_clean()
