"""Keeping ``CadreYearTotal`` equal to the ledger, incrementally.

Every service that appends to the ledger passes its new entries to ``apply_entries`` inside its own
transaction. The deltas are summed per bucket in Python (exact ``Decimal``), then written: on
PostgreSQL by one ``INSERT … ON CONFLICT DO UPDATE``; elsewhere (SQLite, whose decimals are floats
underneath, so adding in SQL again and again would drift) by reading the rows, adding, and writing
them back. ``rebuild_totals`` recomputes from the ledger in one ``INSERT … SELECT`` (operations, the
demo, and the property test that the two always agree).
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from ganxun.core.lookups import in_chunks
from ganxun.records.bulk import insert_rows
from ganxun.records.models import CadreYearTotal, EntryKind, LearningRecord

DIMENSIONS = ("source", "content_category", "institution_kind", "institution_recognised", "is_system_training")
NEW_ROW_COLUMNS = ("cadre_id", "year", *DIMENSIONS, "hours", "days", "records")  # the order of ``_key`` + sums
CHUNK = 500


def _key(record: LearningRecord) -> tuple:
    return (record.cadre_id, record.end_date.year, record.source, record.content_category or "",
            record.institution_kind or "", bool(record.institution_recognised), bool(record.is_system_training))


_ENTRY = EntryKind.ENTRY.value


def record_step(kind: str, credit_hours, credit_days) -> int:
    """What a ledger row adds to a count of records: +1 an entry, -1 a reversal, 0 a row without credit."""
    return (1 if kind == _ENTRY else -1) if credit_hours != 0 or credit_days != 0 else 0


def _delta(record: LearningRecord) -> tuple[Decimal, int, int]:
    return (Decimal(record.credit_hours), int(record.credit_days),
            record_step(record.kind, record.credit_hours, record.credit_days))


def apply_entries(records: Iterable[LearningRecord]) -> None:
    """Add the credits of newly written entries (reversals subtract) to the totals."""
    deltas: dict[tuple, list] = defaultdict(lambda: [Decimal("0"), 0, 0])
    for record in records:
        hours, days, count = _delta(record)
        if hours == 0 and days == 0 and count == 0:
            continue
        bucket = deltas[_key(record)]
        bucket[0] += hours
        bucket[1] += days
        bucket[2] += count
    if deltas:
        _write(deltas)


def _write(deltas: dict[tuple, list]) -> None:
    if connection.vendor == "postgresql":
        _upsert(deltas)
        return
    by_cadre: dict[int, list[tuple]] = defaultdict(list)
    for key in deltas:
        by_cadre[key[0]].append(key)
    cadre_ids = sorted(by_cadre)
    for i in range(0, len(cadre_ids), CHUNK):
        chunk = cadre_ids[i: i + CHUNK]
        years = {k[1] for cid in chunk for k in by_cadre[cid]}
        existing = {
            (t.cadre_id, t.year, t.source, t.content_category, t.institution_kind, t.institution_recognised,
             t.is_system_training): t
            for t in CadreYearTotal.objects.select_for_update().filter(cadre_id__in=chunk, year__in=years)
        }
        changed, new = [], []
        for cid in chunk:
            for key in by_cadre[cid]:
                hours, days, count = deltas[key]
                row = existing.get(key)
                if row is None:
                    new.append((*key, hours, days, count))
                else:
                    row.hours += hours
                    row.days += days
                    row.records += count
                    changed.append(row)
        if changed:
            _update_sums(changed)
        if new:
            insert_rows(CadreYearTotal, NEW_ROW_COLUMNS, new, count=len(new))


_DELTAS_TABLE = "ganxun_total_deltas"
_UPSERT = """
INSERT INTO {table} AS t ({columns})
SELECT {columns} FROM {deltas} ORDER BY {key}
ON CONFLICT ({key}) DO UPDATE
SET hours = t.hours + EXCLUDED.hours, days = t.days + EXCLUDED.days, records = t.records + EXCLUDED.records
"""


def _upsert(deltas: dict[tuple, list]) -> None:
    """PostgreSQL: add every bucket's delta in one statement, exact in ``numeric``.

    The deltas go by ``COPY`` into a temporary table (dropped at commit; sending them as arrays took
    five times as long), then ``INSERT … ON CONFLICT … DO UPDATE`` locks and adds in one step, so there
    is nothing to read first. The rows go in key order, so two imports touching the same buckets wait
    for each other rather than deadlock.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in NEW_ROW_COLUMNS)
    key = ", ".join(quote(c) for c in NEW_ROW_COLUMNS[:7])
    with transaction.atomic(), connection.cursor() as cursor:  # the table lives until the commit
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {_DELTAS_TABLE} ON COMMIT DROP AS "
                       f"SELECT {columns} FROM {quote(CadreYearTotal._meta.db_table)} WITH NO DATA")
        cursor.execute(f"TRUNCATE {_DELTAS_TABLE}")
        with cursor.cursor.copy(f"COPY {_DELTAS_TABLE} ({columns}) FROM STDIN") as copy:
            for k, sums in deltas.items():
                copy.write_row((*k, *sums))
        cursor.execute(_UPSERT.format(table=quote(CadreYearTotal._meta.db_table), columns=columns, key=key,
                                      deltas=_DELTAS_TABLE))


