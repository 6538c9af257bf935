"""Rate limits: a fixed-window counter per (limit, key) in the Django cache.

A rate is written ``N/PERIOD`` — ``10/m``, ``120/min``, ``1000/h``, ``5/30s`` — and an empty value (or
``off``) means no limit. The settings ``GANXUN_RATE_LOGIN`` (login form posts, per client address and per
username) and ``GANXUN_RATE_API`` (every request under ``/api/``, per client address and per account or
token) hold them (docs/operations.md).

The counters live in ``caches["default"]``: in production the file-based cache under ``VAR_DIR/cache``, which
every gunicorn worker of the machine shares, so a client cannot multiply its allowance by the number of
workers. (A ``LocMemCache`` is per process: with it each worker would count alone.) The file cache's increment
is a read and a write, so two workers counting the same key at the same instant may lose one count: the limit
is a bound on abuse, not an exact quota. A cache that cannot be written (a full disk) counts nothing and
lets the request through, with a warning in the log: the limit fails open, the site stays up.
"""

import hashlib
import logging
import math
import re
import time
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger("ganxun.ratelimit")
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


def parse_rate(text: str | None, setting: str = "rate") -> Rate | None:
    """``"10/m"`` → ``Rate(10, 60)``; empty or ``off`` → None (no limit); anything else is a configuration error."""
    raw = (text or "").strip().lower()
    if raw in ("", "off", "none", "0"):
        return None
    match = _RATE.match(raw)
    if not match or match.group(3) not in _UNITS or int(match.group(1)) < 1:
        raise ImproperlyConfigured(f"{setting} 应形如 10/m、120/min、1000/h 或 5/30s（次数/时长），留空或 off 表示不限，"
                                   f"而不是 {text!r}")
    seconds = int(match.group(2) or 1) * _UNITS[match.group(3)]
    return Rate(int(match.group(1)), max(seconds, 1))


def _clock() -> float:
    return time.time()


def hit(limit: str, key: str, rate: Rate | None) -> int | None:
    """Count one request of ``key`` against ``limit``; the seconds until the window ends when it is over the
    rate (the ``Retry-After``), else None."""
    if rate is None or not key:
        return None
    from django.core.cache import cache

    now = _clock()
    window = int(now // rate.seconds)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]  # a token or a username never lands in a file name
    cache_key = f"ganxun:rate:{limit}:{digest}:{rate.seconds}:{window}"
    try:
        if cache.add(cache_key, 1, timeout=rate.seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add and incr: a new window
                cache.add(cache_key, 1, timeout=rate.seconds + 1)
                count = 1
    except Exception:  # the cache cannot be written (a full disk): serve rather than refuse everyone
        log.warning("频率限制计数失败（缓存不可写），本次请求不计数", exc_info=True)
        return None
    if count <= rate.count:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def setting_rate(name: str) -> Rate | None:
    from django.conf import settings

    return parse_rate(getattr(settings, name, ""), name)


def first_over(limit: str, keys: list[str], rate: Rate | None) -> int | None:
    """Count the request against every key (``ip:…``, ``user:…``: each its own counter); the longest wait among
    those over the rate, or None."""
    waits = [w for w in (hit(limit, k, rate) for k in keys) if w is not None]
    return max(waits) if waits else None
