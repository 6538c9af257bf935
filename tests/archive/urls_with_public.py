"""The site's URLconf with the archive's public routes mounted at the root, as the lead will mount them."""

from django.urls import include, path

from ganxun.urls import handler403, handler404, handler500, urlpatterns as site  # noqa: F401

urlpatterns = [*site, path("", include("ganxun.archive.public_urls"))]
