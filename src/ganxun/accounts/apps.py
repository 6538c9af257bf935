from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ganxun.accounts"
    verbose_name = "用户与权限"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("accounts/", "ganxun.accounts.urls"), ("audit/", "ganxun.accounts.audit_urls"))
