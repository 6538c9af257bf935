"""Faults on PostgreSQL: `kill -9` of the web process, of the worker, of `ganxun verdicts rebuild` and of the
PostgreSQL postmaster itself, in the middle of an import, a class closing (结班) and a verdict rebuild:

| killed | an import | a class closing | a verdict rebuild |
|---|---|---|---|
| the web process | page import | 结班 on the page | (not run there) |
| the worker | tests/jobs/test_worker.py | (not run there) | a publication's background rebuild |
| the command | | | `ganxun verdicts rebuild` |
| PostgreSQL | `ganxun import records` | 结班 on the page | `ganxun verdicts rebuild` |

Afterwards nothing is half-written (the ledger's row count and totals as before, the class not closed, the current
verdict snapshots as they were; `ganxun totals` and `ganxun verdicts check` clean) and the same operation run again
succeeds, once.

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
from contextlib import ExitStack, contextmanager
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
# and BC2 the same a month later (the PostgreSQL kill test closes it)
from datetime import date
city, staff, c = world.users["city"], world.users["institution"], world.cadres
for code, start, end in (("BC1", date(2021, 3, 1), date(2021, 3, 20)), ("BC2", date(2021, 4, 1), date(2021, 4, 20))):
    import_classes(acting_user=city, table=table(CLASS_COLUMNS, [
        class_row(code, 开始日期=start.isoformat(), 结束日期=end.isoformat())]))
    import_sessions(acting_user=city, table=table(SESSION_COLUMNS, timetable(code, start=start)))
    import_enrolments(acting_user=city, table=table(ENROLMENT_COLUMNS, [
        [code, x.person_code, "", x.name, ""] for x in (c["city1"], c["dc1"], c["city2"])]))
    tc = TrainingClass.objects.get(code=code)
    for enrolment in tc.enrolments.all():
        mark_all(staff, tc, enrolment)
    assessments_record(acting_user=staff, class_code=code,
                       rows=[AssessmentRow(e.pk, None, True) for e in tc.enrolments.all()])
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


def _class_state(cluster, code: str) -> tuple:
    """Whether the class is closed, its certificates, its enrolments with a ledger entry."""
    with cluster.connect() as conn:
        return conn.execute(
            "SELECT c.closed_at IS NOT NULL, "
            "(SELECT COUNT(*) FROM classes_certificate x JOIN classes_enrolment e ON e.id = x.enrolment_id "
            " WHERE e.training_class_id = c.id), "
            "(SELECT COUNT(*) FROM classes_enrolment e WHERE e.training_class_id = c.id AND e.record_id IS NOT NULL) "
            "FROM classes_trainingclass c WHERE c.code = %s", [code]).fetchone()


@contextmanager
def served(cluster, name: str):
    """``ganxun serve`` with one gunicorn web process and no worker; yields (server, port, log)."""
    port, log = free_port(), cluster.tmp / f"serve-{name}.log"
    with ExitStack() as stack:
        handle = stack.enter_context(open(log, "wb"))
        serve = subprocess.Popen(
            [*ganxun_command(), "serve", "--port", str(port), "--no-migrate", "--no-worker", "--workers", "1",
             "--threads", "2"], env=cluster.env(), cwd=cluster.tmp, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True)
        stack.callback(stop, serve)
        wait_for_port(port, serve, log)
        yield serve, port, log


def signed_in(port: int, username: str) -> Client:
    browser = Client(port, "127.0.0.1")
    page = browser.get("/accounts/login/")
    assert browser.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(page), "username": username,
                                                  "password": PASSWORD, "next": ""}).status == 302
    return browser


def close_class_cut_off(cluster, browser: Client, code: str, kill) -> object:
    """Post 结班 of ``code``, hold it where it has written the completions' ledger entries and waits to write the
    certificates, then ``kill()``; the browser's answer (or the exception it got)."""
    csrf = csrf_token(browser.get(f"/classes/{code}/?tab=closing"))
    held = Held(cluster, "classes_certificate")  # written after the three completions' ledger entries
    outcome = {}
    request = threading.Thread(target=lambda: outcome.update(
        answer=_try(browser.post_form, f"/classes/{code}/close/", {"csrfmiddlewaretoken": csrf})))
    request.start()
    try:
        held.wait_for_writer()
        kill()
        request.join(timeout=60)
    finally:
        held.release()
    return outcome["answer"]


def close_class_again(cluster, browser: Client, code: str, before: tuple):
    """The staff closes the class again: three completions, three certificates, three ledger entries, once."""
    csrf = csrf_token(browser.get(f"/classes/{code}/?tab=closing"))
    assert browser.post_form(f"/classes/{code}/close/", {"csrfmiddlewaretoken": csrf}).status == 302
    assert "已结班" in browser.get(f"/classes/{code}/?tab=closing").body
    assert _class_state(cluster, code) == (True, 3, 3)
    (rows, _), _ = cluster.ledger()
    assert rows == before[0][0] + 3
    cluster.assert_clean()


