"""Django's ``flush`` (a whole-database wipe: ``ganxun demo --refresh``, the test suite) with the audit rows.

A wipe of everything is not the quiet change the triggers are there for; it is the one path besides
``ganxun audit archive`` that opens ``archive_permit()`` (on PostgreSQL flush TRUNCATEs, which row triggers
do not see; on SQLite it DELETEs, which they do).
"""

from django.core.management.commands.flush import Command as DjangoFlush

from ganxun.audit.chain import archive_permit


class Command(DjangoFlush):
    def handle(self, **options):
        with archive_permit():
            return super().handle(**options)
