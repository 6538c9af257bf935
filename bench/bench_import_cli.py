"""Time ``ganxun import records`` through the command line on PostgreSQL, CSV and xlsx, beside COPY.

    .venv/bin/python bench/bench_import_cli.py DIR [--rows 125000] [--parts 4] [--formats csv,xlsx]
                                               [--profile] [--py-spy]

DIR is what the shared contract generator writes (``python ../shared/tools/genscale.py DIR --cadres 10000
--per-year 10``: a city, 500,000 records). Its ``records.csv`` is split into files of ``--rows`` rows (the
size a user imports; the issue's 125,000), and each is written once more as .xlsx (dates as Excel date
cells, numbers as number cells, as a user's workbook has them). A throwaway PostgreSQL 15 is started
(``bench/pg.py``), the registry imported (``orgs``, ``institutions``, ``cadres``), and then, for each format
in a database of its own (``CREATE DATABASE … TEMPLATE`` of the registry), the parts are imported one
after the other by ``ganxun import records FILE`` under ``/usr/bin/time -v``: wall clock of the whole
process (Django's start included), rows/s, peak resident memory.

The limit, measured in the same run right after each import, on the same server:
- ``COPY ledger``: the rows that import wrote, ``COPY … FROM STDIN`` into an empty copy of the ledger table
  with all its indexes and constraints (``LIKE … INCLUDING ALL``): what the database itself needs to store
  them. The ratio printed is the import's rows/s over this one.
- ``COPY ledger with its foreign keys``: the same into a copy that also has the ledger's six foreign keys
  (deferred, checked at the commit, as Django declares them): storing the rows with the same integrity.
- ``COPY text``: the file's rows as 14 text columns into a table without indexes (the bare transfer).

``--profile`` runs the first import of each format under cProfile (``bench/out/profile-cli-records-*.txt``);
``--py-spy`` samples it with py-spy instead (no profiler overhead in the figures it shows).
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_import import GANXUN, HEADERS, PYTHON, env_for, timed_import, write_profile  # noqa: E402
from common import DATA, OUT, ROOT, save  # noqa: E402

LEDGER = "records_learningrecord"


def split_csv(source: Path, target: Path, rows: int, parts: int) -> list[Path]:
    """The first ``parts`` × ``rows`` records of ``source``, as ``parts`` CSV files (UTF-8 with BOM)."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    with open(source, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        for n in range(1, parts + 1):
            path = target / f"records-{n}.csv"
            with open(path, "w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out, lineterminator="\r\n")
                writer.writerow(header)
                for _, row in zip(range(rows), reader):
                    writer.writerow(row)
            paths.append(path)
    return paths


def to_xlsx(path: Path) -> Path:
    """The same rows as a workbook: dates as date cells, 天数 and 学时 as numbers (what Excel keeps)."""
    import xlsxwriter

    target = path.with_suffix(".xlsx")
    book = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    sheet = book.add_worksheet("学习记录")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    dates = {HEADERS.index("开始日期"), HEADERS.index("结束日期")}
    numbers = {HEADERS.index("天数"), HEADERS.index("学时")}
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for r, row in enumerate(csv.reader(fh)):
            for c, value in enumerate(row):
                if r and c in dates and value:
                    sheet.write_datetime(r, c, date.fromisoformat(value), date_format)
                elif r and c in numbers and value:
                    sheet.write_number(r, c, float(value))
                else:
                    sheet.write_string(r, c, value)
    book.close()
    return target


def copy_limits(url: str, csv_path: Path, first_id: int) -> dict:
    """COPY of what one import wrote (ledger ids above ``first_id``) into an empty copy of the ledger, and of
    the file's text into a plain table; rows/s of each."""
    import psycopg

    figures = {}
    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw, bench_ledger")
        buffer = io.BytesIO()
        with conn.cursor() as cur, cur.copy(f"COPY (SELECT * FROM {LEDGER} WHERE id > {first_id}) TO STDOUT") as copy:
            for block in copy:
                buffer.write(block)
        conn.execute(f"CREATE TABLE bench_ledger (LIKE {LEDGER} INCLUDING ALL)")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_ledger FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_ledger").fetchone()[0]
        figures.update(copy_ledger_rows=rows, copy_ledger_s=round(seconds, 3),
                       copy_ledger_rows_per_s=round(rows / seconds))
        # the same with the ledger's foreign keys (LIKE copies none), checked at the commit as Django
        # declares them (DEFERRABLE INITIALLY DEFERRED): what storing the rows costs with the same integrity
        conn.execute("DROP TABLE bench_ledger")
        conn.execute(f"CREATE TABLE bench_ledger (LIKE {LEDGER} INCLUDING ALL)")
        for definition, in conn.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                                        "AND contype = 'f'", [LEDGER]).fetchall():
            conn.execute(f"ALTER TABLE bench_ledger ADD {definition.replace(LEDGER + '(', 'bench_ledger(')}")
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur, cur.copy("COPY bench_ledger FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        seconds = time.perf_counter() - started
        figures.update(copy_ledger_fk_s=round(seconds, 3), copy_ledger_fk_rows_per_s=round(rows / seconds))
        conn.execute("CREATE TABLE bench_raw (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY bench_raw FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                open(csv_path, "rb") as fh:
            fh.read(3)  # the BOM
            while block := fh.read(1 << 20):
                copy.write(block)
        seconds = time.perf_counter() - started
        rows = conn.execute("SELECT count(*) FROM bench_raw").fetchone()[0]
        figures.update(copy_text_s=round(seconds, 3), copy_text_rows_per_s=round(rows / seconds))
        conn.execute("DROP TABLE bench_raw, bench_ledger")
    return figures


def top_id(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {LEDGER}").fetchone()[0]


def py_spy_import(env: dict, path: Path, label: str) -> dict:
    """The import sampled by py-spy (``--nonblocking``: the process is not paused); the top functions."""
    spy = ROOT / ".venv" / "bin" / "py-spy"
    raw = DATA / "cli-import.pyspy.txt"
    started = time.perf_counter()
    subprocess.run([str(spy), "record", "--nonblocking", "--rate", "200", "--format", "raw", "-o", str(raw), "--",
                    str(PYTHON), "-m", "ganxun.cli", "import", "records", str(path), "--quiet"], env=env, check=True,
                   capture_output=True)
    wall = time.perf_counter() - started
    target = OUT / f"pyspy-cli-records-{label}.txt"
    target.write_text(summarise_py_spy(raw), encoding="utf-8")
    raw.unlink()
    print(f"  py-spy: {target} ({wall:.1f} s under the sampler)", flush=True)
    return {"seconds_sampled": round(wall, 2)}


def summarise_py_spy(raw: Path, top: int = 45) -> str:
    """Inclusive and own sample shares per function from py-spy's collapsed stacks."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = [f.split(" (")[0] + " (" + f.split(" (")[1].split(":")[0].rsplit("/", 1)[-1] + ")" if " (" in f else f
                  for f in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    out = [f"{total} samples\n", "== inclusive"]
    out += [f"{100 * n / total:6.1f}%  {f}" for f, n in sorted(inclusive.items(), key=lambda x: -x[1])[:top]]
    out += ["", "== own"]
    out += [f"{100 * n / total:6.1f}%  {f}" for f, n in sorted(own.items(), key=lambda x: -x[1])[:top]]
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--rows", type=int, default=125_000)
    parser.add_argument("--parts", type=int, default=4)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--py-spy", action="store_true")
    opts = parser.parse_args()
    source = Path(opts.dir)
    formats = [f for f in opts.formats.split(",") if f]
    work = DATA / "import-cli"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    OUT.mkdir(parents=True, exist_ok=True)
    # the files are kept between runs (made again when the source is newer)
    kept = DATA / f"import-cli-files-{source.name}-{opts.rows}"
    csvs = [kept / f"records-{n}.csv" for n in range(1, opts.parts + 1)]
    if not all(p.exists() and p.stat().st_mtime >= (source / "records.csv").stat().st_mtime for p in csvs):
        csvs = split_csv(source / "records.csv", kept, opts.rows, opts.parts)
    parts = csvs
    files = {"csv": parts}
    if "xlsx" in formats:
        started = time.perf_counter()
        files["xlsx"] = [p.with_suffix(".xlsx") if p.with_suffix(".xlsx").exists()
                         and p.with_suffix(".xlsx").stat().st_mtime >= p.stat().st_mtime else to_xlsx(p) for p in parts]
        print(f"workbooks ready in {time.perf_counter() - started:.1f} s", flush=True)

    from pg import postgres, url_for

    import psycopg

    results = {}
    with postgres(DATA / "pg-import-cli", keep=False) as url:
        env = env_for(url, work)
        subprocess.run([str(GANXUN), "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        for kind in ("orgs", "institutions", "cadres"):
            subprocess.run([str(GANXUN), "import", kind, str(source / f"{kind}.csv"), "--quiet"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        socket_dir = Path(url.split("host=", 1)[1])
        with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            for fmt in formats:
                conn.execute(f"CREATE DATABASE ganxun_{fmt} TEMPLATE ganxun")
        for fmt in formats:
            db_url = url_for(socket_dir, f"ganxun_{fmt}")
            db_env = env_for(db_url, work)
            print(f"{fmt}: {len(files[fmt])} files of {opts.rows:,} records, ganxun import records, PostgreSQL 15",
                  flush=True)
            steps = []
            for n, path in enumerate(files[fmt], start=1):
                first = top_id(db_url)
                prof = work / "import.prof" if opts.profile and n == 1 else None
                step = timed_import(db_env, "records", path, profile=prof, rows=opts.rows)
                if prof:
                    step["profile"] = str(write_profile(prof, f"records-{fmt}").relative_to(ROOT))
                step.update(copy_limits(db_url, parts[n - 1], first))
                step["rows"] = step["copy_ledger_rows"]  # rows_in counts lines; a workbook has none
                step["rows_per_s"] = round(step["rows"] / step["seconds"])
                step["ratio_to_copy_ledger"] = round(step["rows_per_s"] / step["copy_ledger_rows_per_s"], 3)
                step["ratio_to_copy_ledger_fk"] = round(step["rows_per_s"] / step["copy_ledger_fk_rows_per_s"], 3)
                print(f"    -> {step['rows_per_s']:>7,} rows/s; COPY ledger {step['copy_ledger_rows_per_s']:>8,} rows/s "
                      f"(ratio {step['ratio_to_copy_ledger']:.1%}); with its foreign keys "
                      f"{step['copy_ledger_fk_rows_per_s']:>7,} rows/s (ratio {step['ratio_to_copy_ledger_fk']:.1%}); "
                      f"COPY text {step['copy_text_rows_per_s']:>9,} rows/s", flush=True)
                steps.append(step)
            if opts.py_spy:
                spare = work / f"records-spare.{fmt}"
                shutil.copyfile(files[fmt][0], spare)
                with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE ganxun_{fmt}_spy TEMPLATE ganxun")
                py_spy_import(env_for(url_for(socket_dir, f"ganxun_{fmt}_spy"), work), spare, fmt)
            results[fmt] = steps
            mean = sum(s["rows_per_s"] for s in steps) / len(steps)
            ratio = sum(s["ratio_to_copy_ledger"] for s in steps) / len(steps)
            ratio_fk = sum(s["ratio_to_copy_ledger_fk"] for s in steps) / len(steps)
            print(f"  {fmt}: mean {mean:,.0f} rows/s, {ratio:.1%} of COPY into the ledger, {ratio_fk:.1%} of COPY with "
                  f"its foreign keys, peak RSS {max(s['peak_rss_mb'] for s in steps)} MB", flush=True)
    save("import-cli-pg", f"{source.name}-{opts.rows}", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
