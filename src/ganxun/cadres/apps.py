from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CadresConfig(AppConfig):
    name = "ganxun.cadres"
    verbose_name = "干部"
    # (path prefix, URLconf) pairs the root URLconf includes
    urls = (("cadres/", "ganxun.cadres.urls"),)

    def ready(self):
        post_migrate.connect(_keys_ready, sender=self, dispatch_uid="ganxun.cadres.keys_ready")


def _keys_ready(sender, using="default", **kwargs):
    """After every ``ganxun migrate`` (and so every ``ganxun serve`` and demo start): the 身份证号 keys must open
    what the database holds. A fresh installation gets its key file; an existing one without its keys is
    refused (making new keys would leave every stored number unreadable)."""
    from django.core.management.base import CommandError
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from ganxun.cadres.keys import check_keys_for_database

    if ("cadres", "0002_id_number_encrypted") not in MigrationRecorder(connections[using]).applied_migrations():
        return  # migrated back to the clear column (or not that far yet): nothing sealed to open
    from ganxun.core.crypto import KeysMissing

    try:
        check_keys_for_database(using=using)
    except KeysMissing as exc:
        raise CommandError(exc.message) from None
