"""schemathesis against the API's own OpenAPI description: every operation, a bounded number of examples each,
as a token user with a scope. No answer may be a server error, and every answer must be one the operation
declares — its status, its content type and its schema (``{"detail", "code", "extra"}`` for errors)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from ganxun.accounts.services import token_create
from ganxun.core.roles import UNSCOPED_OPERATOR
from tests.factories import add_institution

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def token(world):
    """The city's organisation department (org_admin, scope 示例市委组织部), by bearer token, with a school."""
    add_institution("DX4199", "中共示例市委党校", "party_school", owner=world.orgs["city_dept"])
    _, raw = token_create(acting_user=UNSCOPED_OPERATOR, username="city_admin")
    return raw


@pytest.fixture
def same_connection():
    """The WSGI handler closes the database connection after each request (``request_finished``); inside the
    test's transaction that would end it. Django's test client does the same as this."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token, same_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
