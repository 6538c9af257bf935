"""操作日志 (the audit trail) at /audit/: a page of the accounts app, which sits above the org scope it needs."""

from django.urls import path

from ganxun.accounts import audit_views as views

app_name = "audit"
urlpatterns = [path("", views.audit_list, name="list")]
