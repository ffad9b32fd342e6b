"""Normalised copies of a text for the personal-data scanner, with every character's position
in the original kept, so a match found in the copy redacts exactly the original span (ADR 0081).

Two copies undo the ways personal data is written to slip past a pattern:

- :func:`collapse_digits`: Chinese digits written one by one (一四九九〇一…, 壹贰叁…, 幺) become
  ASCII digits, and spaces, hyphens, dots, slashes and underscores *between* digits are dropped
  (``139.1234.5678``, ``1 3 9 …``, ``140105-1990-0307-123X``);
- :func:`collapse_name` drops spaces, dots and dashes between Chinese characters
  (``张 三 丰``, ``张·三丰``), for matching registered names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Chinese characters used digit by digit (not the positional 十/百/千).
CHINESE_DIGITS = {
    **dict.fromkeys("〇零○Ｏ", "0"),
    **dict.fromkeys("一壹幺", "1"),
    **dict.fromkeys("二贰貳", "2"),
    **dict.fromkeys("三叁參", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆陸", "6"),
    **dict.fromkeys("七柒", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖", "9"),
}
DIGIT_SEPARATORS = frozenset(" \t\u00a0\u3000-‐‑–—.·•・．_/／")
NAME_SEPARATORS = frozenset(" \t\u00a0\u3000·•・.．-‐‑–—_*＊")
MAX_GAP = 3  # at most this many separator characters between two digits
_ASCII_DIGITS = frozenset("0123456789")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class Mapped:
    """A normalised text and, for each of its characters, the index it came from."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]`` (separators inside it included)."""
        return self.origin[start], self.origin[end - 1] + 1

    @property
    def changed(self) -> bool:
        return self.origin != tuple(range(len(self.text)))


def _collapse(chars: list[str], joinable, separators: frozenset[str], right_ok) -> Mapped:
    out: list[str] = []
    origin: list[int] = []
    index, count = 0, len(chars)
    while index < count:
        char = chars[index]
        if char in separators and out and joinable(out[-1]):
            ahead = index
            while ahead < count and chars[ahead] in separators and ahead - index < MAX_GAP:
                ahead += 1
            if ahead < count and right_ok(chars, ahead):
                index = ahead
                continue
        out.append(char)
        origin.append(index)
        index += 1
    return Mapped("".join(out), tuple(origin))


def _digit_on_right(chars: list[str], at: int) -> bool:
    char = chars[at]
    if char in _ASCII_DIGITS:
        return True
    # the check character X of an ID number, if nothing alphanumeric follows it
    return char in "Xx" and (
        at + 1 == len(chars) or not chars[at + 1].isascii() or not chars[at + 1].isalnum()
    )


def collapse_digits(folded: str) -> Mapped:
    """``folded`` (full-width already folded) with Chinese digits as ASCII and the separators
    between digits removed."""
    chars = [CHINESE_DIGITS.get(char, char) for char in folded]
    return _collapse(chars, lambda c: c in _ASCII_DIGITS, DIGIT_SEPARATORS, _digit_on_right)


def collapse_name(text: str) -> Mapped:
    """``text`` with separators between two Chinese characters removed."""

    def cjk_right(chars: list[str], at: int) -> bool:
        return bool(_CJK.match(chars[at]))

    return _collapse(list(text), lambda c: bool(_CJK.match(c)), NAME_SEPARATORS, cjk_right)


def digit_groups(original: str) -> list[int]:
    """Lengths of the digit groups of an obfuscated number (Chinese digits count as digits)."""
    groups, run = [], 0
    for char in original:
        if char in _ASCII_DIGITS or char in CHINESE_DIGITS or char in "Xx" or "０" <= char <= "９":
            run += 1
        elif run:
            groups.append(run)
            run = 0
    if run:
        groups.append(run)
    return groups


def has_chinese_digits(original: str) -> bool:
    return any(char in CHINESE_DIGITS for char in original)


def name_candidates(text: str, *, longest: int = 4) -> set[str]:
    """Every run of 2…``longest`` Chinese characters in ``text`` (separators between them
    ignored): what may be a name, to look up in the register."""
    collapsed = collapse_name(text).text
    found: set[str] = set()
    for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}", collapsed):
        for size in range(2, min(longest, len(run)) + 1):
            found.update(run[start : start + size] for start in range(len(run) - size + 1))
    return found
