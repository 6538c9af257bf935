"""The cache the settings configure is one for every process (a dashboard kept by one web process is
found by the next): two separate processes, one writes an entry, the other reads it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "ganxun.settings"
import django
django.setup()
from django.core.cache import cache
if sys.argv[1] == "set":
    cache.set("ganxun-shared-test", {"看板": [1, 2, 3]}, 60)
    print("set", os.getpid())
else:
    print(cache.get("ganxun-shared-test"), os.getpid())
"""


def test_two_processes_share_a_cache_entry(tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GANXUN_")}, "GANXUN_MODE": "test",
           "GANXUN_VAR_DIR": str(tmp_path), "GANXUN_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    def run(*args) -> list[str]:
        done = subprocess.run([sys.executable, "-c", SNIPPET, *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    writer = run("set")
    reader = run("get")
    assert reader[:-1] == ["{'看板':", "[1,", "2,", "3]}"] and reader[-1] != writer[-1]
    # and nothing of it lives in the database: a cache write never waits for an import's write lock
    assert (tmp_path / "cache").is_dir() and any((tmp_path / "cache").iterdir())
