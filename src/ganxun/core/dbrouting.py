"""Report reads from a streaming replica (``GANXUN_REPLICA_URL``); everything else on the primary.

Only code that says so reads from the replica: a view decorated with ``@reads_from_replica`` (the 达标评估
dashboard, its lists and export, the archive, the compliance API), or a block inside ``replica_reads()``.
Inside it the ORM's reads go to the ``replica`` alias, except when

- the replica is not usable: unreachable, not a standby, or replaying more than
  ``GANXUN_REPLICA_MAX_LAG_SECONDS`` behind the primary (looked at once per ``GANXUN_REPLICA_CHECK_SECONDS``
  per process; the log says when it stops and starts being used);
- the request comes from a browser that wrote within ``GANXUN_READ_YOUR_WRITES_SECONDS`` (the cookie set by
  ``ReadYourWritesMiddleware`` after every POST, PUT, PATCH or DELETE): it reads its own write;
- a transaction is open on the primary, or the block has written already: what it reads next may be what it
  has just written, which only the primary has;
- the model is one whose rows must be current (sessions, lockouts, background jobs and their queue).

Writes and migrations never go to the replica: it is a read-only standby and would refuse them.
"""

import logging
import threading
import time
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger("ganxun.dbrouting")

REPLICA = "replica"
COOKIE = "ganxun_wrote"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Rows a page acts on right after another request changed them: always read where they are written.
PRIMARY_ONLY_APPS = {"sessions", "axes", "jobs", "django_tasks_db"}


class _Scope:
    """One ``replica_reads`` block: whether its reads may go to the replica, and whether it has written."""

    __slots__ = ("use_replica", "wrote")

    def __init__(self, use_replica: bool):
        self.use_replica = use_replica
        self.wrote = False


