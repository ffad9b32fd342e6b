"""Citations as officers write them, in Chinese or Arabic numerals (JL-TXT-3c: correct legal basis)."""

import pytest

from sanxiang.catalog.legalrefs import (
    Citation,
    CitationError,
    chinese_to_int,
    format_citations,
    int_to_chinese,
    parse_citations,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百零八", 108),
        ("一百一十", 110),
        ("一千零一", 1001),
        ("110", 110),
        ("１１０", 110),
    ],
)
def test_numerals(text, number):
    assert chinese_to_int(text) == number
    if text.isascii() and text.isdigit():
        return
    if not text.startswith("１"):
        assert int_to_chinese(number) == text


def test_parse_several_citations_and_articles():
    text = "《中华人民共和国安全生产法》第110条第一款、第一百一十二条；《煤矿安全规程》"
    assert parse_citations(text) == [
        Citation("中华人民共和国安全生产法", 110, "第一款"),
        Citation("中华人民共和国安全生产法", 112),
        Citation("煤矿安全规程"),
    ]
    assert format_citations(parse_citations(text)) == (
        "《中华人民共和国安全生产法》第一百一十条第一款；《中华人民共和国安全生产法》第一百一十二条；《煤矿安全规程》"
    )


@pytest.mark.parametrize(
    "text", ["安全生产法第十条", "《安全生产法》第十条乱写", "《》第一条", "《安全生产法》第X条"]
)
def test_unreadable_citations_are_errors(text):
    with pytest.raises(CitationError):
        parse_citations(text)
