"""Shared behaviour of ganxun's commands: domain errors become a message on stderr and exit 2."""

import sys

from django.core.management.base import BaseCommand

from ganxun.core.errors import DomainError, ImportRejected


class GanxunCommand(BaseCommand):
    requires_system_checks = []

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except ImportRejected as exc:
            self.stderr.write(exc.message)
            for err in exc.errors:
                self.stderr.write(f"  {exc.source}: {err}")
            sys.exit(2)
        except DomainError as exc:
            self.stderr.write(f"错误：{exc.message}")
            sys.exit(2)
