"""Reports read from a streaming replica: two PostgreSQL 15 servers, the second a hot standby of the first
(``pg_basebackup -R``, physical streaming replication), and ``ganxun serve`` with ``GANXUN_REPLICA_URL``.

Physical replication makes the standby a copy of the primary, so no row can exist only there. Which server
answered is shown instead by pausing the standby's replay (``pg_wal_replay_pause()``) and then writing: a page
answered by the standby does not have the write yet, one answered by the primary does. The standby is read
only, so a write sent to it would fail the request.

Both servers run from a temporary directory, on sockets only, as the ``postgres`` user when the tests run as
root (PostgreSQL refuses root), and are stopped and removed afterwards. Without PostgreSQL 15's binaries the
tests fail rather than skip: the replica set-up is part of what ``make test`` proves.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import PASSWORD
from tests.deploy.conftest import Client, csrf_token, free_port, ganxun_command, stop, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("GANXUN_PG_BIN", "/usr/lib/postgresql/15/bin"))
PLAN, AS_OF = "henan-2019-2022", "2022-12-31"
WRITER, READER = "admin", "province_admin"  # both see every cadre
CADRE = "C-DC-1"
FAST = "-c fsync=off -c full_page_writes=off"  # a test's server: nothing here needs to survive a crash


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _pg(tool: str, *args: str, **kw):
    return subprocess.run(_as_postgres([str(PG_BIN / tool), *args]), check=True, capture_output=True, text=True,
                          **kw)


@dataclass
class Server:
    """One PostgreSQL server: its data directory and the directory of its socket."""

    data: Path
    socket: Path
    options: str

    def start(self):
        _pg("pg_ctl", "-D", str(self.data), "-l", str(self.data.parent / f"{self.data.name}.log"), "-w", "start",
            "-o", f"-k {self.socket} -c listen_addresses='' {self.options}")

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            _pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self) -> str:
        return f"postgres://postgres@/ganxun?host={self.socket}"

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(host=str(self.socket), user="postgres", dbname="ganxun", autocommit=True) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def one(self, sql: str, params=()):
        return self.query(sql, params)[0][0]


@dataclass
class Replicated:
    primary: Server
    standby: Server
    servers: dict  # name -> (port, log)
    token: str

    def browser(self, server: str = "main") -> Client:
        return Client(self.servers[server][0], "127.0.0.1")

    def log(self, server: str) -> str:
        return self.servers[server][1].read_text(encoding="utf-8", errors="replace")

    def wait_for_replay(self, timeout: float = 20.0):
        """Until the standby has replayed everything the primary has flushed until now."""
        target = self.primary.one("SELECT pg_current_wal_flush_lsn()::text")
        deadline = time.monotonic() + timeout
        while not self.standby.one("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)):
            assert time.monotonic() < deadline, f"备库 {timeout:.0f} 秒内没有重放到 {target}"
            time.sleep(0.05)

    @contextmanager
    def replay_paused(self):
        """The standby keeps receiving the primary's WAL but applies none of it until the block ends."""
        self.wait_for_replay()
        self.standby.query("SELECT pg_wal_replay_pause()")
        try:
            yield
        finally:
            self.standby.query("SELECT pg_wal_replay_resume()")
            self.wait_for_replay()


def _require_postgres():
    missing = [tool for tool in ("initdb", "pg_ctl", "pg_basebackup", "postgres") if not (PG_BIN / tool).exists()]
    if missing:
        pytest.fail(f"没有找到 PostgreSQL 15 的 {', '.join(missing)}（{PG_BIN}；Debian：apt-get install postgresql-15，"
                    "或用 GANXUN_PG_BIN 指明目录）：只读副本的测试需要它们")


