"""The bulk path for ledger writes (architecture.md, "Scale": bulk paths for imports).

Django's ``bulk_create`` compiles every value of every row through the field machinery; for 100,000
entries with their audit events and totals that was most of an import's time. Here rows are written
as plain tuples with one prepared statement: ``COPY`` on PostgreSQL, ``executemany`` on SQLite. The
values are the model instances' own attributes, prepared the way Django would for the few field types
that need it (JSON everywhere, datetimes on SQLite); ``auto_now_add`` fields get the time of the
write. Everything runs in the caller's transaction, like ``bulk_create``.

Ids, when the caller needs them: PostgreSQL hands out a block from the table's sequence before the
``COPY``; SQLite numbers the rows of one ``executemany`` consecutively (one writer at a time holds the
database), so the last id gives them all.
"""

import gc
import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from operator import attrgetter

from django.db import connection, models, transaction

from ganxun.core.lookups import in_chunks
from django.utils import timezone

ID_BLOCK = 200_000
FAST_VENDORS = ("postgresql", "sqlite")
# Django field types written by binary COPY on PostgreSQL, and the type each is sent as.
_PG_TYPES = {
    "CharField": "text", "TextField": "text", "BooleanField": "bool", "DateField": "date",
    "DateTimeField": "timestamptz", "IntegerField": "int4", "PositiveIntegerField": "int4",
    "SmallIntegerField": "int2", "PositiveSmallIntegerField": "int2", "BigIntegerField": "int8",
    "BigAutoField": "int8", "AutoField": "int4", "DecimalField": "numeric",
}


class Columns:
    """How instances of ``model`` become rows: the columns, and the cells that need preparing."""

    def __init__(self, model, now=None):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.names = [f.column for f in self.fields]
        self.now = now or timezone.now()
        self.stamped = [f.attname for f in self.fields
                        if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False)]
        getter = attrgetter(*[f.attname for f in self.fields])
        self._values = getter if len(self.fields) > 1 else (lambda obj: (getter(obj),))
        self._fixups = []
        for i, field in enumerate(self.fields):
            if field.attname in self.stamped:
                continue
            if isinstance(field, models.JSONField):
                self._fixups.append((i, lambda v, enc=field.encoder: None if v is None else
                                     json.dumps(v, ensure_ascii=False, cls=enc)))
            elif connection.vendor != "postgresql" and isinstance(field, models.DateTimeField):
                self._fixups.append((i, lambda v, f=field: f.get_db_prep_save(v, connection)))
        stamp = {f.attname: f.get_db_prep_save(self.now, connection) for f in self.fields if f.attname in self.stamped}
        self._stamps = [(i, stamp[f.attname]) for i, f in enumerate(self.fields) if f.attname in stamp]

    def pg_types(self) -> list[str] | None:
        """The PostgreSQL type of every column, for binary ``COPY`` (``None`` if a field has no plain type)."""
        types = []
        for field in self.fields:
            target = field.target_field if field.is_relation else field
            name = _PG_TYPES.get(target.get_internal_type())
            if name is None:
                return None
            types.append(name)
        return types

    def index(self, attname: str) -> int:
        return next(i for i, f in enumerate(self.fields) if f.attname == attname)

    def row(self, obj) -> list:
        """The cells of one instance (its ``auto_now_add`` attributes are set to the time of the write)."""
        for attname in self.stamped:
            setattr(obj, attname, self.now)
        cells = list(self._values(obj))
        for i, how in self._fixups:
            cells[i] = how(cells[i])
        for i, value in self._stamps:
            cells[i] = value
        return cells


def insert_instances(objs: Sequence, model: type[models.Model] | None = None, *, typed: bool = False) -> None:
    """Insert unsaved instances of one model and set their primary keys (like ``bulk_create``).

    ``objs`` may also be plain objects with the model's attributes (``model`` says which). ``typed``: every
    value already has its column's Python type (``Decimal`` for decimals, ``date`` for dates, ``bool``…), as
    an import's checked rows have; PostgreSQL then gets them by binary ``COPY`` (a third cheaper to send and
    to parse than text, and it refuses a value of the wrong type instead of guessing).
    """
    if not objs:
        return
    model = model or type(objs[0])
    if connection.vendor not in FAST_VENDORS:
        names = [f.attname for f in model._meta.concrete_fields]
        instances = [o if isinstance(o, models.Model) else model(**{n: getattr(o, n) for n in names}) for o in objs]
        model.objects.bulk_create(instances, batch_size=2000)
        for obj, instance in zip(objs, instances):
            obj.pk = instance.pk
        return
    columns = Columns(model)
    ids = insert_rows(model, columns.names, map(columns.row, objs), count=len(objs), returning_ids=True,
                      types=columns.pg_types() if typed else None)
    is_model = isinstance(objs[0], models.Model)
    for obj, pk in zip(objs, ids):
        obj.pk = pk
        if is_model:
            obj._state.adding = False
            obj._state.db = connection.alias


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence], *, count: int,
                returning_ids: bool = False, types: Sequence[str] | None = None) -> list[int]:
    """Write ``count`` prepared rows of ``columns``; with ``returning_ids``, their new ids in order.

    ``types`` (PostgreSQL type names of ``columns``, from ``Columns.pg_types``): send the rows by binary
    ``COPY``; every value must then be of its column's Python type.
    """
    if not count:
        return []
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids: list[int] = []
            if returning_ids:
                # one array of ids from the table's sequence (a row each would be a fetch of 100,000 rows)
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
                sequence = cursor.fetchone()[0]
            while returning_ids and len(ids) < count:
                cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
                               [sequence, min(ID_BLOCK, count - len(ids))])
                ids += cursor.fetchone()[0]
            binary = " (FORMAT BINARY)" if types else ""
            if returning_ids:
                pk_type = _PG_TYPES[model._meta.pk.get_internal_type()]
                with cursor.cursor.copy(f"COPY {quote(table)} ({quote(pk)}, {names}) FROM STDIN{binary}") as copy:
                    if types:
                        copy.set_types([pk_type, *types])
                    write = copy.write_row
                    for pk_value, row in zip(ids, rows):
                        write((pk_value, *row))
            else:
                with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN{binary}") as copy:
                    if types:
                        copy.set_types(list(types))
                    for row in rows:
                        copy.write_row(row)
            return ids
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})", list(rows))
        if not returning_ids:
            return []
        cursor.execute("SELECT last_insert_rowid()")
        last = cursor.fetchone()[0]
        return list(range(last - count + 1, last + 1))


