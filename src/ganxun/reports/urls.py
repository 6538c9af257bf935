from django.urls import path

from ganxun.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("cadres/", views.cadre_list, name="cadres"),
    path("makeup/", views.makeup_list, name="makeup"),
    path("at-risk/", views.at_risk_list, name="at_risk"),
    path("export.xlsx", views.export, name="export"),
]
