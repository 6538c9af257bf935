"""Build the benchmark databases.

    .venv/bin/python bench/generate.py city-sqlite     # the demo city: 10,000 cadres, ~490,000 records
    .venv/bin/python bench/generate.py city-pg         # the same city on PostgreSQL 15
    .venv/bin/python bench/generate.py province-pg     # 1,000,000 cadres, ~50,000,000 records (PostgreSQL)
    .venv/bin/python bench/generate.py province-pg --copies 1   # 200,000 cadres, a smaller province

The city is ``ganxun demo --size city`` (``build_demo``: the registry through the ORM, the ledger through
the ledger's bulk path, the totals in one aggregate) with its ledger ending on 2025-12-31 rather than on
the day of the build, so that the figures measured on it can be reproduced on any day.

The province starts from the demo's ``province`` size (9 cities, 100,000 cadres, no ledger), copies
the registry ``--copies`` times (``pgload.clone_cadres``), then draws 2018–2025 of training for every
cadre with the demo's own generator (``ganxun.demo.records``) and loads it with ``COPY`` into the
ledger stripped of its indexes, rebuilds the indexes and constraints, and fills the per-year totals
with one ``INSERT … SELECT`` (``load_totals``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, TARGETS, Timer, database, pg_home, save, setup_django  # noqa: E402


def build_city(timer: Timer) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from ganxun.demo.generator import REFERENCE_DATE, build_demo

    with timer("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timer("build_demo('city')  (registry + ledger + totals)"):
        summary = build_demo("city", last_day=REFERENCE_DATE - date.resolution)
    if connection.vendor == "postgresql":
        import pgload

        with timer("ANALYZE"), connection.cursor() as cursor:
            pgload.analyze(cursor)
    return {"cadres": summary.cadres, "records": summary.records}


def build_province(timer: Timer, copies: int, seed: int) -> dict:
    from datetime import date

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    import pgload
    from ganxun.cadres.models import Cadre
    from ganxun.demo.generator import REFERENCE_DATE, build_demo
    from ganxun.demo.records import (COLUMNS, cadre_infos, check_columns, load_totals, plan_entries,
                                     region_names, row_maker)
    from ganxun.records.models import CadreYearTotal, LearningRecord
    from ganxun.resources.models import Institution

    with timer("migrate"):
        call_command("migrate", interactive=False, verbosity=0)
    with timer("build_demo('province', records=False)  (100,000 cadres)"):
        build_demo("province", seed, records=False)
    with timer(f"clone the registry x{copies + 1}"), transaction.atomic(), connection.cursor() as cursor:
        pgload.clone_cadres(cursor, copies)
        pgload.analyze(cursor, "cadres_cadre")
    cadres = Cadre.objects.count()
    print(f"  {cadres:,} cadres", flush=True)

    check_columns()
    table = LearningRecord._meta.db_table
    institutions = {i.code: i for i in Institution.objects.all()}
    make_row = row_maker(connection, timezone.now())
    loaded = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        with timer("drop the ledger's indexes and constraints"):
            restore = pgload.drop_indexes(cursor, table)
        # (read the registry before the COPY: the connection cannot fetch from a cursor during a COPY)
        infos = list(cadre_infos(Cadre.objects.all()))
        entries = plan_entries(infos, institutions, seed, region_names=region_names(),
                               last_day=REFERENCE_DATE - date.resolution, id_prefix="BENCH", id_digits=8)

        def rows():
            nonlocal loaded
            for n, entry in enumerate(entries, 1):
                entry.pk = n
                loaded = n
                if n % 2_000_000 == 0:
                    print(f"    {n:>12,} rows  {n / (time.perf_counter() - started):,.0f} rows/s", flush=True)
                yield make_row(entry)

        with timer("draw the ledger and COPY it in"):
            pgload.copy_rows(cursor, table, COLUMNS, rows())
        print(f"  {loaded:,} records", flush=True)
        with timer("rebuild the ledger's indexes and constraints"):
            pgload.restore(cursor, restore)
        pgload.reset_sequence(cursor, table)
    totals_table = CadreYearTotal._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        restore = pgload.drop_indexes(cursor, totals_table)
        with timer("totals: one INSERT … SELECT (load_totals)"):
            totals = load_totals()
        with timer("rebuild the totals' indexes and constraints"):
            pgload.restore(cursor, restore)
    with timer("ANALYZE"), connection.cursor() as cursor:
        pgload.analyze(cursor, table, CadreYearTotal._meta.db_table, "cadres_cadre")
        sizes = pgload.table_sizes(cursor, table, CadreYearTotal._meta.db_table, "cadres_cadre")
    print(f"  {totals:,} total rows; sizes {sizes}", flush=True)
    return {"cadres": cadres, "records": loaded, "totals": totals, "sizes": sizes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("--copies", type=int, default=9, help="province: copies of the 100,000-cadre registry")
    parser.add_argument("--seed", type=int, default=2026)
    opts = parser.parse_args()

    # Start from nothing: remove an earlier build of this target.
    if opts.target == "city-sqlite":
        for suffix in ("", "-wal", "-shm"):
            (DATA / f"city.sqlite3{suffix}").unlink(missing_ok=True)
    else:
        shutil.rmtree(pg_home(opts.target), ignore_errors=True)
    timer = Timer()
    print(f"生成基准数据 {opts.target}", flush=True)
    started = time.perf_counter()
    with database(opts.target) as url:
        setup_django(url)
        if opts.target.startswith("city"):
            figures = build_city(timer)
        else:
            figures = build_province(timer, opts.copies, opts.seed)
    figures["seconds_total"] = round(time.perf_counter() - started, 1)
    if opts.target.endswith("-pg"):
        from pg import du

        figures["disk"] = du(pg_home(opts.target))
    print(f"完成：{figures}")
    save("generate", opts.target, {**figures, "steps": timer.figures})
    return 0


if __name__ == "__main__":
    sys.exit(main())
