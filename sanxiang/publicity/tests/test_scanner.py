"""GS-REQ-2: the personal-data scanner at its boundaries (a pure module: no database)."""

import datetime

import pytest

from sanxiang.publicity import scanner
from sanxiang.publicity.scanner import (
    ADDRESS,
    BANK_CARD,
    EMAIL,
    FIXED_LINE,
    ID_CARD,
    MOBILE,
    PERSON_NAME,
    mask_name,
    scan,
)

VALID_ID = "110105197509046066"  # check digit computed (GB 11643)
WRONG_CHECK = "110105197509046060"
BAD_DATE = "110105197513456064"  # month 13
DIGIT_CREDIT_CODE = "911401002516109569"  # a valid 统一社会信用代码 with no letters
LUHN_16 = "6222020200001235"
LUHN_19 = "6234567890123456780"
TODAY = datetime.date(2026, 11, 26)


def kinds(text, **kwargs):
    return [(f.kind, f.text, f.certain) for f in scan(text, today=TODAY, **kwargs)]


def test_valid_id_number_is_certain_and_located():
    text = f"身份证号码{VALID_ID}。"
    [finding] = scan(text, today=TODAY)
    assert (finding.kind, finding.certain) == (ID_CARD, True)
    assert text[finding.start : finding.end] == VALID_ID


def test_id_like_with_wrong_check_digit_or_date_is_suspected():
    assert kinds(f"证号{WRONG_CHECK}") == [(ID_CARD, WRONG_CHECK, False)]
    assert kinds(f"证号{BAD_DATE}") == [(ID_CARD, BAD_DATE, False)]


def test_lowercase_x_and_full_width_digits_are_found_at_original_positions():
    number = "11010519491231002X"
    assert kinds(f"号码{number.lower()}") == [(ID_CARD, number.lower(), True)]
    wide = "".join(chr(ord(c) + 0xFEE0) for c in VALID_ID)
    [finding] = scan(f"身份证：{wide}", today=TODAY)
    assert finding.kind == ID_CARD and finding.certain and finding.text == wide


def test_id_inside_a_longer_number_is_not_an_id():
    assert kinds(f"编号9{VALID_ID}") == []
    assert kinds(f"编号{VALID_ID}7") == []
    assert kinds(f"编号A{VALID_ID}") == []


def test_all_digit_credit_code_is_an_organisation_not_a_person():
    assert kinds(f"统一社会信用代码{DIGIT_CREDIT_CODE}") == []


def test_old_fifteen_digit_id_is_suspected():
    assert kinds("身份证110105750904606") == [(ID_CARD, "110105750904606", False)]


@pytest.mark.parametrize(
    "number", ["13912345678", "19912345678", "139 1234 5678", "139-1234-5678", "+8613912345678"]
)
def test_mobile_numbers(number):
    assert kinds(f"电话{number}，") == [(MOBILE, number, True)]


@pytest.mark.parametrize("number", ["12912345678", "1391234567", "139123456789", "23912345678"])
def test_not_mobile_numbers(number):
    assert [k for k in kinds(f"编号{number}号") if k[0] == MOBILE] == []


@pytest.mark.parametrize(
    ("number", "certain"),
    [
        ("0351-1234567", True),
        ("010-87654321", True),
        ("(0351)1234567", True),
        ("（0351）1234567", True),
        ("0351－1234567", True),
        ("0351-1234567-808", True),
        ("010-87654321-12", True),
        ("03511234567", False),
    ],
)
def test_fixed_lines(number, certain):
    assert kinds(f"电话{number}。") == [(FIXED_LINE, number, certain)]


def test_fixed_line_needs_a_real_local_number():
    assert kinds("编号0351-0234567。") == []


@pytest.mark.parametrize("card", [LUHN_16, LUHN_19, "6222 0202 0000 1235", "6222-0202-0000-1235"])
def test_bank_cards_with_luhn(card):
    assert kinds(f"账号{card}。") == [(BANK_CARD, card, True)]


def test_long_numbers_failing_luhn_are_not_bank_cards():
    assert kinds("设备编号6222020200001234。") == []
    assert kinds("设备编号62220202000012345678901。") == []  # 23 digits


def test_email():
    assert kinds("邮箱zhang.san+x@mail.example.com。") == [
        (EMAIL, "zhang.san+x@mail.example.com", True)
    ]


def test_address_after_a_cue_is_certain():
    text = "住址：山西省太原市小店区平阳路88号2单元301室，系该矿工人。"
    assert kinds(text) == [(ADDRESS, "山西省太原市小店区平阳路88号2单元301室", True)]
    assert kinds("家住测试县李家村，") == [(ADDRESS, "测试县李家村", True)]


def test_address_without_cue_needs_a_house_number():
    assert kinds("该矿位于测试省测试市测试镇。") == []
    [(kind, text, certain)] = kinds("该矿位于测试省测试市平阳路12号。")
    assert (
        (kind, certain) == (ADDRESS, False) and text.startswith("测试省") and text.endswith("12号")
    )


def test_known_address_is_certain_wherever_it_appears():
    assert kinds("其在平阳小区3栋居住", known_addresses=["平阳小区3栋"]) == [
        (ADDRESS, "平阳小区3栋", True)
    ]


def test_known_names_and_allowed_names():
    text = "当事人张三丰指使工人李四光违章作业，执法人员李明在场。"
    found = kinds(text, known_names=["李四光", "张三丰"], allowed_names=["张三丰", "李明"])
    assert found == [(PERSON_NAME, "李四光", True)]


def test_names_after_role_words_are_suspected():
    assert kinds("指使工人李四光违章进入采空区") == [(PERSON_NAME, "李四光", False)]
    assert kinds("矿长王强组织生产") == [(PERSON_NAME, "王强", False)]
    assert kinds("证人欧阳娜在场") == [(PERSON_NAME, "欧阳娜", False)]


def test_anonymised_names_and_non_names_are_left_alone():
    assert kinds("安全副矿长王某在场，工人张某某作证。") == []
    assert kinds("作业人员未佩戴自救器。") == []


def test_overlaps_keep_the_stronger_finding():
    found = scan(f"卡号{VALID_ID}", today=TODAY)
    assert [f.kind for f in found] == [ID_CARD]


def test_several_findings_in_text_order():
    text = f"张某（{VALID_ID}，13912345678，住址：测试省测试市幸福路1号）"
    assert [f.kind for f in scan(text, today=TODAY)] == [ID_CARD, MOBILE, ADDRESS]


def test_empty_text():
    assert scan("") == []


def test_mask_name():
    assert mask_name("张三丰") == "张某某"
    assert mask_name("李四") == "李某"
    assert mask_name("欧阳娜") == "欧阳某"
    assert mask_name("") == ""


def test_fold_keeps_positions():
    text = "号码１３９１２３４５６７８"
    assert len(scanner.fold(text)) == len(text)
