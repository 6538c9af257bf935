from django.urls import path

from ganxun.cadres import views

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("new/", views.cadre_new, name="new"),
    path("export.xlsx", views.cadre_export, name="export"),
    path("<str:person_code>/", views.cadre_detail, name="detail"),
    path("<str:person_code>/edit/", views.cadre_edit, name="edit"),
    path("<str:person_code>/reveal/", views.cadre_reveal, name="reveal"),
]
