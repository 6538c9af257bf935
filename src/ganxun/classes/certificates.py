"""结业证书 as PDF (one, or a class's as a ZIP of one PDF each) and their public verification.

The holder's full name is printed (the certificate is their document); the 身份证号 never is. What else is
printed comes from the certificate row as it was issued at 结班 (class name, institution, dates, hours), with
its number, its verification code and a QR code of the verification address (``web.verification``).

Speed: a class's certificates are laid out as one document (``web.pdf.html_to_pdfs``), so the fonts and the
stylesheet are loaded once per batch, and each certificate's page is then written as its own PDF.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from ganxun.classes.models import Certificate
from ganxun.classes.selectors import certificate_by_code
from ganxun.web.pdf import html_to_pdf, html_to_pdfs
from ganxun.web.verification import normalise_code, qr_svg, register_verifier

# Certificates laid out together: bounds the memory of one layout (a page is ~1 MB of boxes in WeasyPrint).
BATCH = 50
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def hours_text(hours: Decimal) -> str:
    """40.0 → "40", 40.5 → "40.5"."""
    return f"{hours.normalize():f}" if hours == hours.to_integral() else f"{hours:f}".rstrip("0")


@dataclass(frozen=True)
class Printed:
    """What one certificate prints."""

    anchor: str
    name: str
    number: str
    code_display: str
    class_name: str
    institution_name: str
    start_date: date
    end_date: date
    hours: str
    issued_on: date
    verify_url: str
    qr: SafeString


def printed(certificate: Certificate, verify_url: str, index: int = 0) -> Printed:
    return Printed(
        anchor=f"certificate-{index}", name=certificate.enrolment.cadre.name, number=certificate.number,
        code_display=certificate.code_display, class_name=certificate.class_name,
        institution_name=certificate.institution_name, start_date=certificate.start_date,
        end_date=certificate.end_date, hours=hours_text(certificate.hours),
        issued_on=timezone.localtime(certificate.issued_at).date(), verify_url=verify_url,
        qr=mark_safe(qr_svg(verify_url)))  # noqa: S308 (segno's own markup)


def certificates_html(items: Sequence[Printed]) -> str:
    return render_to_string("classes/certificate_pdf.html", {"certificates": items})


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    return html_to_pdf(certificates_html([printed(certificate, verify_url)]))


def certificate_filename(certificate: Certificate) -> str:
    """``<证书编号>_<姓名>.pdf``, without characters a file system refuses."""
    name = _UNSAFE_IN_FILENAME.sub("_", certificate.enrolment.cadre.name).strip() or "学员"
    return f"{_UNSAFE_IN_FILENAME.sub('_', certificate.number)}_{name}.pdf"


def certificates_pdfs(certificates: Sequence[Certificate], url_of: Callable[[str], str]) -> list[bytes]:
    """One PDF per certificate, in order, laid out ``BATCH`` at a time; ``url_of(code)`` is the verification address."""
    out: list[bytes] = []
    for start in range(0, len(certificates), BATCH):
        chunk = certificates[start:start + BATCH]
        items = [printed(c, url_of(c.code), i) for i, c in enumerate(chunk)]
        out.extend(html_to_pdfs(certificates_html(items), [item.anchor for item in items]))
    return out


def certificates_zip(certificates: Sequence[Certificate], url_of: Callable[[str], str]) -> bytes:
    """A ZIP of one PDF per certificate, named ``<证书编号>_<姓名>.pdf`` (UTF-8 names). PDFs are compressed
    already: stored, not deflated again."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        seen: set[str] = set()
        for certificate, content in zip(certificates, certificates_pdfs(certificates, url_of)):
            name = certificate_filename(certificate)
            if name in seen:  # numbers are unique; this guards against a number the sanitising folded onto another
                name = f"{name.removesuffix('.pdf')}_{certificate.pk}.pdf"
            seen.add(name)
            archive.writestr(name, content)
    return buffer.getvalue()


# ---- public verification ----------------------------------------------------------------------------------

def verify_certificate(code: str) -> tuple[str, dict] | None:
    """The verifier ``/verify/<code>`` asks (``web.verification``): a certificate's page (有效 or 已作废), or None."""
    certificate = certificate_by_code(normalise_code(code))
    if certificate is None:
        return None
    return "classes/certificate_verify.html", {
        "certificate": certificate, "code": certificate.code_display, "valid": certificate.revoked_at is None,
        "hours": hours_text(certificate.hours)}


register_verifier(verify_certificate)
