"""The legal source of each clause ID, in the words an officer reads.

Clause IDs (``GS-MID-1``, ``JL-TXT-3a``, ``SH-SCOPE-1`` …, see ``docs/traceability.md``) belong in
docstrings, tests and documentation. A screen names the source instead: the Measures
(《实施办法》) are divided into sections, not articles — 三（二）1 is section 三, part （二),
item 1 — so ``SH-SCOPE-1`` reads “《实施办法》五（二）1”.

``in_words`` is the one translation from an ID to those words; ``replace_codes`` rewrites every
ID in a text (it is what turned the IDs of the UI strings into words, and what the crawl test
uses to say what a leaked code should have read).
"""

from __future__ import annotations

import re

MEASURES = "《实施办法》"

#: Clause ID → section of the Measures (``spec/measures.zh.txt``), without the title.
SECTIONS: dict[str, str] = {
    # 三、执法公示制度
    "GS-PRE-1": "三（一）1",
    "GS-PRE-2": "三（一）2",
    "GS-PRE-2.1": "三（一）2（1）",
    "GS-PRE-2.2": "三（一）2（2）",
    "GS-PRE-2.3": "三（一）2（3）",
    "GS-PRE-2.4": "三（一）2（4）",
    "GS-PRE-2.5": "三（一）2（5）",
    "GS-PRE-2.6": "三（一）2（6）",
    "GS-PRE-3": "三（一）3",
    "GS-MID-1": "三（二）1",
    "GS-MID-2": "三（二）2",
    "GS-MID-3": "三（二）3",
    "GS-POST-1": "三（三）1",
    "GS-POST-2": "三（三）2",
    "GS-POST-3": "三（三）3",
    "GS-REQ-1": "三（四）1",
    "GS-REQ-2": "三（四）2",
    "GS-REQ-3": "三（四）3",
    # 四、执法全过程记录制度
    "JL-TXT-1": "四（一）1",
    "JL-TXT-2": "四（一）2",
    "JL-TXT-3a": "四（一）3",
    "JL-TXT-3b": "四（一）3",
    "JL-TXT-3c": "四（一）3",
    "JL-AV-1": "四（二）1",
    "JL-AV-2": "四（二）2",
    "JL-AV-3": "四（二）3",
    "JL-AV-4": "四（二）4",
    "JL-AV-5": "四（二）5",
    "JL-ARC-1": "四（三）1",
    "JL-ARC-2": "四（三）2",
    "JL-ARC-3": "四（三）3",
    "JL-ARC-4": "四（三）4",
    "JL-USE-1": "四（四）1",
    "JL-USE-2": "四（四）2",
    "JL-USE-3": "四（四）2",
    # 五、重大执法决定法制审核制度
    "SH-ORG-1": "五（一）1",
    "SH-ORG-2": "五（一）2",
    "SH-ORG-3": "五（一）3",
    "SH-ORG-4": "五（一）4",
    "SH-SCOPE-1": "五（二）1",
    "SH-SCOPE-2": "五（二）2",
    "SH-SCOPE-3": "五（二）3",
    "SH-CONT-1": "五（三）1",
    "SH-CONT-2": "五（三）2",
    "SH-CONT-3": "五（三）3",
    "SH-RESP-1": "五（四）1",
    "SH-RESP-2": "五（四）2",
    "SH-RESP-3": "五（四）3",
    "SH-RESP-4": "五（四）4",
    "SH-RESP-5": "五（四）5",
    # 六、保障措施
    "BZ-1": "六（一）",
    "BZ-2": "六（二）",
    "BZ-3": "六（三）",
    "BZ-4": "六（四）",
    "BZ-5": "六（五）",
    "BZ-6": "六（六）",
}

#: A clause ID as it may appear in a text, with an optional item number: ``SH-SCOPE-2（8）``,
#: ``SH-CONT-1 (2)``, ``GS-PRE-2.6``.
CODE = re.compile(
    r"\b(?P<code>(?:GS|JL|SH)-[A-Z]+-\d+[a-z]?(?:\.\d+)?|BZ-\d)"
    r"(?:\s?[（(](?P<item>\d{1,2})[）)])?"
)


def in_words(code: str, item: str | None = None) -> str:
    """``SH-SCOPE-1`` → ``《实施办法》五（二）1``; with ``item="7"`` → ``…五（二）2（7）``."""
    section = SECTIONS[code]
    return f"{MEASURES}{section}" + (f"（{item}）" if item else "")


_ROMAN = {"三": "III", "四": "IV", "五": "V", "六": "VI"}
_NUMBER = {"一": "1", "二": "2", "三": "3", "四": "4", "五": "5", "六": "6"}


def in_english(code: str, item: str | None = None) -> str:
    """``SH-SCOPE-1`` → ``Measures V(2)1`` (the English UI's name of the same section)."""
    section = SECTIONS[code]
    text = (
        "Measures "
        + _ROMAN[section[0]]
        + re.sub(r"（(.)）", lambda m: f"({_NUMBER[m.group(1)]})", section[1:])
    )
    return text + (f"({item})" if item else "")


def replace_codes(text: str, *, english: bool = False) -> str:
    """Every clause ID in ``text`` in words (unknown IDs are left as they are)."""
    name = in_english if english else in_words

    def words(match: re.Match) -> str:
        code = match.group("code")
        if code not in SECTIONS:
            return match.group(0)
        return name(code, match.group("item"))

    return CODE.sub(words, text)
