from django.urls import path

from ganxun.shell import views

urlpatterns = [
    path("", views.home, name="home"),
    path("my-institution/", views.my_institution, name="my_institution"),
]
