"""One computation for many askers: a result kept in the cache every process shares, worked out by the first
request that misses it while the others asking the same wait for it.

Twenty officers opening one dashboard just after a write would otherwise each work out the same page at once,
on the same two cores, and all wait twenty times as long.

A family of keys (the same page under each state of the database) may also keep its ``latest`` value: while the
first asker works out the value for a new state, the others may be given the latest one at once, when it is young
enough for them (``stale_seconds``), instead of waiting; and a latest value younger still (``fresh_seconds``) is
given without working anything out. Under a steady stream of writes the page then costs one computation at a
time and at most about one per ``fresh_seconds``, not one per write with every asker waiting on it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

WAIT_SECONDS = 5.0      # how long the others wait for the first before they work it out themselves
POLL_SECONDS = 0.02


def kept_once(key: str, compute: Callable[[], object], seconds: int, *, keep: Callable[[object], bool] = bool,
              latest: str | None = None, fresh_seconds: float = 0.0, stale_seconds: float = 0.0):
    """The value kept under ``key``, else ``compute()``'s, kept for ``seconds`` when ``keep(value)``: computed by
    one asker at a time (a marker under ``key + ":computing"``), the others polling for the value meanwhile.

    With ``latest`` (the family ``key`` belongs to), a value kept is also kept there with the time its computation
    began. An asker who misses ``key`` gets that value instead when it began at most ``fresh_seconds`` ago, or at
    most ``stale_seconds`` ago while another asker works out any key of the family (a marker under
    ``latest + ":computing"``): one computation of the family at a time, however often its state moves."""
    value = cache.get(key)
    if value is not None:
        return value
    family = None
    if latest is not None and (fresh_seconds > 0 or stale_seconds > 0):
        found = cache.get(latest)
        age = time.time() - found[0] if found is not None else float("inf")
        if age <= fresh_seconds:
            return found[1]
        family = latest + ":computing"
        if not cache.add(family, 1, timeout=int(WAIT_SECONDS) + 1):
            if age <= stale_seconds:
                return found[1]
            family = None   # not this asker's to clear
    try:
        return _once(key, compute, seconds, keep, latest)
    finally:
        if family is not None:
            cache.delete(family)


def _once(key, compute, seconds, keep, latest):
    marker = key + ":computing"
    if not cache.add(marker, 1, timeout=int(WAIT_SECONDS) + 1):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and cache.get(marker) is not None:
            time.sleep(POLL_SECONDS)
            value = cache.get(key)
            if value is not None:
                return value
    began = time.time()
    try:
        value = compute()
        if keep(value):
            cache.set(key, value, seconds)
            if latest is not None:
                found = cache.get(latest)
                if found is None or found[0] <= began:   # a slower computation of an older state does not win
                    cache.set(latest, (began, value), seconds)
        return value
    finally:
        cache.delete(marker)
