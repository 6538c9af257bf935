"""Large imports and exports as background jobs (``ganxun.jobs``), for the 数据导入 page and 数据导出.

An upload above ``GANXUN_BACKGROUND_IMPORT_BYTES`` (or, for CSV, ``GANXUN_BACKGROUND_IMPORT_ROWS`` lines)
is parked as the page parks any upload, then checked by an ``import_check`` job (a dry run) and, once the
user confirms, written by an ``import_write`` job; both write the per-row report as they go. An export
job writes the file a kind's ``write`` makes under ``VAR_DIR/jobs/`` and offers it for download.

The per-row report is a CSV written row by row (a 200,000-row report is never held in memory), turned
into .xlsx when the job ends; the result page shows it a page at a time.
"""

import csv
import itertools
import json
import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from ganxun.core.dataio import export_kind, export_to_file, import_kind
from ganxun.core.errors import DomainError, ImportRejected, RowError
from ganxun.core.idnumbers import mask_all_in_text
from ganxun.core.xlsx import write_xlsx
from ganxun.jobs.progress import jobs_dir, result_path
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind

REPORT_HEADERS = ("行号", "结果", "键", "内容", "说明")
ACTION_LABELS = {"created": "新增", "updated": "修改", "unchanged": "不变", "error": "错误"}
SHOWN_ERRORS = 200


def upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def upload_paths(user_id: int, token: str) -> dict[str, Path]:
    base = upload_dir() / f"{user_id}-{token}"
    return {"data": base.with_suffix(".upload"), "meta": base.with_suffix(".json"),
            "claimed": base.with_suffix(".claimed"), "result": base.with_suffix(".result.json"),
            "job": base.with_suffix(".job")}


def goes_to_background(path: Path, size: int) -> bool:
    """Large enough to be checked and written in the background rather than inside the request."""
    if size >= settings.GANXUN_BACKGROUND_IMPORT_BYTES:
        return True
    with open(path, "rb") as fh:
        if fh.read(2) == b"PK":
            return False  # a workbook that small holds fewer rows than the threshold
        fh.seek(0)
        lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    return lines > settings.GANXUN_BACKGROUND_IMPORT_ROWS


