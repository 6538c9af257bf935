from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganxun.audit"
    verbose_name = "审计"

    def ready(self):
        from ganxun.audit import signals  # noqa: F401
