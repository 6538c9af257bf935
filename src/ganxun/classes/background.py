"""A class's certificates as one ZIP in the worker: about 70 ms a certificate, so a class of a few hundred
trainees takes tens of seconds — too long for a request behind the proxy. A class of up to
``INLINE_CERTIFICATES`` is still zipped in the request."""

from django.urls import reverse

from ganxun.classes.certificates import certificates_zip
from ganxun.classes.selectors import valid_certificates_of_class
from ganxun.classes.services import certificates_issued
from ganxun.jobs.models import Job
from ganxun.jobs.progress import result_path
from ganxun.jobs.registry import JobKind, JobOutcome, register_job_kind
from ganxun.jobs.services import job_submit
from ganxun.web.verification import verify_url

INLINE_CERTIFICATES = 20


class _Site:
    """Stands in for the request the job was asked from: the address the QR codes print (without
    ``GANXUN_PUBLIC_URL``, the scheme and host the user reached the site at)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")

    def build_absolute_uri(self, path: str) -> str:
        return self.base + path


def queue_certificates(request, training_class) -> Job:
    return job_submit(acting_user=request.user, kind="certificates_zip",
                      title=f"结业证书：{training_class.name}（{training_class.code}）",
                      params={"class": training_class.code, "site": request.build_absolute_uri("/")})


def run_certificates(job: Job, reporter) -> JobOutcome:
    tc, certificates = valid_certificates_of_class(job.owner, job.params["class"])
    if not certificates:
        return JobOutcome(message=f"班次「{tc.name}」没有有效的结业证书", failed=True)
    reporter.update(message=f"正在生成 {len(certificates)} 张结业证书……", total=len(certificates))
    site = _Site(job.params.get("site", "/"))
    content = certificates_zip(certificates, lambda code: verify_url(site, code))
    stored = f"job-{job.pk}-certificates.zip"
    result_path(stored).write_bytes(content)
    certificates_issued(acting_user=job.owner, class_code=tc.code, numbers=[c.number for c in certificates], bulk=True)
    return JobOutcome(message=f"已生成 {len(certificates)} 张结业证书", result={"count": len(certificates)},
                      file=stored, file_name=f"结业证书_{tc.code}_{tc.name}.zip")


def _page(job: Job) -> str:
    return reverse("classes:detail", args=[job.params["class"]]) + "?tab=closing"


register_job_kind(JobKind("certificates_zip", "结业证书打包", run_certificates, page=_page))
