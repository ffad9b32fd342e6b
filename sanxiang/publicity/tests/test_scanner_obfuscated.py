"""ADR 0081: personal data written to slip past the scanner is still found, at the right
span of the original text, and unsure finds are flagged for the editor with the reason."""

import datetime

import pytest

from sanxiang.publicity.scan_text import collapse_digits, name_candidates
from sanxiang.publicity.scanner import BANK_CARD, FIXED_LINE, ID_CARD, MOBILE, PERSON_NAME, scan

VALID_ID = "110105197509046066"
WRONG_CHECK = "110105197509046060"
TODAY = datetime.date(2026, 11, 26)
CN = "〇一二三四五六七八九"


def chinese(digits: str, table: str = CN) -> str:
    return "".join(table[int(d)] for d in digits)


def found(text, **kwargs):
    return [(f.kind, text[f.start : f.end], f.certain) for f in scan(text, today=TODAY, **kwargs)]


@pytest.mark.parametrize(
    "written",
    [
        "110105 19750904 6066",
        "110105-19750904-6066",
        "110105 1975 0904 6066",
        "1101-0519-7509-0460-66",
        "1 1 0 1 0 5 1 9 7 5 0 9 0 4 6 0 6 6",
        "110105．19750904．6066",  # full-width dots
        chinese(VALID_ID),  # 一一〇一〇五一九七五〇九〇四六〇六六
        chinese(VALID_ID, "零壹贰叁肆伍陆柒捌玖"),
        chinese(VALID_ID[:6]) + " " + VALID_ID[6:],  # mixed
    ],
)
def test_id_numbers_split_or_in_chinese_digits_are_found_whole(written):
    text = f"当事人身份证{written}，住本市。"
    assert found(text) == [(ID_CARD, written, True)]
    [finding] = scan(text, today=TODAY)
    assert finding.reason  # how it was hidden, in words


def test_the_example_of_the_issue_in_chinese_numerals_and_an_x_check_character():
    number = "11010519491231002X"
    written = chinese(number[:-1]) + " X"
    assert found(f"号码{written}，") == [(ID_CARD, written, True)]

    number = "149901198001010018"  # check digit 8 (GB 11643) for 149901…
    written = chinese(number)
    assert written.startswith("一四九九〇一")
    assert found(f"号码{written}。") == [(ID_CARD, written, True)]


def test_a_split_id_with_a_wrong_check_digit_is_unsure_with_its_reason():
    written = "110105 19750904 6060"
    [finding] = scan(f"证号{written}。", today=TODAY)
    assert (finding.kind, finding.certain, finding.text) == (ID_CARD, False, written)
    assert "不完全符合" in finding.reason


@pytest.mark.parametrize(
    "written",
    [
        "139.1234.5678",
        "1 3 9 1 2 3 4 5 6 7 8",
        "1.3.9.1.2.3.4.5.6.7.8",
        "139·1234·5678",
        "139 - 1234 - 5678",
        "幺三九一二三四五六七八",
        "一三九 一二三四 五六七八",
        "+86 139.1234.5678",
    ],
)
def test_mobile_numbers_with_dots_spaces_or_chinese_digits(written):
    text = f"联系电话{written}，"
    [finding] = scan(text, today=TODAY)
    assert (finding.kind, finding.certain) == (MOBILE, True)
    assert finding.text.endswith(written.replace("+86 ", "")) and finding.reason


def test_oddly_grouped_digits_that_join_into_a_mobile_are_unsure():
    [finding] = scan("编号13.91.23.45.678。", today=TODAY)
    assert (finding.kind, finding.certain) == (MOBILE, False)
    assert "请确认" in finding.reason


def test_bank_card_with_dots_is_found():
    assert found("卡号6222.0202.0000.1235。") == [(BANK_CARD, "6222.0202.0000.1235", True)]


def test_fixed_line_with_a_dot_after_the_area_code_is_unsure():
    assert found("电话0351.4567890。") == [(FIXED_LINE, "0351.4567890", False)]


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-01 2024-06-30 期间检查",  # two dates side by side
        "罚款 1 2 3 元",
        "第一二三条",
        "巷道长 100.5 米，宽 3.2 米，高 2.8 米",
        "编号0351-0234567。",
        "一二三四五六七八九十",
    ],
)
def test_ordinary_numbers_and_numerals_are_not_personal_data(text):
    assert found(text) == []


def test_offsets_map_back_to_the_original_text():
    text = "甲 139.1234.5678 乙"
    mapped = collapse_digits(text)
    start = mapped.text.index("13912345678")
    assert mapped.span(start, start + 11) == (2, 15)
    [finding] = scan(text, today=TODAY)
    assert (finding.start, finding.end) == (2, 15)


@pytest.mark.parametrize("written", ["张 三 丰", "张·三丰", "张-三-丰", "张　三丰", "张*三*丰"])
def test_a_known_name_split_by_spaces_or_dots_is_found(written):
    text = f"并指使{written}违章作业"
    [finding] = scan(text, today=TODAY, known_names=["张三丰"])
    assert (finding.kind, finding.text, finding.certain) == (PERSON_NAME, written, True)
    assert "空格或符号" in finding.reason


def test_other_registered_persons_are_flagged_unsure_and_allowed_names_are_not():
    text = "经查，工人刘 大 海和赵局长在场，王强带队。"
    findings = scan(
        text,
        today=TODAY,
        registry_names=["刘大海", "王强"],
        allowed_names=["王强", "赵局长"],
    )
    assert [(f.text, f.certain) for f in findings] == [("刘 大 海", False)]
    assert "其他自然人同名" in findings[0].reason


def test_name_candidates_cover_split_names():
    candidates = name_candidates("工人刘 大 海在场")
    assert {"刘大海", "大海", "工人刘大"} <= candidates
    assert all(2 <= len(c) <= 4 for c in candidates)
