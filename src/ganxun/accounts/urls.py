from django.contrib.auth import views as auth_views
from django.urls import path

from ganxun.accounts import views
from ganxun.accounts.forms import LoginForm

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html", authentication_form=LoginForm,
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<str:username>/disable/", views.user_disable, name="user_disable"),
]
