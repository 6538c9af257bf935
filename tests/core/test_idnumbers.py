import re

import pytest

from ganxun.core.idnumbers import InvalidIdNumber, mask_all_in_text, mask_id_number, normalise_id_number


def test_known_valid_number_with_x_check_digit_is_accepted():
    assert normalise_id_number("11010519491231002X") == "11010519491231002X"


def test_lowercase_x_and_full_width_digits_are_normalised():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    assert normalise_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize("raw, expected", [
    ("110105194912310021", "校验位"),
    ("110105199902300021", "出生日期"),
    ("1101051949123100", "18 位"),
    ("1.10105E+17", "科学计数法"),
    (110105194912310000.0, "Excel"),
    ("", "不能为空"),
])
def test_bad_numbers_are_refused_with_a_reason_that_hides_the_number(raw, expected):
    with pytest.raises(InvalidIdNumber) as exc:
        normalise_id_number(raw)
    assert expected in str(exc.value)
    assert not re.search(r"\d{17}[\dX]", str(exc.value))


def test_mask_keeps_first_four_and_last_four():
    assert mask_id_number("41102219800517123X") == "4110**********123X"


def test_mask_all_in_text_leaves_no_full_number():
    text = mask_all_in_text("导入 41102219800517123X 与 11010519491231002X 失败")
    assert not re.search(r"\d{17}[\dX]", text)
    assert "4110**********123X" in text
