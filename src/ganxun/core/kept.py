"""One computation for many askers: a result kept in the cache every process shares, worked out by the first
request that misses it while the others asking the same wait for it.

Twenty officers opening one dashboard just after a write would otherwise each work out the same page at once,
on the same two cores, and all wait twenty times as long.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

WAIT_SECONDS = 5.0      # how long the others wait for the first before they work it out themselves
POLL_SECONDS = 0.02


def kept_once(key: str, compute: Callable[[], object], seconds: int, *, keep: Callable[[object], bool] = bool):
    """The value kept under ``key``, else ``compute()``'s, kept for ``seconds`` when ``keep(value)``: computed by
    one asker at a time (a marker under ``key + ":computing"``), the others polling for the value meanwhile."""
    value = cache.get(key)
    if value is not None:
        return value
    marker = key + ":computing"
    if not cache.add(marker, 1, timeout=int(WAIT_SECONDS) + 1):
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline and cache.get(marker) is not None:
            time.sleep(POLL_SECONDS)
            value = cache.get(key)
            if value is not None:
                return value
    try:
        value = compute()
        if keep(value):
            cache.set(key, value, seconds)
        return value
    finally:
        cache.delete(marker)
