from django.urls import path

from ganxun.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_tree, name="tree"),
    path("new/", views.org_new, name="new"),
    path("export.xlsx", views.org_export, name="export"),
    path("<str:code>/edit/", views.org_edit, name="edit"),
    path("<str:code>/move/", views.org_move_view, name="move"),
]
