from contextlib import ExitStack

import pytest
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(autouse=True)
def demo_files(settings, tmp_path):
    """The demo classes' placeholder documents go to the test's own folder, not the checkout's ``var``."""
    settings.VAR_DIR = tmp_path


@pytest.fixture(scope="module")
def shared_demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The module's demo world, built once (``build_demo(**DEMO_BUILD)`` of the module) and rolled back after
    its last test; each test that asks for it runs in a savepoint over it (pytest-django's ``db``), so that
    what one test changes the next does not see. Building the small demo takes seconds: once per module
    instead of once per test. The tests of a module that do not ask for it run before it is built (see
    ``pytest_collection_modifyitems``), on an empty database as before."""
    from ganxun.demo.generator import build_demo

    with ExitStack() as stack:
        stack.enter_context(django_db_blocker.unblock())
        stack.enter_context(override_settings(VAR_DIR=tmp_path_factory.mktemp("demo")))
        outer = transaction.atomic()
        outer._from_testcase = True   # as a TestCase's own block: a durable block inside it is allowed
        outer.__enter__()
        try:
            yield build_demo("small", **getattr(request.module, "DEMO_BUILD", {}))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def pytest_collection_modifyitems(config, items):
    """Within each run of a demo module's tests, the tests on the shared demo come after the others: the demo
    stays built from the first of them to the end of the run. Nothing moves out of its run: pytest-django runs
    the tests that flush the database after all the others, and that order must hold."""
    start = 0
    while start < len(items):
        end = start
        while end < len(items) and items[end].fspath == items[start].fspath:
            end += 1
        if "tests/demo/" in str(items[start].fspath):
            items[start:end] = sorted(items[start:end], key=lambda item: "shared_demo" in item.fixturenames)
        start = end
