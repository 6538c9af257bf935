"""Time importing 100,000 learning records into the city (the 培训记录 spreadsheet import).

    .venv/bin/python bench/bench_import.py city-pg
    .venv/bin/python bench/bench_import.py city-sqlite -n 100000

The rows are 100,000 new entries for about 2,500 of the city's cadres, drawn by the demo's generator
with another seed (classes, online courses, lectures, study sessions, self-study; each with a
外部编号 ``IMP-…``), written as the records spreadsheet (.xlsx, the import template's columns).
Timed separately:
1. reading the workbook (``core.tabular.read_table``: python-calamine),
2. ``records.importers.import_records(dry_run=True)``: every row checked and matched, nothing written,
3. ``import_records(dry_run=False)``: checked, matched and written (entries, totals, audit events), in
   a transaction that is rolled back afterwards, so the benchmark database stays as it was;
4. on PostgreSQL, ``SET CONSTRAINTS ALL IMMEDIATE`` before the rollback: the deferred foreign-key
   checks that a COMMIT would run.
Rows per second = rows / ((3) + (4)); end to end adds (1).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, OUT, TARGETS, Timer, database, save, setup_django  # noqa: E402
from ganxun.core.roles import UNSCOPED_OPERATOR

HEADERS = ["外部编号", "人员编码", "身份证号", "姓名", "培训名称", "培训形式", "内容类别", "培训机构", "开始日期",
           "结束日期", "天数", "学时", "系统培训", "结业"]


class Rollback(Exception):
    pass


def make_rows(n: int, seed: int) -> list[list]:
    """``n`` spreadsheet rows of new entries for the city's cadres (every 4th cadre, in code order)."""
    from ganxun.cadres.models import Cadre
    from ganxun.core.choices import ContentCategory
    from ganxun.demo.records import cadre_infos, plan_entries, region_names
    from ganxun.records.models import EntryKind, RecordSource
    from ganxun.resources.models import Institution

    sources = dict(RecordSource.choices)
    categories = dict(ContentCategory.choices)
    cadres = {c.pk: c for c in Cadre.objects.only("id", "person_code", "name")}
    infos = [c for i, c in enumerate(cadre_infos(Cadre.objects.all())) if i % 4 == 0]
    institutions = {i.code: i for i in Institution.objects.all()}
    rows: list[list] = []
    for e in plan_entries(infos, institutions, seed, region_names=region_names(), id_prefix="IMP",
                          last_day=date(2025, 12, 31)):
        if e.kind != EntryKind.ENTRY or e.status != "approved":
            continue
        cadre = cadres[e.cadre_id]
        rows.append([e.external_id, cadre.person_code, "", cadre.name, e.title, sources[e.source],
                     categories.get(e.content_category, ""), e.institution.code if e.institution else e.institution_name,
                     e.start_date, e.end_date, e.days, float(e.hours), "是" if e.is_system_training else "否",
                     "是" if e.completed else "否"])
        if len(rows) == n:
            break
    if len(rows) < n:
        raise RuntimeError(f"only {len(rows)} rows")
    return rows


def write_xlsx(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("培训记录")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=TARGETS)
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=99)
    parser.add_argument("--profile", action="store_true", help="cProfile the import (step 3) into bench/out/")
    opts = parser.parse_args()
    with database(opts.target) as url:
        setup_django(url)
        from django.db import connection, transaction

        from ganxun.core.tabular import read_table
        from ganxun.records.models import CadreYearTotal, LearningRecord

        try:
            from ganxun.records.importers import import_records
        except ImportError:      # the importer is another engineer's; without it, time the service underneath
            import_records = None
        timer = Timer()
        print(f"{opts.target}: importing {opts.n:,} records ({connection.vendor})", flush=True)
        with timer("prepare the rows (demo generator, another seed)"):
            rows = make_rows(opts.n, opts.seed)
        path = DATA / f"import-{opts.n}.xlsx"
        with timer("write the .xlsx (xlsxwriter, not part of the import)"):
            write_xlsx(path, rows)
        if connection.vendor == "postgresql":
            # an earlier run's rolled-back rows are dead tuples until vacuumed: start from a clean table
            with timer("VACUUM ANALYZE (not part of the import)"), connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE records_learningrecord, records_cadreyeartotal, audit_auditevent")
        before = (LearningRecord.objects.count(), CadreYearTotal.objects.count())
        data = path.read_bytes()
        with timer("1. read_table (.xlsx, calamine)"):
            table = read_table(data, path.name)
        if import_records is None:
            raise SystemExit("ganxun.records.importers.import_records 不存在")
        with timer("2. import_records dry_run=True (check + match)"):
            report = import_records(acting_user=UNSCOPED_OPERATOR, table=table, dry_run=True)
        try:
            with transaction.atomic():
                profiler = cProfile.Profile() if opts.profile else None
                with timer("3. import_records (check + match + write), rolled back"):
                    if profiler:
                        profiler.enable()
                    report = import_records(acting_user=UNSCOPED_OPERATOR, table=table)
                    if profiler:
                        profiler.disable()
                if profiler:
                    text = io.StringIO()
                    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(50)
                    text.write("\n\n==== by own time\n")
                    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
                    (OUT / f"profile-import-{opts.target}.txt").write_text(text.getvalue(), encoding="utf-8")
                written = LearningRecord.objects.count() - before[0]
                if connection.vendor == "postgresql":
                    # The foreign keys are DEFERRABLE INITIALLY DEFERRED: their checks run at COMMIT,
                    # which a rolled-back run never reaches. Run them now so they are counted.
                    with timer("4. deferred foreign-key checks (what COMMIT adds)"), connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                raise Rollback
        except Rollback:
            pass
        after = (LearningRecord.objects.count(), CadreYearTotal.objects.count())
        assert after == before, "the rollback left rows behind"
        seconds = (timer.figures["3. import_records (check + match + write), rolled back"]
                   + timer.figures.get("4. deferred foreign-key checks (what COMMIT adds)", 0))
        end_to_end = seconds + timer.figures["1. read_table (.xlsx, calamine)"]
        figures = {"rows": opts.n, "written": written, "summary": report.summary(), "steps": timer.figures,
                   "rows_per_s": round(opts.n / seconds), "rows_per_s_end_to_end": round(opts.n / end_to_end),
                   "xlsx_mb": round(len(data) / 1048576, 1)}
        print(f"  {report.summary()}; {written:,} entries written then rolled back")
        print(f"  import: {figures['rows_per_s']:,} rows/s; with reading the workbook: "
              f"{figures['rows_per_s_end_to_end']:,} rows/s ({figures['xlsx_mb']} MB .xlsx)")
        save("import", opts.target, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