ANALYZE_AFTER = 10_000


def analyze_after_commit(count: int, *models_: type[models.Model] | tuple[type[models.Model], tuple[str, ...]],
                         threshold: int = ANALYZE_AFTER) -> None:
    """After a bulk load of ``count`` rows, refresh PostgreSQL's statistics of these tables at commit.

    Autovacuum would, but only after a tenth of the table changed; until then the planner thinks the
    new rows are not there (the city's evaluation took 1.4 s instead of 0.8 s after a load).

    A table given as ``(model, columns)`` has only those columns analysed: the ones its queries filter,
    join and group on. The planner needs nothing of a wide JSON column, and reading its sample is most of
    the cost (the verdict store's three tables: 0.7 s whole, 0.15 s by their key columns).
    """
    if connection.vendor != "postgresql" or count < threshold:
        return
    quote = connection.ops.quote_name
    parts = []
    for item in models_:
        model, columns = item if isinstance(item, tuple) else (item, ())
        listed = f" ({', '.join(quote(model._meta.get_field(c).column) for c in columns)})" if columns else ""
        parts.append(quote(model._meta.db_table) + listed)
    tables = ", ".join(parts)
    # Once per transaction: a streamed import appends in many batches of 10,000, and fifty ANALYZEs
    # of the same tables at its commit would take as long as the import itself.
    if any(getattr(func, "ganxun_analyze", None) == tables for _, func, *_ in connection.run_on_commit):
        return

    def analyze():
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
    analyze.ganxun_analyze = tables
    transaction.on_commit(analyze)


@contextmanager
def gc_paused():
    """No cyclic garbage collection while a bulk job holds 100,000s of fresh objects.

    Every few hundred allocations the collector would walk them all again, for nothing: they are
    alive until the job ends. It runs again afterwards (only if it was on).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class SeenKeys:
    """The keys an import has met so far, in a temporary table of this connection (not in memory).

    ``e:<外部编号>`` and ``n:<hash of the natural key>`` name a row's key, ``c:<id>`` an entry a row
    matched; each keeps the number of the first row that had it. Created inside the import's
    transaction, so a rollback takes it away as well; a dry run (no transaction) drops it itself.
    """

    TABLE = "ganxun_import_seen"

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.TABLE} "
                           "(k VARCHAR(80) PRIMARY KEY, row_number INTEGER NOT NULL)")
            cursor.execute(f"DELETE FROM {self.TABLE}")

    def rows_of(self, keys) -> dict[str, int]:
        """Which of ``keys`` were met before, and in which row."""
        found: dict[str, int] = {}
        keys = list(keys)
        if not keys:
            return found
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # one text parameter split by the server: psycopg dumps a list of 10,000 strings element
                # by element in Python. No key holds a line break (an 外部编号 with whitespace is refused).
                cursor.execute(f"SELECT k, row_number FROM {self.TABLE} WHERE k = ANY(string_to_array(%s, E'\\n'))",
                               ["\n".join(keys)])
                found.update(cursor.fetchall())
            else:
                for part in in_chunks(keys):
                    cursor.execute(f"SELECT k, row_number FROM {self.TABLE} WHERE k IN ({', '.join(['%s'] * len(part))})",
                                   part)
                    found.update(cursor.fetchall())
        return found

    def add(self, items: dict[str, int]) -> None:
        if not items:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.TABLE} (k, row_number) FROM STDIN") as copy:
                    for item in items.items():
                        copy.write_row(item)
            else:
                cursor.executemany(f"INSERT INTO {self.TABLE} (k, row_number) VALUES (%s, %s)", list(items.items()))

    def drop(self) -> None:
        if connection.needs_rollback:
            return  # the transaction is lost anyway, and takes the table with it
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
