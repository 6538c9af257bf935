"""Bounded values for the API's parameters and bodies: what the database can store and the engine can count,
so that an out-of-range value is a 422 naming the field, never a database overflow (a 500)."""

from datetime import date
from typing import Annotated

from ninja import Field
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from ganxun.core.dates import DAY_RANGE, day_problem


def _in_bounds(day: date) -> date:
    if day_problem("", day):
        raise PydanticCustomError("date_out_of_range", "日期超出可接受的范围（{range}）", {"range": DAY_RANGE})
    return day


# a date (between 1950-01-01 and 2100-12-31): outside the bounds it is a 422 naming the field
BoundedDate = Annotated[date, AfterValidator(_in_bounds)]

# a row id: a positive integer that a JSON client reads exactly (2**53 - 1, within SQLite's and PostgreSQL's
# bigint; 16 digits, so the description never holds a run of digits that looks like a 身份证号)
Id = Annotated[int, Field(ge=1, le=2**53 - 1)]
# a count that fits a database integer column (quotas, capacities, ordering)
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# a year the system can hold dates of
Year = Annotated[int, Field(ge=1950, le=2100)]
