"""Time ``ganxun import`` as an operator runs it: a subprocess, wall time, rows/s and peak memory.

    .venv/bin/python bench/bench_import.py files DIR --db sqlite|pg [--profile]
    .venv/bin/python bench/bench_import.py onto city-sqlite|city-pg [-n 100000] [--profile]

``files DIR``: a fresh database (``ganxun migrate``), then ``orgs.csv``, ``institutions.csv``, ``cadres.csv``
and ``records.csv`` from DIR imported in that order, each by ``ganxun import KIND FILE`` under
``/usr/bin/time -v`` (wall clock, maximum resident set size). DIR is what the shared contract generator
writes (``python ../shared/tools/genscale.py DIR --cadres 10000 --per-year 10``: a city, 500,000 records
over 5 years; ``--cadres 100000``: 5,000,000). In the same run the limit is measured: on PostgreSQL
``COPY`` of the same records (the CSV's 14 text columns, and the rows the import wrote into a copy of
the ledger table with its indexes); on SQLite one ``executemany`` of the CSV's rows into a plain table.

``onto TARGET``: ``-n`` new records for the demo city's cadres (the demo generator, another seed) written
as CSV and imported by the command into a *copy* of the benchmark database (a copied SQLite file, or
``CREATE DATABASE … TEMPLATE``), so the database stays as it was. (The imports are one durable
transaction now: the old in-process, rolled-back measurement can no longer run inside another one.)

``--profile`` runs the records import under cProfile and writes the top of it to ``bench/out/``.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import pstats
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, OUT, ROOT, database, save  # noqa: E402

GANXUN = ROOT / ".venv" / "bin" / "ganxun"
PYTHON = ROOT / ".venv" / "bin" / "python"
# the records columns of interfaces.md (this script runs without Django; bench_import_rows uses ganxun's own)
HEADERS = ["外部编号", "人员编码", "身份证号", "姓名", "培训名称", "培训形式", "内容类别", "培训机构", "开始日期",
           "结束日期", "天数", "学时", "系统培训", "结业"]
KINDS = ("orgs", "institutions", "cadres", "records")


def env_for(url: str, var: Path) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("GANXUN_")},
            "GANXUN_DATABASE_URL": url, "GANXUN_VAR_DIR": str(var), "GANXUN_MODE": "demo"}


def rows_in(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b"")) - 1


def timed_import(env: dict, kind: str, path: Path, *, profile: Path | None = None, rows: int | None = None) -> dict:
    """One ``ganxun import`` under ``/usr/bin/time -v``: wall seconds, peak RSS, its output."""
    if profile is not None:
        cmd = [str(PYTHON), "-m", "cProfile", "-o", str(profile), "-m", "ganxun.cli", "import", kind, str(path), "--quiet"]
    else:
        cmd = [str(GANXUN), "import", kind, str(path), "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ganxun import {kind} failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
    rows = rows if rows is not None else rows_in(path)  # a workbook's rows are not its lines
    figures = {"kind": kind, "rows": rows, "mb": round(path.stat().st_size / 1048576, 1), "seconds": round(wall, 2),
               "rows_per_s": round(rows / wall), "peak_rss_mb": round(rss_kb / 1024), "output": done.stdout.strip()}
    print(f"  import {kind:12s} {rows:>10,} rows {figures['mb']:>7} MB {wall:9.1f} s {figures['rows_per_s']:>9,} rows/s "
          f"peak RSS {figures['peak_rss_mb']:>6} MB", flush=True)
    return figures


def copy_limit_pg(url: str, path: Path) -> dict:
    """``COPY`` of the same records: the CSV as text, and the written rows into a copy of the ledger table."""
    import psycopg

    figures = {}
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw, bench_ledger")
        conn.execute("CREATE TABLE bench_raw (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                open(path, "rb") as fh:
            fh.read(3)  # the BOM
            while block := fh.read(1 << 20):
                copy.write(block)
        figures["copy_csv_s"] = round(time.perf_counter() - started, 2)
        dump = DATA / "bench_ledger.copy"
        with conn.cursor() as cur, open(dump, "wb") as out, \
                cur.copy("COPY (SELECT * FROM records_learningrecord) TO STDOUT") as copy:
            for block in copy:
                out.write(block)
        conn.execute("CREATE TABLE bench_ledger (LIKE records_learningrecord INCLUDING ALL)")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_ledger FROM STDIN") as copy, open(dump, "rb") as fh:
            while block := fh.read(1 << 20):
                copy.write(block)
        figures["copy_ledger_s"] = round(time.perf_counter() - started, 2)
        figures["copy_ledger_rows"] = conn.execute("SELECT count(*) FROM bench_ledger").fetchone()[0]
        conn.execute("DROP TABLE bench_raw, bench_ledger")
        dump.unlink()
    print(f"  limit: COPY of the CSV {figures['copy_csv_s']} s; COPY of the {figures['copy_ledger_rows']:,} written "
          f"rows into a copy of the ledger (with its indexes) {figures['copy_ledger_s']} s", flush=True)
    return figures


def insert_limit_sqlite(db: Path, path: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE IF EXISTS bench_raw")
    conn.execute("CREATE TABLE bench_raw (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = csv.reader(fh)
        next(rows)
        with conn:
            conn.executemany(f"INSERT INTO bench_raw VALUES ({', '.join('?' * len(HEADERS))})", rows)
    seconds = round(time.perf_counter() - started, 2)
    conn.execute("DROP TABLE bench_raw")
    conn.close()
    print(f"  limit: csv.reader + one executemany into a plain table {seconds} s", flush=True)
    return {"insert_csv_s": seconds}


def write_profile(prof: Path, label: str) -> Path:
    text = io.StringIO()
    stats = pstats.Stats(str(prof), stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    text.write("\n\n==== by own time\n")
    stats.sort_stats("tottime").print_stats(30)
    target = OUT / f"profile-cli-import-{label}.txt"
    target.write_text(text.getvalue(), encoding="utf-8")
    prof.unlink()
    print(f"  profile: {target}")
    return target


def run_files(opts) -> None:
    files = Path(opts.dir)
    var = DATA / f"import-{opts.db}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    label = f"{opts.db}-{files.name}"
    OUT.mkdir(parents=True, exist_ok=True)
    if opts.db == "sqlite":
        from contextlib import nullcontext

        db = var / "ganxun.sqlite3"
        ctx = nullcontext(f"sqlite:///{db}")
    else:
        from pg import postgres

        ctx = postgres(DATA / "pg-import", keep=False)
    with ctx as url:
        env = env_for(url, var)
        subprocess.run([str(GANXUN), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"{label}: ganxun import of {files} ({opts.db})", flush=True)
        steps = []
        for kind in KINDS:
            prof = var / "import.prof" if opts.profile and kind == "records" else None
            steps.append(timed_import(env, kind, files / f"{kind}.csv", profile=prof))
            if prof:
                write_profile(prof, label)
        limit = (copy_limit_pg(url, files / "records.csv") if opts.db == "pg"
                 else insert_limit_sqlite(db, files / "records.csv"))
        save("import-cli", label, {"steps": steps, "limit": limit})


def run_onto(opts) -> None:
    from bench_import_rows import make_rows  # the demo generator's rows (needs Django on the target)

    OUT.mkdir(parents=True, exist_ok=True)
    var = DATA / f"onto-{opts.target}"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    with database(opts.target) as url:
        if url.startswith("sqlite"):
            source = Path(url.removeprefix("sqlite:///"))
            copy = var / "copy.sqlite3"
            shutil.copyfile(source, copy)
            copy_url = f"sqlite:///{copy}"
        else:
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS ganxun_bench_copy")
                conn.execute("CREATE DATABASE ganxun_bench_copy TEMPLATE ganxun")
            copy_url = url.replace("/ganxun?", "/ganxun_bench_copy?")
        path = var / f"records-{opts.n}.csv"
        make_rows(copy_url, var, opts.n, opts.seed, path)
        print(f"{opts.target}: ganxun import records of {opts.n:,} new rows into a copy of the database", flush=True)
        prof = var / "import.prof" if opts.profile else None
        step = timed_import(env_for(copy_url, var), "records", path, profile=prof)
        if prof:
            write_profile(prof, f"onto-{opts.target}")
        if not url.startswith("sqlite"):
            import psycopg

            with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
                conn.execute("DROP DATABASE ganxun_bench_copy")
        save("import-cli-onto", opts.target, {"steps": [step]})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    files = sub.add_parser("files")
    files.add_argument("dir")
    files.add_argument("--db", choices=("sqlite", "pg"), required=True)
    files.add_argument("--profile", action="store_true")
    onto = sub.add_parser("onto")
    onto.add_argument("target", choices=("city-sqlite", "city-pg"))
    onto.add_argument("-n", type=int, default=100_000)
    onto.add_argument("--seed", type=int, default=99)
    onto.add_argument("--profile", action="store_true")
    opts = parser.parse_args()
    run_files(opts) if opts.mode == "files" else run_onto(opts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
