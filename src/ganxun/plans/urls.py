from django.urls import path

from ganxun.plans import views

app_name = "plans"
urlpatterns = [
    path("list/", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("import/", views.plan_import_view, name="import"),
    path("<str:plan_id>/", views.plan_detail, name="detail"),
    path("<str:plan_id>/export.yaml", views.plan_export, name="export"),
    path("<str:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<str:plan_id>/publish/", views.plan_publish_view, name="publish"),
    path("<str:plan_id>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("<str:plan_id>/indicators/<str:indicator_code>/", views.indicator_edit, name="indicator_edit"),
    path("<str:plan_id>/indicators/<str:indicator_code>/reset/", views.indicator_reset, name="indicator_reset"),
]
