"""The 数据导入 page: choose a kind, download the template, upload, preview every error, confirm.

The kinds come from the registry (``ganxun.core.dataio``) that each app fills in its ``importers.py``.

Between preview and confirm the uploaded bytes wait on disk under ``VAR_DIR/uploads``, named by the
user's id and a random token, next to a small JSON note (kind, file name, time). Confirming claims
the file with an atomic rename, so a double-clicked 确认导入 imports once; the result is written
beside it and shown by a redirect (post/redirect/get). Nothing is written to the database until the
confirm, and then only through the importers, which apply the user's scope themselves.

A large upload (``dataio.background.goes_to_background``) takes the same steps as background jobs: the
check runs in ``ganxun worker`` while the page shows a progress bar (htmx polls it), then the confirm
queues the write; the same rename claims the file, so a double click still queues one import. Its
result page lists every row (新增/修改/不变/错误) a page at a time and offers the report as .xlsx.
"""

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ganxun.core.dataio import ImportKind, export_kinds, import_kinds
from ganxun.core.roles import TREE_READERS, has_role
from ganxun.core.errors import DomainError, ImportRejected, NotFound, RowError
from ganxun.core.tabular import ImportReport, read_table
from ganxun.core.xlsx import write_xlsx, xlsx_response
from ganxun.dataio import background
from ganxun.dataio.lock import ImportBusy, heavy_import
from ganxun.jobs.selectors import access_job, job_state
from ganxun.jobs.services import job_submit
from ganxun.jobs.views import polled
from ganxun.web.decorators import scoped_view

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 24 * 3600
ALLOWED_SUFFIXES = (".xlsx", ".csv")


def _kinds_for(user) -> list[ImportKind]:
    return [k for k in import_kinds() if k.allowed(user)]


def _kind_from(request, value: str | None) -> tuple[ImportKind, list[ImportKind]]:
    kinds = _kinds_for(request.user)
    if not kinds:
        raise Http404("没有可用的导入功能")
    if not value:
        return kinds[0], kinds
    kind = next((k for k in kinds if k.key == value), None)
    if kind is None:
        raise Http404("不支持该导入类型")
    return kind, kinds


# --- the waiting room for uploaded files ------------------------------------------------------

def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _paths(user, token: str) -> dict[str, Path]:
    if not TOKEN.match(token or ""):
        raise Http404("导入已过期或不存在")
    return background.upload_paths(user.pk, token)


def _sweep() -> None:
    """Drop uploads nobody confirmed within a day."""
    cutoff = time.time() - KEEP_SECONDS
    for item in _upload_dir().iterdir():
        try:
            if item.stat().st_mtime < cutoff:
                item.unlink()
        except OSError:
            pass


