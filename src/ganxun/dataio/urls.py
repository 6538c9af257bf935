from django.urls import path

from ganxun.dataio import views

app_name = "dataio"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("template/<str:kind>.xlsx", views.import_template, name="template"),
]
