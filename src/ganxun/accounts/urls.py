from django.contrib.auth import views as auth_views
from django.urls import path

from ganxun.accounts import identity_views, views
from ganxun.accounts.forms import LoginForm
from ganxun.accounts.ratelimit import login_rate_limited, second_factor_rate_limited

urlpatterns = [
    path("login/", login_rate_limited(auth_views.LoginView.as_view(
        template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True)),
        name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<str:username>/disable/", views.user_disable, name="user_disable"),
    path("users/<str:username>/reset-2fa/", identity_views.reset_other, name="user_reset_second_factor"),
    path("online/", identity_views.online, name="online_users"),
    path("online/<str:ref>/end/", identity_views.online_end, name="online_end"),
    path("password/", identity_views.password_change, name="password_change"),
    path("2fa/", identity_views.status, name="second_factor"),
    path("2fa/enrol/", identity_views.enrol, name="second_factor_enrol"),
    path("2fa/verify/", second_factor_rate_limited(identity_views.verify), name="second_factor_verify"),
    path("2fa/reset/", identity_views.reset_own, name="second_factor_reset"),
]
