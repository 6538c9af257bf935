"""The archive's public routes, for the site's root URLconf: ``path("", include("ganxun.archive.public_urls"))``."""

from ganxun.archive.urls import public_urlpatterns

urlpatterns = public_urlpatterns
