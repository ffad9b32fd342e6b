"""Citations of legal provisions as officers write them: 《安全生产法》第一百一十条第一款.

A citation names a legal basis in 《》 (full title or its short title) and, optionally, one or
more articles (第N条, with 款/项 kept as written). Several citations are separated by
"；" or line breaks; several articles of one law by "、". Arabic and Chinese numerals are
both accepted (第110条 = 第一百一十条), because both appear in agencies' real catalogs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL = r"[0-9零〇一二两三四五六七八九十百千]+"
_ARTICLE = re.compile(rf"第({_NUMERAL})条((?:第{_NUMERAL}[款项])*)")
_CITATION = re.compile(r"《([^《》]+)》")
_SEPARATORS = re.compile(r"[；;\n]+")
_ARTICLE_JOINERS = re.compile(r"^[、，,和及与\s]*$")
NATIONAL_PREFIX = "中华人民共和国"


class CitationError(ValueError):
    """A citation that cannot be read; the message is for the user, in Chinese."""


def chinese_to_int(text: str) -> int:
    """第一百零八条 → 108; Arabic digits pass through. Raises ValueError on nonsense."""
    text = unicodedata.normalize("NFKC", text)
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            raise ValueError(text)
    value = total + current
    if value <= 0:
        raise ValueError(text)
    return value


def int_to_chinese(number: int) -> str:
    """108 → 一百零八; 10 → 十; 110 → 一百一十 (as statutes are numbered)."""
    if number <= 0 or number >= 10000:
        return str(number)
    digits = "零一二三四五六七八九"
    parts: list[str] = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // unit_value % 10
        if digit == 0:
            if parts:
                zero_pending = True
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(digits[digit] + unit)
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def article_label(number: int) -> str:
    return f"第{int_to_chinese(number)}条"


def normalise_title(title: str) -> str:
    """Compare titles without spaces, width differences or the national prefix."""
    title = re.sub(r"\s+", "", unicodedata.normalize("NFKC", title or ""))
    return title.removeprefix(NATIONAL_PREFIX)


@dataclass(frozen=True)
class Citation:
    title: str
    article: int | None = None
    detail: str = ""  # 第一款第二项, as written

    def label(self) -> str:
        if self.article is None:
            return f"《{self.title}》"
        return f"《{self.title}》{article_label(self.article)}{self.detail}"


def parse_citations(text: str) -> list[Citation]:
    """All citations in ``text``; raises CitationError naming the part that cannot be read."""
    citations: list[Citation] = []
    text = unicodedata.normalize("NFKC", text or "").replace("<", "《").replace(">", "》")
    for chunk in _SEPARATORS.split(text):
        chunk = chunk.strip()
        if not chunk:
            continue
        matches = list(_CITATION.finditer(chunk))
        if not matches or matches[0].start() != 0:
            raise CitationError(
                _("无法识别的法律依据“%(text)s”，应写作如《安全生产法》第一百一十条。")
                % {"text": chunk[:60]}
            )
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(chunk)
            title = match.group(1).strip()
            rest = chunk[match.end() : end]
            citations.extend(_articles(title, rest, chunk))
    return citations


def _articles(title: str, rest: str, chunk: str) -> list[Citation]:
    if not title:
        raise CitationError(_("法律依据的名称不能为空。"))
    found: list[Citation] = []
    position = 0
    for match in _ARTICLE.finditer(rest):
        between = rest[position : match.start()]
        if not _ARTICLE_JOINERS.match(between):
            raise CitationError(
                _("无法识别的法律依据“%(text)s”，应写作如《安全生产法》第一百一十条。")
                % {"text": chunk[:60]}
            )
        try:
            number = chinese_to_int(match.group(1))
        except ValueError:
            raise CitationError(_("条文序号“%(n)s”无法识别。") % {"n": match.group(1)}) from None
        found.append(Citation(title=title, article=number, detail=match.group(2)))
        position = match.end()
    tail = rest[position:]
    if tail.strip(" 、，,的规定。.") and not _ARTICLE_JOINERS.match(tail):
        raise CitationError(
            _("无法识别的法律依据“%(text)s”，应写作如《安全生产法》第一百一十条。")
            % {"text": chunk[:60]}
        )
    return found or [Citation(title=title)]


def format_citations(citations: list[Citation]) -> str:
    return "；".join(c.label() for c in citations)
