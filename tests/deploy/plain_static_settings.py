"""Production settings with static files copied instead of compressed, for the second application server.

`ganxun serve` collects static files at every start in production; compressing them takes about ten seconds
of both cores. The second server of tests/deploy/ needs only the login page, so it copies them instead;
every security and proxy setting is the production one (it imports them all).
"""

from ganxun.settings import *  # noqa: F403
from ganxun.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
