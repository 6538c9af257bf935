"""The electronic archive of one cadre: the page, the PDF (registered for verification), the spreadsheet,
and the public verification page for an issued PDF."""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.archive.exporters import archive_pdf_html, archive_xlsx_response, pdf_response
from ganxun.archive.selectors import (archive_of, default_plan_id, filter_records, issue_by_code, issuer_of,
                                      issues_of_cadre)
from ganxun.archive.services import archive_issue, new_issue_code
from ganxun.cadres.selectors import access_cadre
from ganxun.core.dates import parse_day
from ganxun.core.errors import NotFound
from ganxun.core.dbrouting import reads_from_replica
from ganxun.core.roles import is_cadre
from ganxun.plans.catalog import all_plans, plan_ids
from ganxun.records.models import RecordSource
from ganxun.web.decorators import scoped_view
from ganxun.web.pdf import html_to_pdf
from ganxun.web.verification import verify_elsewhere, verify_url  # noqa: F401 (verify_url: this module's name)

_scoped = scoped_view


def _params(request, org=None) -> tuple[str, date, list[str]]:
    """The plan and the evaluation date from the query string, with the problems found in them; without a
    plan, the current plan of ``org`` (the cadre's unit) at the date."""
    problems = []
    as_of = timezone.localdate()
    raw = (request.GET.get("as_of") or "").strip()
    if raw:
        day, problem = parse_day("评估日", raw)
        if problem:
            problems.append(problem)
        else:
            as_of = day
    plan_id = request.GET.get("plan") or default_plan_id(org, as_of)
    if plan_id not in plan_ids():
        problems.append(f"没有规划「{plan_id}」")
        plan_id = default_plan_id(org, as_of)
    return plan_id, as_of, problems


def _bad_request(request, message: str):
    return render(request, "web/error.html", {"code": 400, "title": "参数有误", "message": message}, status=400)


@login_required
def my_archive(request):
    """The cadre's own login goes to their own archive; other roles pick a cadre from the registry."""
    if is_cadre(request.user):
        return redirect("archive:cadre", person_code=request.user.person.person_code)
    return redirect("cadres:list")


@_scoped
@require_GET
@reads_from_replica
def cadre_archive(request, person_code):
    plan_id, as_of, problems = _params(request, access_cadre(request.user, person_code).org)
    archive = archive_of(request.user, person_code, plan_id=plan_id, as_of=as_of)
    year_raw, source = request.GET.get("year", ""), request.GET.get("source", "")
    year = int(year_raw) if year_raw.isdigit() else None
    if source not in RecordSource.values:
        source = ""
    base = urlencode({"plan": plan_id, "as_of": as_of.isoformat()})
    return render(request, "archive/cadre.html", {
        "a": archive, "cadre": archive.cadre, "problems": problems,
        "plan_id": plan_id, "as_of": as_of, "future": as_of > timezone.localdate(),
        "plans": [(p.id, p.title) for p in all_plans()],
        "records": filter_records(archive.records, year=year, source=source),
        "record_years": sorted({r.end_date.year for r in archive.records}, reverse=True),
        "sources": RecordSource.choices, "year": year, "source": source,
        "filtered": year is not None or bool(source),
        "chart": archive.year_chart(), "year_table": archive.year_table(),
        "base_query": base,
        "issues": issues_of_cadre(request.user, person_code)[:10],
    })


@_scoped
@require_GET
@reads_from_replica
def cadre_archive_pdf(request, person_code):
    """Issue the archive as a PDF: render it, then register it (code, digest) with an audit entry."""
    plan_id, as_of, problems = _params(request, access_cadre(request.user, person_code).org)
    if problems:
        return _bad_request(request, "；".join(problems) + "。")
    if as_of > timezone.localdate():
        return _bad_request(request, "出具的电子档案评估日不能晚于今天。")
    archive = archive_of(request.user, person_code, plan_id=plan_id, as_of=as_of)
    code, issued_at, digest = new_issue_code(), timezone.now(), archive.digest()
    html = archive_pdf_html(archive, code=code, digest=digest, verify_url=verify_url(request, code),
                            generated_at=issued_at, issuer=issuer_of(request.user))
    content = html_to_pdf(html)
    archive_issue(acting_user=request.user, person_code=person_code, plan_id=plan_id, as_of=as_of, digest=digest,
                  code=code, issued_at=issued_at)
    return pdf_response(content, f"电子档案_{archive.cadre.name}_{archive.cadre.person_code}_{as_of:%Y%m%d}.pdf")


@_scoped
@require_GET
@reads_from_replica
def cadre_archive_xlsx(request, person_code):
    plan_id, as_of, problems = _params(request, access_cadre(request.user, person_code).org)
    if problems:
        return _bad_request(request, "；".join(problems) + "。")
    archive = archive_of(request.user, person_code, plan_id=plan_id, as_of=as_of)
    return archive_xlsx_response(request.user, archive)


@require_GET
def verify(request, code):
    """Public (no login): confirms that an archive with this code was issued, and shows nothing personal
    beyond a masked name. A code that is not an archive's is handed to the registered verifiers (a 结业证书's
    page); one that nobody knows answers 404."""
    try:
        issue = issue_by_code(code)
    except NotFound:
        found = verify_elsewhere(code)  # another document with a code: a 结业证书… (``web.verification``)
        if found is not None:
            template, context = found
            return render(request, template, context)
        return render(request, "archive/verify.html", {"issue": None, "code": code[:40]}, status=404)
    return render(request, "archive/verify.html", {"issue": issue, "code": issue.code_display})
