"""Settings for the test suite: fast hasher, in-memory cache, no HTTPS requirements."""

import os

os.environ.setdefault("GANXUN_MODE", "test")
# Fixed keys for the tests (and the servers and workers they start): never used outside the test suite.
os.environ.setdefault("GANXUN_DATA_KEYS", '{"current": 1, "data_keys": {"1": "%s"}, "hash_key": "%s"}'
                      % ("5a" * 16, "7e" * 32))

from ganxun.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Jobs run at once, inside the request that queues them; tests/jobs starts a real ``ganxun worker`` too.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