_FROM_LEDGER = """
INSERT INTO {table} AS t ({columns})
SELECT l.cadre_id, EXTRACT(YEAR FROM l.end_date)::integer, l.source, l.content_category, l.institution_kind,
       l.institution_recognised, l.is_system_training, SUM(l.credit_hours), SUM(l.credit_days),
       SUM(CASE WHEN l.kind = %s THEN 1 ELSE -1 END)
FROM {ledger} l JOIN unnest(%s::bigint[], %s::bigint[]) AS r(lo, hi) ON l.id BETWEEN r.lo AND r.hi
WHERE l.credit_hours <> 0 OR l.credit_days <> 0
GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
ON CONFLICT ({key}) DO UPDATE
SET hours = t.hours + EXCLUDED.hours, days = t.days + EXCLUDED.days, records = t.records + EXCLUDED.records
"""


class LedgerTotals:
    """The credits of entries a bulk write appends, added to the totals once at its end (``flush``).

    On PostgreSQL only the new entries' id ranges are kept (an import's ids come from the sequence in
    blocks, a few ranges for a whole file), and ``flush`` sums those entries inside the database: one
    ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` with the same buckets and the same counting as
    ``apply_entries`` (an entry that credits nothing is left out; a reversal counts −1), in key order like
    ``_upsert``. No Python objects per entry or per bucket, and memory does not grow with the file.
    Elsewhere ``add`` applies the entries at once (``apply_entries``). The caller flushes inside its
    transaction, before anything reads the totals.
    """

    def __init__(self):
        self.ranges: list[list[int]] = []

    def add(self, records) -> None:
        if connection.vendor != "postgresql":
            apply_entries(records)
            return
        ranges = self.ranges
        for pk in sorted(r.pk for r in records):
            if ranges and ranges[-1][1] + 1 == pk:
                ranges[-1][1] = pk
            else:
                ranges.append([pk, pk])

    def flush(self) -> None:
        if not self.ranges:
            return
        quote = connection.ops.quote_name
        sql = _FROM_LEDGER.format(table=quote(CadreYearTotal._meta.db_table), ledger=quote(LearningRecord._meta.db_table),
                                  columns=", ".join(quote(c) for c in NEW_ROW_COLUMNS),
                                  key=", ".join(quote(c) for c in NEW_ROW_COLUMNS[:7]))
        with connection.cursor() as cursor:
            cursor.execute(sql, [_ENTRY, [lo for lo, _ in self.ranges], [hi for _, hi in self.ranges]])
        self.ranges = []


def _update_sums(rows: list[CadreYearTotal]) -> None:
    """One prepared UPDATE for many rows (``bulk_update`` builds a CASE per row and is slow at scale)."""
    table = connection.ops.quote_name(CadreYearTotal._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET hours = %s, days = %s, records = %s WHERE id = %s",
                           [(r.hours, r.days, r.records, r.pk) for r in rows])


def ledger_sums(cadre_ids: Iterable[int] | None = None):
    """The totals as a fresh aggregate over the ledger (what the incremental table must equal)."""
    qs = LearningRecord.objects.all()
    if cadre_ids is not None:
        qs = qs.filter(cadre_id__in=list(cadre_ids))
    from django.db.models import Case, IntegerField, Value, When
    from django.db.models.functions import ExtractYear

    step = Case(
        When(Q(credit_hours=0) & Q(credit_days=0), then=Value(0)),
        When(kind=EntryKind.ENTRY, then=Value(1)),
        default=Value(-1), output_field=IntegerField())
    return (qs.annotate(year=ExtractYear("end_date"), step=step)
            .values("cadre_id", "year", *DIMENSIONS)
            .annotate(hours=Sum("credit_hours"), days=Sum("credit_days"), records=Sum("step"), n=Count("id"))
            .order_by())


@transaction.atomic
def rebuild_totals(cadre_ids: Iterable[int] | None = None) -> int:
    """Recompute the totals from the ledger; returns the number of total rows written.

    One ``INSERT … SELECT`` over ``ledger_sums`` inside the database (a city's 310,000 rows in seconds;
    building them as objects took 20 s).
    """
    ids = None if cadre_ids is None else list(cadre_ids)
    target = CadreYearTotal.objects.all()
    batches = [None] if ids is None else list(in_chunks(ids))
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(CadreYearTotal._meta.db_table)} ({', '.join(quote(c) for c in NEW_ROW_COLUMNS)}) "
    written = 0
    with connection.cursor() as cursor:
        for batch in batches:
            (target if batch is None else target.filter(cadre_id__in=batch)).delete()
            select = ledger_sums(batch).filter(~(Q(hours=0) & Q(days=0) & Q(records=0))).values(*NEW_ROW_COLUMNS)
            sql, params = select.query.sql_with_params()
            cursor.execute(insert + sql, params)
            written += cursor.rowcount
    return written


def totals_differences() -> int:
    """How many per-year buckets differ between ``CadreYearTotal`` and a fresh sum of the ledger (0 when
    they agree): one FULL OUTER JOIN in the database, so it runs on a province's tens of millions of rows."""
    quote = connection.ops.quote_name
    fresh = ledger_sums().filter(~(Q(hours=0) & Q(days=0) & Q(records=0))).values(*NEW_ROW_COLUMNS)
    sql, params = fresh.query.sql_with_params()
    key = NEW_ROW_COLUMNS[:7]
    on = " AND ".join(f"t.{quote(c)} = f.{quote(c)}" for c in key)
    # hours rounded to their one decimal: SQLite sums decimals as floats (0.1 + 0.2 is not 0.3 there)
    differ = " OR ".join([f"ROUND(t.{quote('hours')}, 1) <> ROUND(f.{quote('hours')}, 1)",
                          *(f"t.{quote(c)} <> f.{quote(c)}" for c in ("days", "records"))])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) f FULL OUTER JOIN {quote(CadreYearTotal._meta.db_table)} t "
                       f"ON {on} WHERE t.{quote('cadre_id')} IS NULL OR f.{quote('cadre_id')} IS NULL OR {differ}",
                       params)
        return cursor.fetchone()[0]