SEED = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from tests.conftest import build_world
from tests.factories import add_institution
from ganxun.accounts.services import token_create
from ganxun.core.roles import UNSCOPED_OPERATOR
world = build_world()
add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"])
print(token_create(acting_user=UNSCOPED_OPERATOR, username="%s", name="replica test", days=None)[1])
""" % READER


def _app_env(tmp: Path, primary: Server, standby: Server | None, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GANXUN_") and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({"GANXUN_MODE": "demo", "GANXUN_DATABASE_URL": primary.url(), "GANXUN_VAR_DIR": str(tmp / "var"),
                "GANXUN_SECRET_KEY": "replica-test-" + "k" * 50, "GANXUN_ALLOWED_HOSTS": "ganxun.intra",
                "DJANGO_SETTINGS_MODULE": "ganxun.settings",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])), **extra})
    if standby is not None:
        env["GANXUN_REPLICA_URL"] = standby.url()
    return env


@pytest.fixture(scope="module")
def replicated():
    _require_postgres()
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="ganxun-replica-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, True)
        for sub in ("primary-socket", "standby-socket"):
            (tmp / sub).mkdir()
        if os.geteuid() == 0:
            for path in (tmp, tmp / "primary-socket", tmp / "standby-socket"):
                shutil.chown(path, "postgres")
        primary = Server(tmp / "primary", tmp / "primary-socket",
                         f"{FAST} -c wal_level=replica -c max_wal_senders=4 -c wal_keep_size=64MB")
        standby = Server(tmp / "standby", tmp / "standby-socket", f"{FAST} -c hot_standby=on")

        _pg("initdb", "-D", str(primary.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8",
            "--locale=C.UTF-8")
        primary.start()
        stack.callback(primary.stop)
        with psycopg.connect(host=str(primary.socket), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE ganxun")
        # The application servers start while the primary is migrated and filled (they read nothing at start).
        servers, processes = {}, []
        base = dict(GANXUN_BACKGROUND_EVALUATION_CADRES="1000000")
        configs = {
            # looks at the replica at every report; a lag of minutes (a paused replay) is still accepted
            "main": dict(GANXUN_REPLICA_MAX_LAG_SECONDS="600", GANXUN_REPLICA_CHECK_SECONDS="0"),
            # reads from the replica only when it is at most one second behind
            "strict": dict(GANXUN_REPLICA_MAX_LAG_SECONDS="1", GANXUN_REPLICA_CHECK_SECONDS="0"),
            # looks once and then trusts the replica for ten minutes: finds a failure only by a query failing
            "trusting": dict(GANXUN_REPLICA_MAX_LAG_SECONDS="600", GANXUN_REPLICA_CHECK_SECONDS="600"),
        }
        for name, extra in configs.items():
            port, log = free_port(), tmp / f"serve-{name}.log"
            handle = stack.enter_context(open(log, "wb"))
            process = subprocess.Popen(
                [*ganxun_command(), "serve", "--port", str(port), "--no-migrate", "--no-worker", "--threads", "2",
                 # one web process each: every process watches the replica on its own, and the tests read one
                 # process's transitions (unavailable, then available again) from its log
                 "--workers", "1"],
                env=_app_env(tmp, primary, standby, **base, **extra), cwd=tmp, stdout=handle,
                stderr=subprocess.STDOUT, start_new_session=True)
            stack.callback(stop, process)
            processes.append((port, process, log))
            servers[name] = (port, log)

        seeded = subprocess.run([sys.executable, "-c", SEED], env=_app_env(tmp, primary, None), cwd=tmp,
                                capture_output=True, text=True)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        token = seeded.stdout.strip().splitlines()[-1]

        # the standby: a base backup of the primary that streams from it (-R writes primary_conninfo and
        # standby.signal), as docs/operations.md sets one up
        _pg("pg_basebackup", "-h", str(primary.socket), "-U", "postgres", "-D", str(standby.data), "-R",
            "-X", "stream", "--checkpoint=fast", "--no-sync")
        standby.start()
        stack.callback(standby.stop)
        for port, process, log in processes:
            wait_for_port(port, process, log)
        print(f"\n两台 PostgreSQL（主库与备库）和 3 个 ganxun serve 已就绪：{time.monotonic() - started:.1f} 秒")
        yield Replicated(primary, standby, servers, token)


# ---- what a user does -------------------------------------------------------------------------------

def log_in(env: Replicated, username: str, server: str = "main", *, forget_the_write: bool = False) -> Client:
    browser = env.browser(server)
    form = browser.get("/accounts/login/")
    response = browser.post_form("/accounts/login/", {"csrfmiddlewaretoken": csrf_token(form), "username": username,
                                                      "password": PASSWORD, "next": ""})
    assert response.status == 302, (response.status, response.body[:500])
    if forget_the_write:
        # a login is a write too (the session): this browser stands for one whose last write is long past
        browser.cookies.pop("ganxun_wrote")
    return browser


def add_record(browser: Client, title: str, hours: int = 8):
    form = browser.get("/records/new/")
    assert form.status == 200, form.status
    response = browser.post_form("/records/new/", {
        "csrfmiddlewaretoken": csrf_token(form), "person_code": CADRE, "title": title, "source": "full_time",
        "content_category": "professional", "institution": "DX4199", "start_date": "2022-05-06",
        "end_date": "2022-05-10", "days": "", "hours": str(hours), "completed": "on"})
    assert response.status in (200, 302), (response.status, response.body[:500])


def archive_titles(browser: Client) -> str:
    page = browser.get(f"/archive/{CADRE}/?plan={PLAN}&as_of={AS_OF}")
    assert page.status == 200, (page.status, page.body[:500])
    return page.body


def api_hours(env: Replicated, server: str = "main") -> float:
    """Hours the compliance API counts for the cadre, summed over the plan's indicators."""
    browser = env.browser(server)
    response = browser.get(f"/api/v1/cadres/{CADRE}/compliance?plan={PLAN}&as_of={AS_OF}",
                           headers={"Authorization": f"Bearer {env.token}"})
    assert response.status == 200, (response.status, response.body[:500])
    return sum((r["actual"] or {}).get("hours", 0) for r in json.loads(response.body)["results"])


