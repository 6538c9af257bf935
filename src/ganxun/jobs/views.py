"""我的任务: the user's background jobs, each with its progress bar, result and file."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ganxun.jobs.registry import job_kind
from ganxun.jobs.selectors import access_job, job_state, jobs_of, result_file_of
from ganxun.jobs.lifecycle import jobs_mark_interrupted
from ganxun.jobs.services import job_rerun
from ganxun.web.decorators import scoped_view
from ganxun.web.paging import page_of



def polled(view):
    """A view the page polls in the background (a progress bar): it does not save the session.

    Every other request may save it (``accounts.middleware`` touches it once a minute: the 30-minute idle timeout). A poll is
    no sign of a person at the screen, and on SQLite saving the session would wait for the write lock
    that a large import holds while it writes, so the bar would stop moving exactly while it matters.
    """
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        session = getattr(request, "session", None)
        if session is not None:
            session.save = lambda *a, **k: None
        return view(request, *args, **kwargs)
    return wrapper


def _page_of(job) -> str | None:
    kind = job_kind(job.kind)
    return kind.page(job) if kind is not None and kind.page is not None else None


def _label_of(job) -> str:
    kind = job_kind(job.kind)
    return kind.label if kind is not None else job.kind


@login_required
def job_list(request):
    jobs_mark_interrupted()
    page = page_of(request, jobs_of(request.user))
    rows = [{"job": j, "state": job_state(j), "label": _label_of(j), "url": _page_of(j)} for j in page.object_list]
    return render(request, "jobs/list.html", {"page": page, "rows": rows})


@scoped_view
def job_detail(request, job_id: int):
    job = access_job(request.user, job_id)
    own_page = _page_of(job)
    if own_page:
        return redirect(own_page)
    return render(request, "jobs/detail.html", {"job": job, "state": job_state(job), "label": _label_of(job)})


@polled
@scoped_view
def job_progress(request, job_id: int):
    job = access_job(request.user, job_id)
    state = job_state(job)
    response = render(request, "jobs/_progress.html", {"job": job, "state": state, "poll_url": request.path})
    if state.finished:
        response["HX-Refresh"] = "true"
    return response


@scoped_view
def job_file(request, job_id: int):
    path, name = result_file_of(request.user, job_id)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=name)


@require_POST
@scoped_view
def job_rerun_view(request, job_id: int):
    jobs_mark_interrupted()
    job = job_rerun(acting_user=request.user, job_id=job_id)
    return redirect("jobs:detail", job.pk)
