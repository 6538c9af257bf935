"""The kinds of background job, registered by the apps that run them (this app knows none by name).

``run(job, reporter)`` does the work in the worker and returns a ``JobOutcome``; it reads what it needs
from ``job.params`` and reports progress through ``reporter.update``. ``path(job)`` and ``label`` say
where its page is (the import page shows its own jobs) and what it is called in 我的任务.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from ganxun.core.discovery import discovery


@dataclass
class JobOutcome:
    """What a finished job leaves: its result (JSON), a message, and optionally a file to download."""

    result: dict = field(default_factory=dict)
    message: str = ""
    file: str = ""        # a name under VAR_DIR/jobs/ (``progress.result_path``)
    file_name: str = ""   # what the user downloads it as
    failed: bool = False


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    run: Callable
    # a job of this kind that was interrupted can run again from the same input
    rerunnable: bool = True
    # where the owner follows it (a URL for the job), if not the jobs app's own page
    page: Callable | None = None
    # a report: its reads may be answered by the read replica (``core.dbrouting``); its writes still go to the primary
    reads_replica: bool = False


_kinds: dict[str, JobKind] = {}
_discover = discovery("background")   # each app registers the kinds it runs there (``core.discovery``)


def register_job_kind(kind: JobKind) -> JobKind:
    _kinds[kind.key] = kind
    return kind


def job_kind(key: str) -> JobKind | None:
    _discover()
    return _kinds.get(key)
