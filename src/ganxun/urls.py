from django.urls import include, path

from ganxun.api.main import api
from ganxun.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("", include("ganxun.archive.public_urls")),
    path("accounts/", include("ganxun.accounts.urls")),
    path("orgs/", include("ganxun.orgs.urls")),
    path("cadres/", include("ganxun.cadres.urls")),
    path("resources/", include("ganxun.resources.urls")),
    path("audit/", include("ganxun.audit.urls")),
    path("records/", include("ganxun.records.urls")),
    path("plans/", include("ganxun.plans.urls")),
    path("archive/", include("ganxun.archive.urls")),
    path("reports/", include("ganxun.reports.urls")),
    path("api/v1/", api.urls),
]

handler404 = "ganxun.web.views.not_found"
handler403 = "ganxun.web.views.forbidden"
handler500 = "ganxun.web.views.server_error"
