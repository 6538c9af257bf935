from django.urls import path

from ganxun.dataio import views

app_name = "dataio"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
    path("job/<int:job_id>/", views.import_job, name="job"),
    path("job/<int:job_id>/progress/", views.import_job_progress, name="job_progress"),
    path("export/", views.export_page, name="export"),
]