def _park(user, kind: ImportKind, filename: str, data) -> str:
    """Keep the upload (bytes, or an uploaded file copied chunk by chunk) until it is confirmed."""
    _sweep()
    token = secrets.token_urlsafe(24)
    paths = _paths(user, token)
    paths["meta"].write_text(json.dumps({"kind": kind.key, "filename": filename, "at": time.time()}))
    fd = os.open(paths["data"], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        if isinstance(data, bytes):
            fh.write(data)
        else:
            for chunk in data.chunks():
                fh.write(chunk)
    return token


def _report_dict(report: ImportReport) -> dict:
    return {"kind": report.kind, "source": report.source, "created": report.created, "updated": report.updated,
            "unchanged": report.unchanged, "summary": report.summary()}


# --- views ----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if request.method == "POST":
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return _confirm(request)
        if action == "cancel":
            return _cancel(request)
        return _preview(request)
    kind, kinds = _kind_from(request, request.GET.get("kind"))
    if request.GET.get("done"):
        return _result(request, kind, kinds, request.GET["done"])
    return render(request, "dataio/upload.html", _context(kind, kinds))


def _context(kind: ImportKind, kinds: list[ImportKind], **extra) -> dict:
    return {"kind": kind, "kinds": kinds, "max_mb": settings.GANXUN_MAX_UPLOAD_BYTES // 1048576,
            "max_rows": settings.GANXUN_MAX_IMPORT_ROWS,
            "column_help": [(c, c in kind.required, kind.help.get(c, "")) for c in kind.columns], **extra}


def _preview(request):
    kind, kinds = _kind_from(request, request.POST.get("kind"))
    upload = request.FILES.get("file")
    if upload is None:
        return _errors_page(request, kind, kinds, "", [RowError(0, "", "请选择要上传的 .xlsx 或 .csv 文件")])
    filename = Path(upload.name or "").name[:120]
    if upload.size > settings.GANXUN_MAX_UPLOAD_BYTES:
        return _errors_page(request, kind, kinds, filename, [RowError(
            0, "", f"文件过大（{upload.size / 1048576:.1f} MB），不能超过 {settings.GANXUN_MAX_UPLOAD_BYTES // 1048576} MB")])
    if upload.size >= settings.GANXUN_BACKGROUND_IMPORT_BYTES or upload.size > 64 * 1024:
        token = _park(request.user, kind, filename, upload)
        data_path = _paths(request.user, token)["data"]
        if background.goes_to_background(data_path, upload.size):
            meta_path = _paths(request.user, token)["meta"]
            meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "background": True}))
            job = job_submit(acting_user=request.user, kind="import_check", title=f"检查{kind.label}：{filename}",
                             params={"kind": kind.key, "token": token, "filename": filename})
            return redirect("dataio:job", job.pk)
        data = data_path.read_bytes()
        _discard(_paths(request.user, token))
    else:
        data = upload.read()
    try:
        with heavy_import(wait=False):
            table = read_table(data, filename)
            report = kind.run(acting_user=request.user, table=table, dry_run=True)
    except ImportRejected as exc:
        return _errors_page(request, kind, kinds, filename, exc.errors, exc.total)
    except DomainError as exc:
        return _errors_page(request, kind, kinds, filename, [RowError(0, "", exc.message)])
    token = _park(request.user, kind, filename, data) if report.created or report.updated else ""
    return render(request, "dataio/preview.html", _context(kind, kinds, report=report, token=token,
                                                                filename=filename))


def _errors_page(request, kind, kinds, filename: str, errors: list[RowError], total: int = 0):
    """Every problem (a very large file: the first ones, and how many there are in all)."""
    return render(request, "dataio/preview.html", _context(
        kind, kinds, errors=errors, filename=filename, total_errors=max(total, len(errors)),
        unlisted=max(0, total - len(errors))), status=200)


def _confirm(request):
    kind, kinds = _kind_from(request, request.POST.get("kind"))
    token = request.POST.get("token", "")
    paths = _paths(request.user, token)
    done_url = f"{reverse('dataio:import')}?kind={kind.key}&done={token}"
    try:
        meta = json.loads(paths["meta"].read_text())
    except (OSError, ValueError):
        meta = None
    if meta is None or meta.get("kind") != kind.key:
        if paths["job"].exists():
            return redirect("dataio:job", _queued_job(paths))
        if paths["result"].exists() or paths["claimed"].exists():
            return redirect(done_url)
        raise Http404("导入已过期或不存在，请重新上传")
    try:
        # Whoever renames the file first imports it; a second click finds it gone.
        os.rename(paths["data"], paths["claimed"])
    except FileNotFoundError:
        job_id = _queued_job(paths)
        return redirect("dataio:job", job_id) if job_id else redirect(done_url)
    if meta.get("background"):
        job = job_submit(acting_user=request.user, kind="import_write", title=f"导入{kind.label}：{meta['filename']}",
                         params={"kind": kind.key, "token": token, "filename": meta["filename"]})
        paths["job"].write_text(str(job.pk))
        return redirect("dataio:job", job.pk)
    try:
        with heavy_import(wait=False):
            data = paths["claimed"].read_bytes()
            table = read_table(data, meta["filename"])
            report = kind.run(acting_user=request.user, table=table, dry_run=False)
    except ImportBusy as exc:
        os.rename(paths["claimed"], paths["data"])  # not imported: the confirm button works again
        return _errors_page(request, kind, kinds, meta["filename"], [RowError(0, "", exc.message)])
    except ImportRejected as exc:
        _discard(paths)
        return _errors_page(request, kind, kinds, meta["filename"], exc.errors, exc.total)
    except DomainError as exc:
        _discard(paths)
        return _errors_page(request, kind, kinds, meta["filename"], [RowError(0, "", exc.message)])
    paths["result"].write_text(json.dumps(_report_dict(report), ensure_ascii=False))
    for name in ("claimed", "meta"):
        paths[name].unlink(missing_ok=True)
    return redirect(done_url)


