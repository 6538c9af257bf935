from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganxun.audit"
    verbose_name = "审计"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from ganxun.audit import signals  # noqa: F401
        from ganxun.audit.chain import register_sqlite_function
        from ganxun.audit.triggers import reinstall_after_migrate

        connection_created.connect(register_sqlite_function, dispatch_uid="ganxun_audit_permit")
        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="ganxun_audit_triggers")
        # each app's presentation.py (how its audit rows read) is read when first needed (ganxun.core.discovery)
