from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ganxun.accounts"
    verbose_name = "用户与权限"
