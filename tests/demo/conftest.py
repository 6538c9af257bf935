import pytest


@pytest.fixture(autouse=True)
def demo_files(settings, tmp_path):
    """The demo classes' placeholder documents go to the test's own folder, not the checkout's ``var``."""
    settings.VAR_DIR = tmp_path

