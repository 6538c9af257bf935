"""Bounded values for the API's parameters and bodies: what the database can store and the engine can count,
so that an out-of-range value is a 422 naming the field, never a database overflow (a 500)."""

from typing import Annotated

from ninja import Field

from ganxun.core.dates import BoundedDate  # noqa: F401  (dates between 1950-01-01 and 2100-12-31)

# a row id: a positive 64-bit integer (SQLite and PostgreSQL bigint)
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# a count that fits a database integer column (quotas, capacities, ordering)
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# a year the system can hold dates of
Year = Annotated[int, Field(ge=1950, le=2100)]