def report_list(browser: Client) -> str:
    """The table of 达标评估's list of the cadre's unit: each cadre's verdicts with the hours found."""
    query = urllib.parse.urlencode({"plan": PLAN, "as_of": AS_OF, "org": "419901CZJ"})
    page = browser.get(f"/reports/cadres/?{query}")
    assert page.status == 200, (page.status, page.body[:500])
    table = re.search(r"<tbody.*?</tbody>", page.body, flags=re.S)
    assert table and CADRE in table.group(0), page.body[:2000]
    return table.group(0)


def on_primary(env: Replicated, title: str) -> int:
    return env.primary.one("SELECT count(*) FROM records_learningrecord WHERE title = %s", (title,))


def on_standby(env: Replicated, title: str) -> int:
    return env.standby.one("SELECT count(*) FROM records_learningrecord WHERE title = %s", (title,))


def unique(label: str) -> str:
    return f"{label}{secrets.token_hex(3)}"


# ---- the tests --------------------------------------------------------------------------------------

def test_a_write_through_the_app_lands_on_the_primary_and_streams_to_the_replica(replicated):
    title = unique("主库写入专题班")

    add_record(log_in(replicated, WRITER), title)

    assert on_primary(replicated, title) == 1
    replicated.wait_for_replay()
    assert on_standby(replicated, title) == 1
    assert replicated.standby.one("SELECT pg_is_in_recovery()") is True


def test_report_pages_and_the_compliance_api_are_answered_by_the_replica(replicated):
    writer = log_in(replicated, WRITER)
    reader = log_in(replicated, READER, forget_the_write=True)
    title = unique("只读副本专题班")
    hours_before = api_hours(replicated)
    list_before = report_list(reader)

    with replicated.replay_paused():
        add_record(writer, title, hours=16)
        assert on_primary(replicated, title) == 1 and on_standby(replicated, title) == 0

        # the replica has not applied the write: whatever answers without it is the replica
        assert title not in archive_titles(reader)
        assert api_hours(replicated) == hours_before
        assert report_list(reader) == list_before
        # the same pages outside the reports read the primary: the record is in the ledger's list
        ledger = reader.get(f"/records/list/?q={urllib.parse.quote(title)}&page_size=100")
        assert ledger.status == 200 and title in ledger.body

    # replayed: the replica answers with it
    assert title in archive_titles(reader)
    assert api_hours(replicated) == hours_before + 16
    assert report_list(reader) != list_before


