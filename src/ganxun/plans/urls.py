from django.urls import path

from ganxun.plans import views

app_name = "plans"
urlpatterns = [
    path("list/", views.plan_list, name="list"),
    path("<str:plan_id>/", views.plan_detail, name="detail"),
]
