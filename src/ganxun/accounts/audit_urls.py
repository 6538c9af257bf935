"""操作日志 and 登录日志 at /audit/: pages of the accounts app, which sits above the org scope it needs."""

from django.urls import path

from ganxun.accounts import audit_views as views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("export.xlsx", views.audit_export, name="export"),
    path("logins/", views.login_list, name="logins"),
    path("logins/export.xlsx", views.login_export, name="logins_export"),
]
