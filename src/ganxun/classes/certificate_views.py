"""结业证书 pages: one trainee's certificate as PDF, a class's valid certificates as one ZIP.

Who may download: one certificate, whoever sees its holder in the class (``selectors.certificate_visible``:
the class's staff, the holder's unit, the holder's own login); the ZIP, the class's staff alone. Anyone else
gets the 404 of a certificate that does not exist. A revoked certificate is not served. Each download leaves
an audit row with the certificates' numbers (``services.certificates_issued``).
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganxun.classes.background import INLINE_CERTIFICATES, queue_certificates
from ganxun.classes.certificates import certificate_filename, certificate_pdf as render_certificate, certificates_zip as zip_of
from ganxun.classes.selectors import certificate_visible, valid_certificates_of_class
from ganxun.classes.services import certificates_issued
from ganxun.web.decorators import scoped_view
from ganxun.web.verification import verify_url


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _not_served(request, title: str, message: str):
    return render(request, "web/error.html", {"code": 404, "title": title, "message": message}, status=404)


@scoped_view
@require_GET
def certificate_pdf(request, code, certificate_number):
    certificate = certificate_visible(request.user, code, certificate_number)
    if certificate.revoked_at is not None:
        return _not_served(request, "结业证书已作废",
                           f"结业证书 {certificate.number} 已于 {timezone.localtime(certificate.revoked_at):%Y年%m月%d日}"
                           "作废（取消结业或取消结班），不再提供下载。")
    content = render_certificate(certificate, verify_url(request, certificate.code))
    certificates_issued(acting_user=request.user, class_code=code, numbers=[certificate.number])
    return _attachment(content, "application/pdf", certificate_filename(certificate))


@scoped_view
@require_GET
def certificates_zip(request, code):
    tc, certificates = valid_certificates_of_class(request.user, code)
    if not certificates:
        return _not_served(request, "没有有效的结业证书", f"班次「{tc.name}」没有有效的结业证书：结班后才颁发证书，已作废的证书不再提供。")
    if len(certificates) > INLINE_CERTIFICATES:
        job = queue_certificates(request, tc)
        return redirect("jobs:detail", job.pk)
    content = zip_of(certificates, lambda c: verify_url(request, c))
    certificates_issued(acting_user=request.user, class_code=code, numbers=[c.number for c in certificates], bulk=True)
    return _attachment(content, "application/zip", f"结业证书_{tc.code}_{tc.name}.zip")