def test_a_browser_reads_its_own_write_from_the_primary_after_a_post(replicated):
    writer = log_in(replicated, WRITER)
    title = unique("读己所写专题班")

    with replicated.replay_paused():
        add_record(writer, title)
        assert "ganxun_wrote" in writer.cookies
        assert title in archive_titles(writer)  # its own write: from the primary
        assert title not in archive_titles(log_in(replicated, WRITER, forget_the_write=True))  # anyone else: replica


def test_writes_made_by_a_report_go_to_the_primary(replicated):
    reader = log_in(replicated, READER, forget_the_write=True)
    exports = "SELECT count(*) FROM audit_auditevent WHERE event_type = 'exported'"
    before = replicated.primary.one(exports)

    # the export is audited: a write inside a view whose reads go to the replica
    query = urllib.parse.urlencode({"plan": PLAN, "as_of": AS_OF, "org": "419901CZJ"})
    with replicated.replay_paused():
        response = reader.get(f"/reports/export.xlsx?{query}")
        assert response.status == 200, (response.status, response.body[:500])
        assert response.header("Content-Type").startswith("application/vnd.openxmlformats")
        assert replicated.primary.one(exports) == before + 1
        assert reader.get(f"/reports/dashboard/?{query}").status == 200

    # and a write sent to the standby would have failed the request, not gone unnoticed
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        replicated.standby.query("UPDATE audit_auditevent SET reason = reason WHERE id = 1")


def test_a_replica_further_behind_than_the_limit_is_not_read_from(replicated):
    writer = log_in(replicated, WRITER)
    reader = log_in(replicated, READER, "strict", forget_the_write=True)
    title = unique("副本滞后专题班")

    with replicated.replay_paused():
        add_record(writer, title)
        time.sleep(1.5)  # the strict server accepts one second

        assert title in archive_titles(reader)  # the primary answered
        assert title not in archive_titles(log_in(replicated, READER, forget_the_write=True))  # main: the replica
    assert "只读副本不可用，报表改从主库读取：它落后于主库" in replicated.log("strict")

    assert title in archive_titles(reader)
    assert "只读副本恢复可用" in replicated.log("strict")


def test_a_stopped_replica_falls_back_to_the_primary(replicated):
    readers = {name: log_in(replicated, READER, name, forget_the_write=True) for name in ("main", "trusting")}
    hours = api_hours(replicated, "trusting")  # its one look at the replica: it is fine
    lists = {name: report_list(browser) for name, browser in readers.items()}
    title = unique("副本停机专题班")

    replicated.standby.stop()
    try:
        add_record(log_in(replicated, WRITER), title)
        for name, browser in readers.items():
            assert title in archive_titles(browser), name
            assert report_list(browser) != lists[name], name
        assert api_hours(replicated, "main") == api_hours(replicated, "trusting") == hours + 8
    finally:
        replicated.standby.start()
    assert re.search(r"只读副本不可用，报表改从主库读取：无法连接", replicated.log("main"))
    # the trusting server learnt it from a failed query, and ran the page again on the primary
    assert re.search(r"只读副本不可用，报表改从主库读取：查询失败", replicated.log("trusting"))

    replicated.wait_for_replay()
    assert title in archive_titles(readers["main"])
    assert "只读副本恢复可用" in replicated.log("main")


def test_the_compliance_command_reads_the_replica(replicated):
    """``ganxun compliance`` is a report too: run beside a deployment with a replica, it reads there."""
    env = _app_env(Path(tempfile.mkdtemp(prefix="ganxun-replica-cli-")), replicated.primary, replicated.standby,
                   GANXUN_REPLICA_MAX_LAG_SECONDS="600", GANXUN_REPLICA_CHECK_SECONDS="0")

    def cli_hours() -> float:
        done = subprocess.run([*ganxun_command(), "compliance", "--plan", PLAN, "--as-of", AS_OF, "--person", CADRE,
                               "--subject", "cadres", "--no-evidence"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        return sum((r["actual"] or {}).get("hours", 0) for r in json.loads(done.stdout)["results"])

    before = cli_hours()
    assert before == api_hours(replicated)
    with replicated.replay_paused():
        add_record(log_in(replicated, WRITER), unique("命令行副本专题班"), hours=12)
        assert cli_hours() == before          # the replica has not applied the write
    replicated.wait_for_replay()
    assert cli_hours() == before + 12
