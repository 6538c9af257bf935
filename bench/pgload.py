"""PostgreSQL-only bulk loading for the province benchmark: everything that is not portable SQL is here.

- ``drop_indexes``/``restore``: drop a table's indexes and key/foreign-key constraints for a load and
  put the very same definitions back afterwards (``pg_get_indexdef``/``pg_get_constraintdef``). Building an
  index once over 50 M rows is far cheaper than maintaining eight of them row by row, and deferred
  foreign-key checks on 50 M rows would queue 50 M trigger events.
- ``copy_rows``: ``COPY … FROM STDIN`` through psycopg's ``cursor.copy()``.
- ``clone_cadres``: multiply the registry (the generator's province has 100,000 cadres) by copying it
  with new person codes and ID numbers, in one ``INSERT … SELECT``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def _raw(cursor):
    """The psycopg cursor under Django's wrapper (or the psycopg cursor itself)."""
    return getattr(cursor, "cursor", cursor)


def drop_indexes(cursor, table: str) -> list[str]:
    """Drop ``table``'s indexes and primary-key, unique and foreign-key constraints.

    Returns the statements that put the very same definitions back (``restore``).
    """
    cur = _raw(cursor)
    constraints = cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype = 'f', contype <> 'p'",
        [table]).fetchall()
    indexes = cur.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table]).fetchall()
    # other tables' foreign keys onto this one (a class enrolment's record) hang on its primary key: off first
    referencing = cur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND conrelid <> confrelid AND contype = 'f'", [table]).fetchall()
    for other, name, _ in referencing:
        cur.execute(f'ALTER TABLE {other} DROP CONSTRAINT "{name}"')
    for name, _ in reversed(constraints):
        cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    return ([f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
            + [definition for _, definition in indexes]
            + [f'ALTER TABLE {other} ADD CONSTRAINT "{name}" {definition}' for other, name, definition in referencing])


def restore(cursor, statements: list[str]) -> None:
    cur = _raw(cursor)
    for statement in statements:
        cur.execute(statement)


def copy_rows(cursor, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """``COPY table (columns) FROM STDIN`` of Python rows; returns how many were sent."""
    names = ", ".join(f'"{c}"' for c in columns)
    count = 0
    with _raw(cursor).copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def reset_sequence(cursor, table: str, column: str = "id") -> None:
    _raw(cursor).execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX(\"{column}\"), 1)) "
                         f'FROM "{table}"', [table, column])


def clone_cadres(cursor, copies: int) -> int:
    """Add ``copies`` copies of every cadre (new 人员编码 and 身份证号, same unit, rank and flags).

    Person codes continue the demo's numbering (GB + 8 digits). An ID number's first digit (the
    province, 4 for 河南) is swapped for another digit per copy, so every number stays unique; they are
    placeholders for a benchmark, not valid numbers. The number is stored sealed (``core.crypto``): a copy
    keeps the original's ciphertext (it decrypts to the original number) and gets a distinct keyed hash (its first
    character swapped for one outside base64) and masked form (first digit swapped), which is all a benchmark's
    lookups and lists need.
    """
    if copies > 9:
        raise ValueError("at most 9 copies (one per replacement digit)")
    cur = _raw(cursor)
    columns = [r[0] for r in cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cadres_cadre' "
        "AND column_name NOT IN ('id', 'person_code', 'id_hash', 'id_masked') ORDER BY ordinal_position").fetchall()]
    base = cur.execute("SELECT MAX(substr(person_code, 3)::bigint) FROM cadres_cadre").fetchone()[0]
    names = ", ".join(f'"{c}"' for c in columns)
    digits = "1235678909"
    # a hash's first character becomes one no hash has (they are base64url): a digit could be its own first
    # character, and the copy would be the original
    marks = "!#$%&*+^~"
    cur.execute(
        f"INSERT INTO cadres_cadre (person_code, id_hash, id_masked, {names}) "
        f"SELECT 'GB' || lpad((substr(c.person_code, 3)::bigint + k * %s)::text, 8, '0'), "
        f"       substr(%s, k, 1) || substr(c.id_hash, 2), substr(%s, k, 1) || substr(c.id_masked, 2), "
        f"       {', '.join(f'c.{n}' for n in names.split(', '))} "
        f"FROM cadres_cadre c CROSS JOIN generate_series(1, %s) AS k ORDER BY k, c.person_code",
        [base, marks, digits, copies])
    return cur.rowcount


def analyze(cursor, *tables: str) -> None:
    """Planner statistics after a bulk load (autovacuum would get there too, but only later)."""
    cur = _raw(cursor)
    if not tables:
        cur.execute("ANALYZE")
    for table in tables:
        cur.execute(f'ANALYZE "{table}"')


def table_sizes(cursor, *tables: str) -> dict[str, str]:
    cur = _raw(cursor)
    return {t: cur.execute("SELECT pg_size_pretty(pg_total_relation_size(%s::regclass))", [t]).fetchone()[0]
            for t in tables}
