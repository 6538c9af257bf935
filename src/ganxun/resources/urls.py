from django.urls import path

from ganxun.resources import views

app_name = "resources"
urlpatterns = [
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/new/", views.institution_new, name="institution_new"),
    path("institutions/export.xlsx", views.institution_export, name="institution_export"),
    path("institutions/<str:code>/", views.institution_detail, name="institution_detail"),
    path("institutions/<str:code>/edit/", views.institution_edit, name="institution_edit"),
]
