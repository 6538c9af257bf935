"""The audit trail as a hash chain, and the one path that may delete from it (archiving).

Each ``AuditEvent`` stores ``row_hash`` = SHA-256 of its canonical content (``canonical``) together with
``prev_hash``, the ``row_hash`` of the row before it in ``id`` order (the first row, or the first after an
archive, links to the anchor the archive left in ``AuditAnchor``). Writers take one lock per transaction
before they read the chain's head, so two transactions never link to the same row:

* PostgreSQL: ``pg_advisory_xact_lock(CHAIN_LOCK)``, held until the writing transaction ends. Audit rows
  are written in the transaction of the change they record (imports, the ledger), so audit writers run one
  at a time from their first audit row to their commit; a transaction takes the lock once however many
  rows it writes.
* SQLite: a writing transaction already holds the database's one write lock.

Database triggers (migration 0009) refuse every UPDATE of an audit row and every DELETE except inside
``archive_permit()``: on PostgreSQL it sets ``ganxun.audit_archive = 'on'`` for the transaction (``SET
LOCAL``), which the trigger reads; on SQLite the trigger calls the SQL function ``ganxun_audit_permit()``,
which this process registers on each of its connections and which answers from ``_permit`` below (any other
program, the sqlite3 shell too, has no such function and its DELETE fails).
"""

import hashlib
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC

from django.db import connection

GENESIS = "0" * 64
CHAIN_LOCK = 0x6A78_4155  # "gxAU": the advisory lock key of the audit chain
_permit: ContextVar[bool] = ContextVar("audit_archive_permit", default=False)
HASHED_FIELDS = ("created_at", "actor_name", "actor_role", "actor_scope", "address", "event_type", "subject_type",
                 "subject_code", "subject_label", "extra", "outcome", "reason")


def _normal(value):
    """A value as it reads back from the database (tuples become lists, keys become strings)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def canonical(fields: dict) -> bytes:
    """The content one row's hash covers, from a dict with ``HASHED_FIELDS`` and ``prev_hash``."""
    created = fields["created_at"].astimezone(UTC).isoformat(timespec="microseconds")
    body = [fields["prev_hash"], created] + [fields[name] for name in HASHED_FIELDS[1:]]
    body[HASHED_FIELDS.index("extra") + 1] = _normal(fields["extra"])
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def fields_of(event) -> dict:
    return {name: getattr(event, name) for name in (*HASHED_FIELDS, "prev_hash")}


def lock_chain() -> None:
    """Serialize audit writers on PostgreSQL until this transaction ends (a no-op on SQLite)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def chain_head() -> str:
    """The hash the next row links to: the newest row's, else the newest archive's anchor, else GENESIS (one query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE((SELECT row_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1), "
                       "(SELECT last_hash FROM audit_auditanchor ORDER BY id DESC LIMIT 1), %s)", [GENESIS])
        return cursor.fetchone()[0]


def link(events) -> None:
    """Give ``events`` (unsaved, in the order they will be inserted) their place at the head of the chain.

    Call inside the transaction that inserts them; outside one (autocommit) the lock would end at once, so
    the caller wraps lock, read and insert in ``transaction.atomic()``.
    """
    lock_chain()
    prev = chain_head()
    for event in events:
        event.prev_hash = prev
        event.row_hash = prev = row_hash(fields_of(event))


def permitted() -> bool:
    return _permit.get()


@contextmanager
def archive_permit():
    """Inside the caller's transaction, let DELETE through the triggers (``ganxun audit archive``, flush)."""
    token = _permit.set(True)
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ganxun.audit_archive = 'on'")
        yield
    finally:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL ganxun.audit_archive = 'off'")
        _permit.reset(token)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """``connection_created``: SQLite's triggers ask ``ganxun_audit_permit()`` whether a DELETE may pass."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("ganxun_audit_permit", 0, lambda: 1 if _permit.get() else 0,
                                              deterministic=False)
