"""The days a user may ask about: evaluation dates, period bounds and filters between 1950-01-01 and 2100-12-31.

The engine counts windows years back from a date (five years before ``0001-01-01`` is no date at all) and
forward to the end of a plan period; a date outside these bounds is answered with a message that names the
parameter and the range, on the API (422), the pages (a warning, or 400 for a download) and the command line.
"""

from datetime import date

from ganxun.core.errors import DomainError

EARLIEST_DAY = date(1950, 1, 1)
LATEST_DAY = date(2100, 12, 31)
DAY_RANGE = f"{EARLIEST_DAY.isoformat()} 至 {LATEST_DAY.isoformat()}"


def day_problem(name: str, day: date) -> str | None:
    """Why ``day`` cannot be used for the parameter ``name``, or None when it can."""
    if EARLIEST_DAY <= day <= LATEST_DAY:
        return None
    return f"{name}「{day.isoformat()}」超出可接受的范围（{DAY_RANGE}）"


def parse_day(name: str, text: str) -> tuple[date | None, str | None]:
    """A ``YYYY-MM-DD`` text as a day within the bounds, or ``(None, message)`` naming ``name``."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None, f"{name}「{text}」不是 YYYY-MM-DD 格式的日期"
    problem = day_problem(name, day)
    return (None, problem) if problem else (day, None)


def day_or_error(name: str, text: str) -> date:
    """:func:`parse_day`, raising ``DomainError(code="invalid_date")`` on a bad text."""
    day, problem = parse_day(name, text)
    if problem:
        raise DomainError(problem, code="invalid_date", extra={"parameter": name, "earliest": EARLIEST_DAY.isoformat(),
                                                               "latest": LATEST_DAY.isoformat()})
    return day