def _queued_job(paths: dict[str, Path]) -> int | None:
    """The write job a first click queued for this upload (a second click waits a moment for its note)."""
    for _ in range(20):
        try:
            return int(paths["job"].read_text())
        except (OSError, ValueError):
            if paths["result"].exists() or not paths["claimed"].exists():
                return None
            time.sleep(0.1)
    return None


def _discard(paths: dict[str, Path]) -> None:
    for path in paths.values():
        path.unlink(missing_ok=True)


def _cancel(request):
    kind, _ = _kind_from(request, request.POST.get("kind"))
    token = request.POST.get("token", "")
    if TOKEN.match(token):
        paths = _paths(request.user, token)
        for name in ("data", "meta"):
            paths[name].unlink(missing_ok=True)
    return redirect(f"{reverse('dataio:import')}?kind={kind.key}")


def _result(request, kind: ImportKind, kinds: list[ImportKind], token: str):
    paths = _paths(request.user, token)
    try:
        result = json.loads(paths["result"].read_text())
    except (OSError, ValueError):
        result = None
    if result is None and not paths["claimed"].exists():
        raise Http404("没有找到这次导入的结果")
    return render(request, "dataio/result.html", _context(kind, kinds, result=result, token=token))


# --- templates to download ------------------------------------------------------------------

@login_required
def import_template(request, kind: str):
    kind, _ = _kind_from(request, kind)
    example = [kind.example(request.user)] if kind.example else []
    content = write_xlsx(list(kind.columns), example, sheet=f"{kind.label}导入模板")
    return xlsx_response(content, f"{kind.label}导入模板.xlsx")


# --- large files: the background check and write (jobs) -------------------------------------------

def _import_job(request, job_id):
    job = access_job(request.user, job_id)
    if job.kind not in ("import_check", "import_write"):
        raise NotFound()
    kind, kinds = _kind_from(request, job.params.get("kind"))
    return job, kind, kinds


@scoped_view
def import_job(request, job_id: int):
    """A background check or import: the progress bar while it runs, then its result and per-row report."""
    job, kind, kinds = _import_job(request, job_id)
    state = job_state(job)
    result = job.result if state.finished else {}
    only = request.GET.get("only", "")
    if only not in background.ACTION_LABELS.values():
        only = ""
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    rows, more = background.report_page(result["report"], page=page, only=only) if result.get("report") else ([], False)
    token = result.get("token", "")
    if token and job.kind == "import_check" and not _paths(request.user, token)["data"].exists():
        token = ""  # confirmed (or cancelled) since
    if job.kind == "import_write":
        step = 4 if state.finished else 3
    else:
        step = 3 if state.finished and not result.get("errors_total") else 2
    return render(request, "dataio/job.html", _context(
        kind, kinds, job=job, state=state, result=result, rows=rows, page=page, more=more, only=only, token=token,
        step=step, filters=list(background.ACTION_LABELS.values())))


@polled
@scoped_view
def import_job_progress(request, job_id: int):
    """The progress bar alone (htmx polls it); once the job has ended the whole page reloads."""
    job, kind, kinds = _import_job(request, job_id)
    state = job_state(job)
    response = render(request, "jobs/_progress.html", {"job": job, "state": state,
                                                       "poll_url": request.path})
    if state.finished:
        response["HX-Refresh"] = "true"
    return response


# --- 数据导出: any kind, in the background, the file offered when done ------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def export_page(request):
    if not has_role(request.user, *TREE_READERS):
        raise Http404("没有可用的导出功能")
    kinds = export_kinds()
    if request.method == "POST":
        key, fmt = request.POST.get("kind", ""), request.POST.get("fmt", "xlsx")
        kind = next((k for k in kinds if k.key == key), None)
        if kind is None or fmt not in ("xlsx", "csv"):
            raise Http404("不支持该导出类型")
        job = job_submit(acting_user=request.user, kind="export", title=f"导出{kind.label}（{fmt}）",
                         params={"kind": kind.key, "fmt": fmt})
        return redirect("jobs:detail", job.pk)
    return render(request, "dataio/export.html", {"kinds": kinds})
