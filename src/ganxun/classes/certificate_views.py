"""结业证书 pages: one trainee's certificate as PDF, a class's certificates as one ZIP (to be built)."""

from django.http import Http404

from ganxun.web.decorators import scoped_view


@scoped_view
def certificate_pdf(request, code, certificate_number):
    raise Http404("结业证书尚未提供")


@scoped_view
def certificates_zip(request, code):
    raise Http404("结业证书尚未提供")
