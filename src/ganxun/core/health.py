"""Is the system able to serve? (``/healthz``)."""

from django.db import connection


def database_answers() -> bool:
    """The database runs a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means the same to a load balancer: not now
        return False
    return True
