"""``field__any_of=[...]``: one array parameter instead of one placeholder per value (PostgreSQL).

An import looks up 100,000 外部编号 at once. ``__in`` would send 100,000 placeholders in chunks of
900 (SQLite's old limit) that the driver rewrites one by one; ``= ANY(%s)`` sends the list as one
array and uses the same index. On SQLite the lookup is a plain ``IN``; ``filter_any`` uses it in one
query on PostgreSQL and in chunks of ``__in`` elsewhere.
"""

from collections.abc import Iterable, Iterator

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, QuerySet

IN_CHUNK = 900  # stay under SQLite's bound-parameter limit on old builds


@Field.register_lookup
@ForeignObject.register_lookup  # ``cadre_id__any_of``: related fields keep lookups of their own
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [self.rhs_params_list()]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler, connection):
        """No arrays here: a plain ``IN`` (``filter_any`` keeps each one under the parameter limit)."""
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = self.rhs_params_list()
        if not values:
            return "0 = 1", list(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]

    def rhs_params_list(self) -> list:
        return [getattr(v, "pk", v) for v in self.rhs]


def in_chunks(values: Iterable, size: int = IN_CHUNK) -> Iterator[list]:
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i:i + size]


def filter_any(queryset: QuerySet, field: str, values: Iterable) -> Iterator[QuerySet]:
    """Querysets that together hold the rows whose ``field`` is one of ``values`` (one on PostgreSQL)."""
    values = list(values)
    if not values:
        return
    if connection.vendor == "postgresql":
        yield queryset.filter(**{f"{field}__any_of": values})
        return
    for chunk in in_chunks(values):
        yield queryset.filter(**{f"{field}__in": chunk})