def kill_postgres(cluster) -> list[int]:
    """SIGKILL to the postmaster; its backends, which notice it is gone."""
    postmaster = int((cluster.server.data / "postmaster.pid").read_text().split()[0])
    backends = children(postmaster)
    os.kill(postmaster, signal.SIGKILL)
    return backends


def restart_postgres(cluster, backends: list[int]):
    """Once the orphaned backends have gone, start the server again: crash recovery."""
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in backends) and time.monotonic() < deadline:
        time.sleep(0.1)
    (cluster.server.data / "postmaster.pid").unlink(missing_ok=True)
    cluster.server.start()


def test_kill_9_of_the_web_process_during_a_class_closing_writes_nothing_and_closing_again_completes(cluster):
    before = cluster.ledger()
    assert _class_state(cluster, "BC1") == (False, 0, 0)
    with served(cluster, "close") as (serve, port, log):
        browser = signed_in(port, "school_staff")
        [web] = children(serve.pid)
        answer = close_class_cut_off(cluster, browser, "BC1", lambda: os.kill(web, signal.SIGKILL))
        assert isinstance(answer, Exception)  # the connection dropped
        assert cluster.ledger() == before and _class_state(cluster, "BC1") == (False, 0, 0)
        cluster.assert_clean()
        wait_for_port(port, serve, log)   # gunicorn has started a new web process
        close_class_again(cluster, browser, "BC1", before)


def test_kill_9_of_postgresql_during_a_class_closing_writes_nothing_and_closing_again_completes(cluster):
    before = cluster.ledger()
    assert _class_state(cluster, "BC2") == (False, 0, 0)
    with served(cluster, "close-pg") as (serve, port, log):
        browser = signed_in(port, "school_staff")
        backends = []
        answer = close_class_cut_off(cluster, browser, "BC2", lambda: backends.extend(kill_postgres(cluster)))
        # the page answers with the error page (the database went away), not a closed class
        assert not isinstance(answer, Exception) and answer.status == 500, answer
        assert "系统内部错误" in answer.body and "Traceback" not in answer.body and "psycopg" not in answer.body
        restart_postgres(cluster, backends)
        assert cluster.ledger() == before and _class_state(cluster, "BC2") == (False, 0, 0)
        cluster.assert_clean()
        # the same web process reconnects; closing again completes once
        close_class_again(cluster, browser, "BC2", before)


def _try(call, *args):
    try:
        return call(*args)
    except Exception as exc:  # noqa: BLE001 - the point is that the request fails
        return exc


def _current_snapshots(cluster) -> list[tuple]:
    with cluster.connect() as conn:
        return conn.execute("SELECT id, plan_id, as_of, rows FROM plans_verdictsnapshot WHERE state = 'current' "
                            "ORDER BY id").fetchall()


def rebuild_cut_off(cluster, start, kill):
    """Start a rebuild (``start()`` gives its process), hold it where it has begun its new snapshot (committed,
    计算中) and waits to write its first verdicts, then ``kill(process)``."""
    held = Held(cluster, "plans_storedverdict")
    process = start()
    try:
        held.wait_for_writer(written=False)
        with cluster.connect() as conn:
            assert conn.execute("SELECT COUNT(*) FROM plans_verdictsnapshot WHERE state = 'building'").fetchone()[0]
        kill(process)
        process.wait(timeout=60)
    finally:
        held.release()
        stop(process)


