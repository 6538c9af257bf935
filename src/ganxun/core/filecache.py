"""The cache every web process and the worker share: Django's file cache, which looks at its size less often.

Django's ``FileBasedCache`` lists its whole directory on every ``set`` to see whether it has grown past
``MAX_ENTRIES``. With the pages, boards and marks of a busy day that is a couple of thousand files per write: on
a city's 达标评估 page just after a record, the eight values it keeps cost 135 ms of listings, more than the
page itself. Here each process looks at most once every ``CULL_SECONDS`` (per directory); in between the
directory may grow past ``MAX_ENTRIES`` by what was set meanwhile, and the next look culls as Django does.

``add`` is also made atomic. Django's looks whether the key is there and then sets it, so two processes may both
"add" the same marker and both do the work it was to keep to one (``core.kept``). Here the value is written to a
file of its own, which is then linked under the key's name: the link fails when another was there first.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 5.0

_looked_at: dict[str, float] = {}   # directory → when this process last looked at its size (threads share it)
_lock = threading.Lock()


class FileCache(FileBasedCache):
    """``django.core.cache.backends.filebased.FileBasedCache`` that culls at most once every ``CULL_SECONDS``, and
    whose ``add`` is atomic across threads and processes."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        fname = self._key_to_file(key, version)
        self._cull()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            for _ in range(2):
                try:
                    os.link(tmp_path, fname)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):   # an expired one is removed here, and the link tried again
                        return False
                except OSError:   # a file system without hard links: Django's look-then-set
                    return super().add(key, value, timeout, version)
            return False
        finally:
            os.remove(tmp_path)

    def _cull(self):
        now = time.monotonic()
        with _lock:
            if now - _looked_at.get(self._dir, float("-inf")) < CULL_SECONDS:
                return
            _looked_at[self._dir] = now
        super()._cull()

    def clear(self):
        super().clear()
        with _lock:
            _looked_at.pop(self._dir, None)
