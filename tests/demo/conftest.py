import pytest


@pytest.fixture(autouse=True)
def demo_files(settings, tmp_path):
    """The demo classes' placeholder documents go to the test's own folder, not the checkout's ``var``."""
    settings.VAR_DIR = tmp_path


# The demo's classes are checked on the SQLite run only, for now: the demo is built on SQLite (``ganxun demo``), and
# on PostgreSQL the checks' joins over rows written inside the test's own transaction (no statistics yet) take
# minutes each. tests/demo/test_demo.py still builds the demo, classes included, on PostgreSQL.
import os  # noqa: E402

collect_ignore = ["test_demo_classes.py"] if os.environ.get("GANXUN_DATABASE_URL", "").startswith("postgres") else []
