"""GANXUN_TRUSTED_PROXY names one address; anything waitress could not match is refused at start."""

import subprocess

import pytest

from tests.deploy.conftest import ganxun_command, production_env

# `ganxun serve` and the settings on a SQLite file of their own, whatever the suite's database is
pytestmark = pytest.mark.own_sqlite


@pytest.mark.parametrize("value", ["10.0.0.1,10.0.0.2", "nginx.intra"])
def test_a_trusted_proxy_that_is_not_one_address_is_refused_with_the_variables_name(tmp_path, value):
    result = subprocess.run([*ganxun_command(), "check"], env=production_env(tmp_path, GANXUN_TRUSTED_PROXY=value),
                            cwd=tmp_path, capture_output=True, text=True)

    assert result.returncode != 0
    assert "GANXUN_TRUSTED_PROXY 应为反向代理的一个 IP 地址" in result.stderr and repr(value) in result.stderr


@pytest.mark.parametrize("value", ["::1", ""])
def test_one_address_or_none_is_accepted(tmp_path, value):
    result = subprocess.run([*ganxun_command(), "check"], env=production_env(tmp_path, GANXUN_TRUSTED_PROXY=value),
                            cwd=tmp_path, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