class ReportFile:
    """The per-row report of one job, written as rows are decided (``core.tabular.rows_to``)."""

    def __init__(self, job_id: int, stage: str):
        self.name = f"job-{job_id}-{stage}-report.csv"
        self.path = result_path(self.name)
        self._fh = open(self.path, "w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._fh)
        self._writer.writerow(REPORT_HEADERS)
        self.rows = self.errors = 0

    def row(self, r) -> None:
        self.rows += 1
        changes = "、".join(r.changes) if r.action == "updated" else ""
        self._writer.writerow((r.row, ACTION_LABELS.get(r.action, r.action), r.key, r.label, changes))

    def error(self, e: RowError) -> None:
        self.errors += 1
        self._writer.writerow((e.row or "", "错误", e.column or "整个文件", "", mask_all_in_text(e.message)))

    def close(self) -> None:
        self._fh.close()

    def to_xlsx(self, title: str) -> str:
        """The report as a workbook beside the CSV; returns its name."""
        name = self.name.replace(".csv", ".xlsx")
        with open(self.path, newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            next(rows)
            with open(result_path(name), "wb") as out:
                write_xlsx(list(REPORT_HEADERS), ([int(r[0]) if r[0].isdigit() else r[0], *r[1:]] for r in rows),
                           sheet=title[:31], target=out)
        return name


def report_page(name: str, *, page: int, per_page: int = 100, only: str = "") -> tuple[list[list[str]], bool]:
    """One page of a report CSV (``only``: 错误 / 新增 / 修改 / 不变), and whether more follow."""
    try:
        fh = open(result_path(name), newline="", encoding="utf-8")
    except (OSError, ValueError):
        return [], False
    with fh:
        rows = csv.reader(fh)
        next(rows, None)
        if only:
            rows = (r for r in rows if len(r) > 1 and r[1] == only)
        chunk = list(itertools.islice(rows, (page - 1) * per_page, page * per_page + 1))
    return chunk[:per_page], len(chunk) > per_page


def _import_outcome(kind, report, file: ReportFile, *, dry_run: bool, errors=None, total_errors=0) -> JobOutcome:
    result = {"kind": kind.key, "label": kind.label, "dry_run": dry_run, "report": file.name,
              "created": report.created if report else 0, "updated": report.updated if report else 0,
              "unchanged": report.unchanged if report else 0,
              "errors_total": total_errors, "rows": file.rows,
              "errors": [[e.row, e.column, mask_all_in_text(e.message)] for e in (errors or [])[:SHOWN_ERRORS]]}
    if report and not errors:
        result["summary"] = report.summary()
        message = report.summary()
    else:
        message = f"有 {total_errors} 处错误，未导入任何数据"
    file.close()
    xlsx = file.to_xlsx(f"{kind.label}导入报告")
    return JobOutcome(result=result, message=message, file=xlsx,
                      file_name=f"{kind.label}{'检查' if dry_run else '导入'}报告_{date.today():%Y%m%d}.xlsx")


def _run_import(job, reporter, *, dry_run: bool) -> JobOutcome:
    from ganxun.dataio.management.commands.import_data import run_import

    params = job.params
    kind = import_kind(params["kind"])
    if kind is None or not kind.allowed(job.owner):
        raise DomainError("您的角色不能导入这类数据")
    paths = upload_paths(job.owner_id, params["token"])
    source = paths["data"] if dry_run else paths["claimed"]
    if not source.exists():
        raise DomainError("上传的文件已过期或已被处理，请重新上传")
    file = ReportFile(job.pk, "check" if dry_run else "write")
    verb = "检查" if dry_run else "导入"
    reporter.update(done=0, message=f"正在{verb} {params['filename']}")

    def progress(done: int, fraction: float) -> None:
        reporter.update(done=done, fraction=fraction, message=f"正在{verb}：已处理 {done} 行")

    try:
        report = run_import(kind, acting_user=job.owner, path=source, source=params["filename"], dry_run=dry_run,
                            progress=progress, sink=file, limited=True)
    except ImportRejected as exc:
        if not file.errors:
            for e in exc.errors:
                file.error(e)
        outcome = _import_outcome(kind, None, file, dry_run=dry_run, errors=exc.errors,
                                  total_errors=max(exc.total, len(exc.errors), file.errors))
        if not dry_run:
            _discard(paths)
            outcome.failed = True
        return outcome
    reporter.update(done=report.total, fraction=1.0, message="正在生成报告")
    outcome = _import_outcome(kind, report, file, dry_run=dry_run)
    if dry_run:
        outcome.result["token"] = params["token"] if (report.created or report.updated) else ""
    else:
        paths["result"].write_text(json.dumps({"kind": kind.key, "source": report.source, "created": report.created,
                                               "updated": report.updated, "unchanged": report.unchanged,
                                               "summary": report.summary()}, ensure_ascii=False))
        for name in ("claimed", "meta"):
            paths[name].unlink(missing_ok=True)
    return outcome


def _discard(paths: dict[str, Path]) -> None:
    for path in paths.values():
        path.unlink(missing_ok=True)


def run_check(job, reporter) -> JobOutcome:
    return _run_import(job, reporter, dry_run=True)


def run_write(job, reporter) -> JobOutcome:
    return _run_import(job, reporter, dry_run=False)


def run_export(job, reporter) -> JobOutcome:
    kind = export_kind(job.params["kind"])
    fmt = job.params.get("fmt", "xlsx")
    if kind is None or fmt not in ("xlsx", "csv"):
        raise DomainError("不支持该导出类型")
    name = f"job-{job.pk}-export.{fmt}"
    reporter.update(message=f"正在导出{kind.label}")
    target = result_path(name)
    count = export_to_file(kind, acting_user=job.owner, fmt=fmt, target=target)
    return JobOutcome(result={"kind": kind.key, "count": count, "fmt": fmt}, message=f"已导出{kind.label} {count} 条",
                      file=name, file_name=f"{kind.label}_{date.today():%Y%m%d}.{fmt}")


def _import_page(job) -> str:
    return reverse("dataio:job", args=[job.pk])


register_job_kind(JobKind("import_check", "导入检查", run_check, page=_import_page))
register_job_kind(JobKind("import_write", "数据导入", run_write, page=_import_page))
register_job_kind(JobKind("export", "数据导出", run_export))


def sweep_job_files(keep_seconds: float) -> None:
    """Drop job files older than ``keep_seconds`` (reports and exports are kept for a while, not forever)."""
    import time

    cutoff = time.time() - keep_seconds
    for item in jobs_dir().iterdir():
        try:
            if item.name.startswith("job-") and item.stat().st_mtime < cutoff:
                os.unlink(item)
        except OSError:
            pass
