from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganxun.audit"
    verbose_name = "审计"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("audit/", "ganxun.audit.urls"),)

    def ready(self):
        from ganxun.audit import signals  # noqa: F401
