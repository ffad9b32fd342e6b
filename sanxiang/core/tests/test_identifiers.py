"""Identifier validation with real check-digit cases (GB 32100-2015, GB 11643-1999)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sanxiang.core.identifiers import mask_id_card, validate_credit_code, validate_id_card

# Real published codes: an example from GB 32100 guidance and 华为技术有限公司's code.
VALID_CREDIT_CODES = ["91350100M000100Y43", "914403001922038216"]
# The example number of GB 11643-1999 itself, and another valid number.
VALID_ID_CARDS = ["11010519491231002X", "440524188001010014", "110101199003074477"]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_valid_credit_code(code):
    assert validate_credit_code(code) == code


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_one_digit_wrong_is_refused(code):
    position = 10
    wrong = code[:position] + ("1" if code[position] != "1" else "2") + code[position + 1 :]
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(wrong)
    assert exc.value.code == "checksum"
    assert "校验位" in exc.value.messages[0]


@pytest.mark.parametrize("code", VALID_CREDIT_CODES)
def test_credit_code_wrong_check_character(code):
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        validate_credit_code(wrong)


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_credit_code_wrong_length(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "length"
    assert "18位" in exc.value.messages[0]


def test_credit_code_lowercase_is_normalised():
    assert validate_credit_code("91350100m000100y43") == "91350100M000100Y43"


def test_credit_code_full_width_is_normalised():
    full_width = "９１３５０１００Ｍ０００１００Ｙ４３"
    assert validate_credit_code(f"  {full_width} ") == "91350100M000100Y43"


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_credit_code_forbidden_letters(letter):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100" + letter + "43")
    assert exc.value.code == "charset"


def test_credit_code_division_must_be_digits():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91A50100M000100Y43")
    assert exc.value.code == "charset"


@pytest.mark.parametrize("number", VALID_ID_CARDS)
def test_valid_id_card(number):
    assert validate_id_card(number) == number


def test_id_card_one_digit_wrong():
    with pytest.raises(ValidationError) as exc:
        validate_id_card("11010519491231003X")
    assert exc.value.code == "checksum"


def test_id_card_wrong_check_character():
    with pytest.raises(ValidationError, match="校验位"):
        validate_id_card("110105194912310021")


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", "110105491231002"])
def test_id_card_wrong_length(number):
    with pytest.raises(ValidationError) as exc:
        validate_id_card(number)
    assert exc.value.code == "length"


def test_id_card_lowercase_x_is_normalised():
    assert validate_id_card("11010519491231002x") == "11010519491231002X"


def test_id_card_full_width_is_normalised():
    assert validate_id_card("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_id_card_impossible_birth_date():
    body = "11010519490231002"  # 31 February
    with pytest.raises(ValidationError) as exc:
        validate_id_card(body + "0")
    assert exc.value.code == "birth_date"


def test_id_card_birth_in_future():
    with pytest.raises(ValidationError) as exc:
        validate_id_card("110101199003074477", today=datetime.date(1989, 1, 1))
    assert exc.value.code == "birth_date"


def test_id_card_letters_inside():
    with pytest.raises(ValidationError) as exc:
        validate_id_card("1101051949123100XX")
    assert exc.value.code == "charset"


def test_mask_keeps_region_and_last_four():
    assert mask_id_card("11010519491231002X") == "110105********002X"
