"""The database triggers that make the audit tables append-only (see ganxun.audit.chain).

Installed by migration 0009 and again after every ``migrate`` (idempotent): on SQLite a migration that
rebuilds a table drops its triggers, and the post-migrate pass puts them back.
"""

TABLES = ("audit_auditevent", "audit_auditanchor")
MESSAGE = "审计日志只能追加，不能修改或删除（归档请用 ganxun audit archive）"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ganxun_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_auditevent'
       AND coalesce(current_setting('ganxun.audit_archive', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _pg(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ganxun_audit_append_only()"]


def _sqlite(table: str) -> list[str]:
    # only the audit rows themselves may be archived; an anchor is never deleted
    permit = "WHEN NOT coalesce(ganxun_audit_permit(), 0) " if table == "audit_auditevent" else ""
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} {permit}"
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"]


def install(connection) -> None:
    statements = []
    if connection.vendor == "postgresql":
        statements = [PG_FUNCTION] + [s for t in TABLES for s in _pg(t)]
    elif connection.vendor == "sqlite":
        statements = [s for t in TABLES for s in _sqlite(t)]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def reinstall_after_migrate(sender, using, **kwargs) -> None:
    """``post_migrate``: put the triggers back if a migration rebuilt an audit table."""
    from django.db import connections

    from ganxun.audit.models import AuditEvent

    connection = connections[using]
    if AuditEvent._meta.db_table in connection.introspection.table_names():
        install(connection)
