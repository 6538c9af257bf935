from django.urls import path

from ganxun.shell import views

urlpatterns = [
    path("", views.home, name="home"),
]
