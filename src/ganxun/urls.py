"""The root URLconf: every installed app's pages (``AppConfig.urls``), the API and the health check.

No app is named here: an app says where its pages live in its ``apps.py``.
"""

from django.apps import apps
from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView

from ganxun.api.main import api
from ganxun.web import views as web_views


def _app_urls():
    for config in apps.get_app_configs():
        for prefix, urlconf in getattr(config, "urls", ()):
            yield path(prefix, include(urlconf))


urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    # browsers ask for /favicon.ico on every page that names none (the PDF's verification page, error pages…)
    path("favicon.ico", RedirectView.as_view(url=f"{settings.STATIC_URL}ganxun/favicon.ico")),
    # the import page moved from 干部名册 to /import/: old bookmarks still arrive
    path("cadres/import/", RedirectView.as_view(pattern_name="dataio:import", query_string=True)),
    *_app_urls(),
    path("api/v1/", api.urls),
]

handler404 = "ganxun.web.views.not_found"
handler403 = "ganxun.web.views.forbidden"
handler500 = "ganxun.web.views.server_error"
