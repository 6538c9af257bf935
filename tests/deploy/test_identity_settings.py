"""GANXUN_SECOND_FACTOR and the password-policy settings: a value the policy cannot mean is refused at start."""

import subprocess

import pytest

from tests.deploy.conftest import ganxun_command, production_env

# `ganxun serve` and the settings on a SQLite file of their own, whatever the suite's database is
pytestmark = pytest.mark.own_sqlite


@pytest.mark.parametrize("name,value,message", [
    ("GANXUN_SECOND_FACTOR", "optional", "GANXUN_SECOND_FACTOR 只能是 required 或 off"),
    ("GANXUN_PASSWORD_MAX_AGE_DAYS", "-1", "GANXUN_PASSWORD_MAX_AGE_DAYS 应为不小于 0 的整数"),
])
def test_a_policy_value_that_means_nothing_is_refused_with_the_variables_name(tmp_path, name, value, message):
    result = subprocess.run([*ganxun_command(), "check"], env=production_env(tmp_path, **{name: value}),
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode != 0 and message in result.stderr and repr(value) in result.stderr


def test_production_requires_the_second_factor_and_expires_passwords_by_default(tmp_path):
    probe = ("import django; django.setup(); from django.conf import settings as s; "
             "print(s.GANXUN_SECOND_FACTOR, s.GANXUN_PASSWORD_MAX_AGE_DAYS, s.GANXUN_PASSWORD_HISTORY)")
    import sys

    result = subprocess.run([sys.executable, "-c", probe],
                            env={**production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "ganxun.settings"},
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.split() == ["required", "90", "5"], result.stderr
