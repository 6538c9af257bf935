"""The accepted days (core.dates): 1950-01-01 to 2100-12-31 on the pages, the API and the command line."""

from datetime import date

import pytest

from ganxun.core.dates import DAY_RANGE, parse_day
from tests.factories import run_command


def test_parse_day_names_the_parameter_and_the_range():
    assert parse_day("as_of", "2022-12-31") == (date(2022, 12, 31), None)
    assert parse_day("as_of", "1950-01-01")[0] == date(1950, 1, 1)
    assert parse_day("as_of", "2100-12-31")[0] == date(2100, 12, 31)
    assert parse_day("as_of", "0001-01-01") == (None, f"as_of「0001-01-01」超出可接受的范围（{DAY_RANGE}）")
    assert parse_day("as_of", "2022-02-30") == (None, "as_of「2022-02-30」不是 YYYY-MM-DD 格式的日期")


@pytest.mark.parametrize("argv", [
    ("compliance", "--plan", "henan-2019-2022", "--as-of", "0001-01-01"),
    ("conflicts", "--from", "2022-01-01", "--to", "9999-12-31"),
])
def test_the_command_line_refuses_a_day_out_of_range_with_exit_2(world, capsys, argv):
    assert run_command(*argv) == 2
    assert f"超出可接受的范围（{DAY_RANGE}）" in capsys.readouterr().err
