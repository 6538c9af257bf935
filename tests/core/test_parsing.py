from datetime import date, datetime

import pytest

from ganxun.cadres.models import CadreCategory, LocalTeam
from ganxun.core.parsing import cell_text, parse_bool, parse_choice, parse_date


@pytest.mark.parametrize("cell", ["是", "Y", "y", "1", "TRUE", "true", "True", 1, 1.0, True])
def test_yes_in_every_accepted_spelling_is_true(cell):
    assert parse_bool(cell) is True


@pytest.mark.parametrize("cell", ["否", "N", "n", "0", "FALSE", "false", 0, 0.0, False])
def test_no_in_every_accepted_spelling_is_false(cell):
    assert parse_bool(cell) is False


def test_an_empty_yes_no_cell_takes_the_default():
    assert parse_bool("") is False
    assert parse_bool(None, default=True) is True


def test_an_unreadable_yes_no_cell_says_what_was_expected():
    # when / then
    with pytest.raises(ValueError) as exc:
        parse_bool("也许")
    assert "应为 是 或 否" in str(exc.value) and "也许" in str(exc.value)


@pytest.mark.parametrize("cell", ["2020-01-31", "2020/01/31", "2020/1/31", "2020年1月31日", "2020-01-31 00:00:00",
                                  date(2020, 1, 31), datetime(2020, 1, 31, 0, 0)])
def test_dates_in_every_accepted_form(cell):
    assert parse_date(cell) == date(2020, 1, 31)


def test_an_empty_date_cell_is_none():
    assert parse_date("") is None and parse_date(None) is None


@pytest.mark.parametrize("cell", ["31.01.2020", "2020-02-30", "昨天", 43861.0])
def test_a_bad_date_says_what_was_expected(cell):
    with pytest.raises(ValueError) as exc:
        parse_date(cell)
    assert "日期" in str(exc.value)


def test_a_choice_is_found_by_its_chinese_label():
    assert parse_choice("党政领导干部", CadreCategory.choices) == "leadership_team"
    assert parse_choice("县", LocalTeam.choices, required=False) == "county"
    assert parse_choice("", LocalTeam.choices, required=False) == ""


def test_an_unknown_choice_lists_the_labels():
    # when
    with pytest.raises(ValueError) as exc:
        parse_choice("公务员", CadreCategory.choices)
    # then
    assert "机关公务员" in str(exc.value) and "公务员" in str(exc.value)


def test_a_missing_required_choice_is_refused():
    with pytest.raises(ValueError) as exc:
        parse_choice(" ", CadreCategory.choices)
    assert "不能为空" in str(exc.value)


def test_a_number_cell_reads_as_text_without_the_decimal_point():
    assert cell_text(4199.0) == "4199"
    assert cell_text(" 示例 ") == "示例"


def test_an_error_never_quotes_a_full_id_number():
    with pytest.raises(ValueError) as exc:
        parse_date("11010519491231002X")
    assert "11010519491231002X" not in str(exc.value)
