from tests.records.conftest import schools  # noqa: F401  (the institutions the records rows name)