_scope: ContextVar[_Scope | None] = ContextVar("ganxun_replica_scope", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


# ---- the replica's health, looked at once per GANXUN_REPLICA_CHECK_SECONDS per process ---------------

class _Health:
    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.state = "ok"  # so that the first problem found is logged


_health = _Health()

# The standby's side of the lag: caught up when it has replayed what the primary has flushed (the primary's
# position is read first, so a later one only makes it look further behind); otherwise behind by the time
# since the last commit it replayed. The two clocks are the servers' own (keep them in NTP).
_STANDBY_LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
            ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END
"""


def _look_at_replica() -> tuple[str, str]:
    """``(state, why)``: one look at the replica, and at the primary for its position. ``state`` is ``ok``,
    ``down``, ``not_standby`` or ``lagging``."""
    replica = connections[REPLICA]
    if replica.vendor != "postgresql" or connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        return "ok", ""  # a mirror of the primary (a test set-up): nothing can lag
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_flush_lsn()")
        primary_lsn = cursor.fetchone()[0]
    try:
        with replica.cursor() as cursor:
            cursor.execute(_STANDBY_LAG_SQL, [primary_lsn])
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        _close(replica)  # the next look connects afresh
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return "down", f"无法连接（{first_line}）"
    if not in_recovery:
        return "not_standby", "它不是备库（不在恢复状态，可能已被提升为主库）"
    if lag is None:
        return "lagging", "它落后于主库，且启动以来还没有重放过任何事务"
    limit = settings.GANXUN_REPLICA_MAX_LAG_SECONDS
    if float(lag) > limit:
        return "lagging", f"它落后于主库 {float(lag):.1f} 秒，超过 GANXUN_REPLICA_MAX_LAG_SECONDS（{limit:g} 秒）"
    return "ok", ""


def _close(connection):
    with suppress(DatabaseError):
        connection.close()


def _record(state: str, why: str):
    """Keep the outcome of a look; log it when it differs from the last one."""
    if state != _health.state:
        if state == "ok":
            logger.info("只读副本恢复可用，报表重新从只读副本读取")
        else:
            logger.warning("只读副本不可用，报表改从主库读取：%s", why)
    _health.state, _health.checked_at = state, time.monotonic()


def replica_usable() -> bool:
    """Whether reports may read from the replica now."""
    if not replica_configured():
        return False
    if time.monotonic() - _health.checked_at < settings.GANXUN_REPLICA_CHECK_SECONDS:
        return _health.state == "ok"
    with _health.lock:
        if time.monotonic() - _health.checked_at >= settings.GANXUN_REPLICA_CHECK_SECONDS:
            _record(*_look_at_replica())
        return _health.state == "ok"


def forget_replica_health():
    """Look at the replica again at the next read (tests; after a failover)."""
    with _health.lock:
        _health.checked_at = float("-inf")


# ---- reading your own writes ------------------------------------------------------------------------

def wrote_recently(request) -> bool:
    """Whether this browser sent a write request within ``GANXUN_READ_YOUR_WRITES_SECONDS``."""
    raw = request.COOKIES.get(COOKIE, "")
    try:
        wrote_at = float(raw)
    except ValueError:
        return False
    return time.time() - wrote_at < settings.GANXUN_READ_YOUR_WRITES_SECONDS


class ReadYourWritesMiddleware:
    """Marks the browser after each write request, so that its next report pages read from the primary.

    A cookie with the time, not the session: the API's clients have no session, and the cookie costs no
    database write. A forged one only sends its own sender to the primary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in UNSAFE_METHODS:
            response.set_cookie(COOKIE, f"{time.time():.3f}", max_age=int(settings.GANXUN_READ_YOUR_WRITES_SECONDS) + 1,
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        return response


# ---- where the reports read --------------------------------------------------------------------------

@contextmanager
def replica_reads(request=None):
    """Within the block, reads go to the replica when it is usable and ``request`` (if given) has not just
    written; blocks nest."""
    outer = _scope.get()
    if outer is not None:
        yield
        return
    use = replica_configured() and not (request is not None and wrote_recently(request)) and replica_usable()
    token = _scope.set(_Scope(use))
    try:
        yield
    finally:
        _scope.reset(token)


def reads_from_replica(view):
    """A report view whose reads may be answered by the replica (see the module's docstring).

    When the replica fails under a view that has not written yet (it went down after the last look), the view
    runs again on the primary: a report is worth a second try, an error page is not.
    """
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # who is asking comes from the primary: a session made a moment ago may not be on the replica yet
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 (loads the lazy user)
        if not replica_configured() or _scope.get() is not None:
            with replica_reads(request):
                return view(request, *args, **kwargs)
        replica = connections[REPLICA] if REPLICA in connections.settings else None
        if replica is not None:
            replica.errors_occurred = False
        scope = None
        try:
            with replica_reads(request):
                scope = _scope.get()
                return view(request, *args, **kwargs)
        except DatabaseError as exc:
            if replica is None or scope is None or not (scope.use_replica and not scope.wrote
                                                         and replica.errors_occurred):
                raise
            _close(replica)
            with _health.lock:
                _record("down", f"查询失败（{(str(exc).strip().splitlines() or [type(exc).__name__])[0]}）")
        token = _scope.set(_Scope(False))
        try:
            return view(request, *args, **kwargs)
        finally:
            _scope.reset(token)
    wrapper.reads_from_replica = True
    return wrapper


def reading_from_replica() -> bool:
    """Whether a read made here now would go to the replica."""
    scope = _scope.get()
    return (scope is not None and scope.use_replica and not scope.wrote
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block)


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry when ``GANXUN_REPLICA_URL`` is set."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        return REPLICA if reading_from_replica() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True  # what this block reads next may be what it has just written
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # the replica holds the primary's rows: an object read there may be linked to one read from the primary
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


# ---- a mark of the database's state, for results kept in the cache under it ---------------------------

_MARK_SQL = ("SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
             "ELSE pg_current_wal_insert_lsn() END")


def change_mark() -> str | None:
    """Where the database the reads go to is in its write-ahead log, as a short string; None where there is no
    such mark (SQLite) or it would not hold (inside a transaction, which may read its own uncommitted writes).

    On the primary it is the log's insert position, which every commit moves before its rows become visible; on
    a standby, the position replayed so far (the rows up to it are visible). So a result worked out after reading
    the mark shows at least the state the mark names, and one kept under it may be given to whoever reads the same
    mark later: nothing was committed in between. Any write moves it (a session's touch, a page pruned by a read),
    so a kept result is worked out again more often than it changes, never served after a change."""
    alias = REPLICA if reading_from_replica() else DEFAULT_DB_ALIAS
    connection = connections[alias]
    if connection.vendor != "postgresql" or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_MARK_SQL)
        position = cursor.fetchone()[0]
    return f"{alias}:{connection.settings_dict['NAME']}:{position}"
