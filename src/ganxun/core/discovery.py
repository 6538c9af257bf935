"""Each app's registration modules, imported when a registry is first read rather than when Django starts.

The import/export kinds (``importers.py``, ``exporters.py``), the kinds of background job (``background.py``) and
how audit rows read (``presentation.py``) are registered by modules that exist only to register. Imported at start
(``AppConfig.ready``) they cost every command about 0.3 s (the spreadsheet writer, the report exporters, the
importers' parsers), which a command that never reads those registries (``ganxun compliance``, ``ganxun verdicts``,
``ganxun totals``) paid for nothing. So each registry's readers call its ``Discovery`` first; the web process and
the worker discover everything once when they start (``discover_all``), so no request pays for it.

Only registration belongs in such a module: a signal or a listener that must be in place before the first write
is connected in its app's ``ready`` (the verdict store's listener, the audit's signals).
"""

from __future__ import annotations

import threading

from django.utils.module_loading import autodiscover_modules


class Discovery:
    """The ``modules`` of every installed app, imported once, on the first call."""

    def __init__(self, *modules: str):
        self.modules = modules
        self._done = False
        self._lock = threading.RLock()   # a module being imported may read its own registry (same thread)

    def __call__(self) -> None:
        if self._done:
            return
        with self._lock:
            if not self._done:
                autodiscover_modules(*self.modules)
                self._done = True


_all: list[Discovery] = []


def discovery(*modules: str) -> Discovery:
    found = Discovery(*modules)
    _all.append(found)
    return found


def discover_all() -> None:
    """Every registry filled now (a long-running process at its start)."""
    for found in list(_all):
        found()
