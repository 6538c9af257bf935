import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ganxun.settings")
application = get_wsgi_application()


def _registries_filled() -> None:
    """The registries a page reads, filled now, so that no request pays for importing what they name."""
    from ganxun.audit import presentation  # noqa: F401
    from ganxun.core import dataio  # noqa: F401
    from ganxun.core.discovery import discover_all
    from ganxun.jobs import registry  # noqa: F401

    discover_all()


_registries_filled()