def _rebuild_command(cluster) -> subprocess.Popen:
    return subprocess.Popen([*ganxun_command(), "verdicts", "rebuild"], env=cluster.env(), cwd=cluster.tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _worker(cluster) -> subprocess.Popen:
    return subprocess.Popen([*ganxun_command(), "worker"], env=cluster.env(), cwd=cluster.tmp,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _rebuilt_again(cluster, ready: list[tuple]):
    """The rebuild run again replaces every current snapshot by a new one with the same verdicts, and the store
    agrees with a fresh evaluation."""
    again = _current_snapshots(cluster)
    assert [r[1:] for r in again] == [r[1:] for r in ready]
    assert not {r[0] for r in again} & {r[0] for r in ready}
    cluster.assert_clean()


def test_kill_9_of_a_verdict_rebuild_leaves_the_store_consistent_and_a_rerun_succeeds(cluster):
    ready = _current_snapshots(cluster)
    assert ready
    rebuild_cut_off(cluster, lambda: _rebuild_command(cluster), lambda p: os.killpg(p.pid, signal.SIGKILL))
    assert _current_snapshots(cluster) == ready   # the old snapshots serve on
    cluster.assert_clean()
    again = cluster.ganxun("verdicts", "rebuild")
    assert again.returncode == 0 and "已重算" in again.stdout, again.stderr
    _rebuilt_again(cluster, ready)


PARALLEL_REBUILD = """
import django
django.setup()
from django.core.management import call_command
from ganxun.plans import store
store.CHUNK = 2   # the seeded world in several chunks, so that it is written by other processes
call_command("verdicts", "rebuild", "--jobs", "2")
"""


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_kill_9_of_a_rebuild_in_several_processes_takes_its_processes_with_it(cluster):
    """Only the command is killed, not its process group: the processes it forked die with it, as they would
    under a supervisor that kills the one pid it knows, and the old snapshots serve on."""
    ready = _current_snapshots(cluster)
    forked = []

    def start():
        return subprocess.Popen([sys.executable, "-c", PARALLEL_REBUILD], env=cluster.env(), cwd=cluster.tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(process):
        forked.extend(children(process.pid))
        assert forked, "the rebuild forked its processes"
        os.kill(process.pid, signal.SIGKILL)

    rebuild_cut_off(cluster, start, kill)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in forked) and time.monotonic() < deadline:
        time.sleep(0.05)
    outlived = [pid for pid in forked if _alive(pid)]
    for pid in outlived:   # not left behind when the test fails
        os.kill(pid, signal.SIGKILL)
    assert not outlived, "a forked rebuild process outlived the command"
    assert _current_snapshots(cluster) == ready
    cluster.assert_clean()


def test_kill_9_of_postgresql_during_a_verdict_rebuild_leaves_the_store_consistent_and_a_rerun_succeeds(cluster):
    ready = _current_snapshots(cluster)
    backends = []
    rebuild_cut_off(cluster, lambda: _rebuild_command(cluster), lambda p: backends.extend(kill_postgres(cluster)))
    restart_postgres(cluster, backends)
    assert _current_snapshots(cluster) == ready
    cluster.assert_clean()
    again = cluster.ganxun("verdicts", "rebuild")
    assert again.returncode == 0 and "已重算" in again.stdout, again.stderr
    _rebuilt_again(cluster, ready)


SUBMIT_REBUILD = """
import django, sys
django.setup()
from ganxun.accounts.models import User
from ganxun.jobs.services import job_rerun, job_submit
user = User.objects.get(username="city_admin")
if sys.argv[1] == "submit":
    job = job_submit(acting_user=user, kind="verdicts_rebuild", title="重算达标结论", params={"plan": sys.argv[2]})
else:
    job = job_rerun(acting_user=user, job_id=int(sys.argv[2]))
print(job.pk)
"""


def _job(cluster, *args: str) -> int:
    done = subprocess.run([sys.executable, "-c", SUBMIT_REBUILD, *args], env=cluster.env(), cwd=cluster.tmp,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[-1])


def _job_status(cluster, job: int) -> tuple:
    with cluster.connect() as conn:
        return conn.execute("SELECT status, message FROM jobs_job WHERE id = %s", [job]).fetchone()


def _wait_for_status(cluster, job: int, wanted: set[str], timeout: float) -> tuple:
    deadline = time.monotonic() + timeout
    while (found := _job_status(cluster, job))[0] not in wanted and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_kill_9_of_the_worker_during_a_background_rebuild_leaves_the_store_and_the_job_can_run_again(cluster):
    ready = _current_snapshots(cluster)
    plan = ready[0][1]
    # what earlier writes queued (their cadres' re-evaluation) is done first, so that the rebuild is what runs
    drained = cluster.ganxun("worker", "--batch")
    assert drained.returncode == 0, drained.stderr
    # a publication's rebuild, queued for the worker as its publisher's job (我的任务)
    job = _job(cluster, "submit", plan)
    rebuild_cut_off(cluster, lambda: _worker(cluster), lambda p: os.killpg(p.pid, signal.SIGKILL))
    assert _current_snapshots(cluster) == ready
    cluster.assert_clean()
    # a worker starting again finds the job's worker gone and marks it 已中断; run again, it completes
    worker = _worker(cluster)
    try:
        assert _wait_for_status(cluster, job, {"interrupted"}, 60)[0] == "interrupted"
        again = _job(cluster, "rerun", str(job))
        status, message = _wait_for_status(cluster, again, {"done", "failed", "interrupted"}, 120)
        assert status == "done", message
        assert "已重算" in message
    finally:
        stop(worker)
    after = _current_snapshots(cluster)
    rebuilt = [r for r in after if r[1] == plan]
    assert [r[1:] for r in rebuilt] == [r[1:] for r in ready if r[1] == plan]
    assert not {r[0] for r in rebuilt} & {r[0] for r in ready}
    assert [r for r in after if r[1] != plan] == [r for r in ready if r[1] != plan]
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
        backends = kill_postgres(cluster)
        importing.communicate(timeout=60)
    finally:
        held.release()
        stop(importing)
    assert importing.returncode != 0
    restart_postgres(cluster, backends)

    assert cluster.ledger() == before
    cluster.assert_clean()
    again = cluster.ganxun("import", "records", str(source), "--quiet")
    assert again.returncode == 0, again.stdout + again.stderr
    (rows, _), _ = cluster.ledger()
    assert rows == before[0][0] + ROWS
    cluster.assert_clean()
