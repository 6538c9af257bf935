from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganxun.audit"
    verbose_name = "审计"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from ganxun.audit import signals  # noqa: F401

        # each app's presentation.py says how its audit rows read (ganxun.audit.presentation)
        autodiscover_modules("presentation")
