"""What every benchmark shares: the named databases, Django set-up, timing and the results file.

Targets (``--db``):
- ``city-sqlite``   the demo city (10,000 cadres, ~490,000 records) in ``var/bench/city.sqlite3``
- ``city-pg``       the same city in a kept PostgreSQL 15 cluster under ``var/bench/pg-city``
- ``province-pg``   the province (see generate.py) in a kept cluster under ``var/bench/pg-province``
- or any ``GANXUN_DATABASE_URL``-style URL.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "bench"
OUT = ROOT / "bench" / "out"
TARGETS = ("city-sqlite", "city-pg", "province-pg")
sys.path.insert(0, str(ROOT / "bench"))


def pg_home(target: str) -> Path:
    return DATA / ("pg-" + target.removesuffix("-pg"))


@contextmanager
def database(target: str, *, keep: bool = True, pg_settings: dict | None = None):
    """Yield the URL of ``target``, starting (and afterwards stopping) its PostgreSQL if it has one.

    ``pg_settings`` are extra server settings for this run (``{"jit": "off"}``).
    """
    from pg import postgres

    DATA.mkdir(parents=True, exist_ok=True)
    if target == "city-sqlite":
        ctx = nullcontext(f"sqlite:///{DATA / 'city.sqlite3'}")
    elif target.endswith("-pg"):
        ctx = postgres(pg_home(target), keep=keep, settings=pg_settings)
    else:
        ctx = nullcontext(target)
    with ctx as url:
        yield url


def pg_settings_arg(values: list[str]) -> dict:
    """``["jit=off", "work_mem=1GB"]`` → ``{"jit": "off", "work_mem": "1GB"}`` (the ``--pg-set`` option)."""
    return dict(v.split("=", 1) for v in values or [])


def setup_django(url: str) -> None:
    """Point Django at ``url`` (demo mode: no TLS redirect) and set it up."""
    os.environ["GANXUN_DATABASE_URL"] = url
    os.environ.setdefault("GANXUN_MODE", "demo")
    os.environ.setdefault("GANXUN_VAR_DIR", str(DATA))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ganxun.settings"
    import django

    django.setup()


class Timer:
    """``with timer("name"):`` blocks, printed as they finish and kept for the results file."""

    def __init__(self):
        self.figures: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str):
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.figures[name] = round(seconds, 3)
        print(f"  {name:58s} {seconds:9.2f} s", flush=True)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    return {"n": len(ordered), "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
            "p50_ms": round(at(0.50) * 1000, 1), "p95_ms": round(at(0.95) * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def save(bench: str, target: str, figures: dict) -> None:
    """Append one run to bench/out/results.jsonl (what the README's tables were made from)."""
    OUT.mkdir(parents=True, exist_ok=True)
    line = {"bench": bench, "target": target, "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
            **figures}
    with (OUT / "results.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def bare_pass() -> float:
    """One bare SQL pass over the ledger grouped by cadre: the limit a figure is compared with in the same run."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cadre_id, SUM(credit_hours), COUNT(*) FROM records_learningrecord GROUP BY cadre_id")
        cursor.fetchall()
    return time.perf_counter() - started
