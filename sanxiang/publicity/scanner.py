"""GS-REQ-2: find personal data in free text before it is published. A pure module: text in,
findings out; the caller supplies the names and addresses the register knows.

What is found, and how sure the scanner is (``certain`` findings are personal data by their
shape and check digits; ``suspected`` ones look like it and are withheld too unless the
editor releases them with a reason):

- 居民身份证号码 (GB 11643): 18 characters whose check digit and birth date are valid →
  certain. 18 ID-shaped characters with a wrong check digit or date → suspected (a mistyped
  ID number is still someone's ID number); 15-digit numbers with a plausible birth date (the
  pre-1999 format) → suspected. An all-digit string that is a valid 统一社会信用代码 is an
  organisation's code and is left alone.
- 手机号码: 11 digits 1[3-9]…, optionally +86 and grouped 3-4-4 → certain.
- 固定电话: area code 0xx(x) with a hyphen or in brackets, then 7–8 digits (extension
  allowed) → certain; 10–12 digits starting with an area code but no separator → suspected.
- 银行卡号: 16–19 digits (optionally grouped by 4 with spaces or hyphens) passing the Luhn
  check → certain. Long numbers failing Luhn are not flagged (serial and licence numbers).
- 电子邮箱 → certain.
- 住址: after a cue word (住址、家住、现住、户籍地、居住…) an administrative sequence
  (省/市/县/区/旗/镇/乡/街道/村…) → certain; the same sequence without a cue but down to a
  house number (号/室/栋/单元/组…) → suspected (it may be a company's address); a bare place
  name ("测试省测试市测试镇") is not flagged. An address the register holds → certain.
- 自然人姓名: names the register holds (other than allowed ones) → certain; a common
  surname with one or two given characters right after a role word (矿长、班长、工人、证人、
  当事人、负责人…) → suspected. Names already anonymised (张某、王某某) are left alone.

Numbers are matched on a copy of the text whose full-width digits, letters and signs are
folded to half-width one character for one, so positions stay those of the original text.
Digits and letters next to a match end it (an ID number inside a longer number is not one).

Written to slip past (ADR 0081): numbers are matched a second time on a normalised copy
(``scan_text``) where Chinese digits written one by one (一四〇一〇五…) are digits and spaces,
dots, hyphens and slashes between digits are gone, and names a second time with separators
between their characters removed; the offsets map back to the original text, so the
redaction covers the whole written span. A valid ID number found that way is certain; a
phone or card number is certain when written in Chinese digits, digit by digit or in the
usual groups, otherwise unsure. Names of natural persons elsewhere in the register
(``registry_names``) are unsure: the same name may be someone else. Every unsure finding
carries its reason in words, shown to the editor as 待确认.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sanxiang.core.identifiers import validate_credit_code, validate_id_card

from . import scan_text
from .scan_text import name_candidates  # noqa: F401 - the service looks these up

ID_CARD = "id_card"
MOBILE = "mobile"
FIXED_LINE = "fixed_line"
BANK_CARD = "bank_card"
EMAIL = "email"
ADDRESS = "address"
PERSON_NAME = "person_name"

KIND_LABELS = {
    ID_CARD: _("身份证号码"),
    MOBILE: _("手机号码"),
    FIXED_LINE: _("固定电话"),
    BANK_CARD: _("银行卡号"),
    EMAIL: _("电子邮箱"),
    ADDRESS: _("住址"),
    PERSON_NAME: _("自然人姓名"),
}
# When two findings overlap, the one listed first wins.
PRIORITY = (ID_CARD, BANK_CARD, MOBILE, FIXED_LINE, EMAIL, ADDRESS, PERSON_NAME)


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    kind: str
    text: str
    certain: bool
    reason: str = ""  # why it is unsure (or how it was hidden), in words for the editor

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])


_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20  # ideographic space
_FOLD[0x2014] = 0x2D  # em dash, typed for hyphens in phone numbers
_FOLD[0x2013] = 0x2D


def fold(text: str) -> str:
    """Full-width ASCII to half-width, one character for one (positions unchanged)."""
    return text.translate(_FOLD)


_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_ID18 = re.compile(_ALNUM_BEFORE + r"[1-9]\d{16}[\dXx]" + _ALNUM_AFTER)
_ID15 = re.compile(
    _ALNUM_BEFORE + r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + _ALNUM_AFTER
)
_CARD = re.compile(
    _ALNUM_BEFORE + r"(?:(?:\d{4}[ -]){3}\d{4}(?:[ -]?\d{1,3})?|\d{16,19})" + _ALNUM_AFTER
)
_MOBILE = re.compile(
    _ALNUM_BEFORE + r"(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}" + _ALNUM_AFTER
)
_FIXED = re.compile(
    _ALNUM_BEFORE
    + r"(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}-) ?[1-9]\d{6,7}(?:(?:-|转)\d{1,6})?"
    + _ALNUM_AFTER
)
_FIXED_BARE = re.compile(_ALNUM_BEFORE + r"0[1-9]\d{1,2}[1-9]\d{6,7}" + _ALNUM_AFTER)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
_NUM = r"0-9一二三四五六七八九十百零〇两"
_ADMIN = r"(?:特别行政区|自治区|自治州|自治县|地区|街道|社区|省|市|州|盟|县|区|旗|镇|乡|村|屯)"
_STREET = r"(?:大街|大道|胡同|小区|路|街|巷|弄|道|里|苑|园)"
_HOUSE = r"(?:号院|号楼|号|栋|幢|单元|层|楼|室|户|组)"
_ADMIN_SEQ = rf"(?:[{_CJK}]{{1,8}}?{_ADMIN})+"
_TAIL = rf"(?:[{_CJK}{_NUM}]{{1,12}}?{_STREET})*(?:[{_NUM}]+{_HOUSE})*"
_CUE = r"(?:家庭住址|户籍所在地|户籍地|居住地|住址|住所|家住|现住|居住在|居住于|住在|住)[:：为是在于]?\s*"
_CUED_ADDRESS = re.compile(_CUE + rf"({_ADMIN_SEQ}{_TAIL})")
_HOUSE_ADDRESS = re.compile(
    rf"{_ADMIN_SEQ}(?:[{_CJK}{_NUM}]{{1,12}}?{_STREET})*(?:[{_NUM}]+{_HOUSE})+"
)
# Words a greedy match drags in front of a place name ("位于测试省…").
_LEADING_NOISE = set("该其位于在是为的及和与到至从向对将把被由系经处原现")

SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 令狐 司徒 夏侯 轩辕 "
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂焦向柳邢骆岳"
    "齐梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋"
    "植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来缪苟全褚廉"
    "简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花仇艾蓝都巩稽井练仲乐"
    "虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僖桑荆谌银扬明沙薄伏岑习胥保和蔺"
)
_DOUBLE_SURNAMES = tuple(s for s in SURNAMES.split() if len(s) == 2)
_SINGLE_SURNAMES = "".join(s for s in SURNAMES.split() if len(s) != 2)
_ROLE = (
    r"(?:副矿长|矿长|总工程师|副总|班组长|班长|队长|组长|区长|工人|职工|员工|作业人员|从业人员|"
    r"司机|电工|瓦检员|安全员|安检员|爆破工|放炮员|技术员|调度员|当事人|证人|联系人|负责人|"
    r"法定代表人|实际控制人|股东|姓名|名叫|叫)"
)
_ROLE_NAME = re.compile(
    _ROLE + rf"[:：\s]?((?:{'|'.join(_DOUBLE_SURNAMES)}|[{_SINGLE_SURNAMES}])[{_CJK}]{{1,2}})"
)
# A second given character that is more likely the next word than part of the name.
_NAME_STOP = set(
    "在于未对等的了是和与及将把被组织带领违章进入使用私自擅自没有无不已因等为所从向到称说"
    "称指挥安排检查作业驾驶操作擅违拒负责同签"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _is_credit_code(text: str) -> bool:
    try:
        validate_credit_code(text)
    except ValidationError:
        return False
    return True


def _id_number_is_valid(text: str, today: datetime.date | None) -> bool:
    try:
        validate_id_card(text, today=today)
    except ValidationError:
        return False
    return True


def _number_matches(folded: str, today: datetime.date | None) -> list[tuple[int, int, str, bool]]:
    """(start, end, kind, certain) of the numbers in an already folded text."""
    found: list[tuple[int, int, str, bool]] = []
    for match in _ID18.finditer(folded):
        raw = match.group()
        if _id_number_is_valid(raw, today):
            found.append((*match.span(), ID_CARD, True))
        elif raw.isdigit() and _luhn_ok(raw):
            continue  # an 18-digit bank card: the card pattern below takes it
        elif not _is_credit_code(raw):
            found.append((*match.span(), ID_CARD, False))
    for match in _ID15.finditer(folded):
        found.append((*match.span(), ID_CARD, False))
    for match in _CARD.finditer(folded):
        digits = re.sub(r"[ -]", "", match.group())
        if 16 <= len(digits) <= 19 and _luhn_ok(digits):
            found.append((*match.span(), BANK_CARD, True))
    found += [(*m.span(), MOBILE, True) for m in _MOBILE.finditer(folded)]
    found += [(*m.span(), FIXED_LINE, True) for m in _FIXED.finditer(folded)]
    found += [(*m.span(), FIXED_LINE, False) for m in _FIXED_BARE.finditer(folded)]
    found += [(*m.span(), EMAIL, True) for m in _EMAIL.finditer(folded)]
    return found


_PLAIN_REASONS = {
    (ID_CARD, 18): _("形如身份证号码，但校验位或出生日期不符"),
    (ID_CARD, 15): _("形如15位旧式身份证号码"),
    (FIXED_LINE, 0): _("形如未加分隔的固定电话号码"),
}
# Digit groupings people use when they write these numbers with separators.
_USUAL_GROUPS = {
    ID_CARD: ([6, 8, 4], [6, 4, 4, 4], [3, 3, 4, 4, 4], [6, 8, 3, 1]),
    MOBILE: ([3, 4, 4], [3, 3, 5], [4, 3, 4], [2, 3, 4, 4], [4, 4, 3]),
    BANK_CARD: ([4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 4, 4, 4, 2], [6, 13], [4, 4, 4, 4, 1]),
}


def _plain_reason(kind: str, length: int, certain: bool) -> str:
    if certain:
        return ""
    key = (kind, length if kind == ID_CARD else 0)
    return str(_PLAIN_REASONS.get(key, ""))


def _hidden_number(kind: str, certain: bool, original: str) -> tuple[bool, str]:
    """How sure a number is that was found only after normalising, and the reason in words."""
    chinese = scan_text.has_chinese_digits(original)
    groups = scan_text.digit_groups(original)
    words = {
        "how": _("以中文数字书写") if chinese else _("数字之间夹有空格、点或横线"),
        "label": KIND_LABELS[kind],
    }
    if not certain:
        return False, str(_("%(how)s，拼合后形如%(label)s，但不完全符合其格式") % words)
    regular = chinese or all(size == 1 for size in groups) or groups in _USUAL_GROUPS.get(kind, ())
    if kind == ID_CARD or regular:  # a valid ID number is one however it is written
        return True, str(_("%(how)s的%(label)s") % words)
    return False, str(_("%(how)s，拼合后形如%(label)s，请确认是否为个人信息") % words)


def _area_code_split(digits: str, original: str) -> bool:
    """A separated fixed-line number splits after its area code, before a local number that
    does not start with 0 (unless written digit by digit or in Chinese digits)."""
    groups = scan_text.digit_groups(original)
    if scan_text.has_chinese_digits(original) or all(size == 1 for size in groups):
        return True
    return groups[0] in (3, 4) and digits[groups[0] : groups[0] + 1] != "0"


def _numbers(text: str, today: datetime.date | None) -> list[Finding]:
    folded = fold(text)
    found = [
        Finding(
            start, end, kind, text[start:end], certain, _plain_reason(kind, end - start, certain)
        )
        for start, end, kind, certain in _number_matches(folded, today)
    ]
    collapsed = scan_text.collapse_digits(folded)
    if collapsed.text == folded:
        return found
    plain = [(f.start, f.end) for f in found]
    for cstart, cend, kind, certain in _number_matches(collapsed.text, today):
        start, end = collapsed.span(cstart, cend)
        if kind == FIXED_LINE and not _area_code_split(
            collapsed.text[cstart:cend], text[start:end]
        ):
            continue
        if any(start < b and end > a for a, b in plain):
            continue  # already found as written
        sure, reason = _hidden_number(kind, certain, text[start:end])
        found.append(Finding(start, end, kind, text[start:end], sure, reason))
    return found


_ADMIN_CHARS = set("省市州盟县区旗镇乡村屯")


def _trim_noise(text: str, start: int, end: int) -> int:
    """Where a place name really starts: at most four characters before the first
    administrative unit (two more for 自治区/自治州, four for 特别行政区), then past noise."""
    first = next((i for i in range(start, end) if text[i] in _ADMIN_CHARS), start)
    back = 4 + (2 if text[max(first - 2, 0) : first] in ("自治", "行政") else 0)
    back += 2 if text[max(first - 4, 0) : first - 2] == "特别" else 0
    start = max(start, first - back)
    while start < end - 2 and text[start] in _LEADING_NOISE:
        start += 1
    return start


def _addresses(text: str, known_addresses: Iterable[str]) -> list[Finding]:
    folded = fold(text)
    found: list[Finding] = []
    for match in _CUED_ADDRESS.finditer(folded):
        start, end = match.span(1)
        if end - start >= 3:
            found.append(Finding(start, end, ADDRESS, text[start:end], True))
    for match in _HOUSE_ADDRESS.finditer(folded):
        start = _trim_noise(text, match.start(), match.end())
        found.append(
            Finding(
                start,
                match.end(),
                ADDRESS,
                text[start : match.end()],
                False,
                str(_("写到门牌号的地址，可能是单位地址")),
            )
        )
    for address in {a.strip() for a in known_addresses if a and len(a.strip()) >= 4}:
        for match in re.finditer(re.escape(address), text):
            found.append(Finding(match.start(), match.end(), ADDRESS, match.group(), True))
    return found


def _name_spans(text: str, collapsed: scan_text.Mapped, name: str):
    """(start, end, hidden) of ``name`` in ``text``, also where separators split it."""
    seen = set()
    for match in re.finditer(re.escape(name), text):
        seen.add(match.span())
        yield (*match.span(), False)
    if collapsed.changed:
        for match in re.finditer(re.escape(name), collapsed.text):
            span = collapsed.span(*match.span())
            if span not in seen:
                yield (*span, True)


def _names(
    text: str, known_names: Iterable[str], allowed: set[str], registry_names: Iterable[str] = ()
) -> list[Finding]:
    found: list[Finding] = []
    collapsed = scan_text.collapse_name(text)
    known = {n.strip() for n in known_names if n and len(n.strip()) >= 2}
    for name in known:
        if name in allowed or "某" in name:
            continue
        for start, end, hidden in _name_spans(text, collapsed, name):
            reason = str(_("姓名中间夹有空格或符号")) if hidden else ""
            found.append(Finding(start, end, PERSON_NAME, text[start:end], True, reason))
    for name in {n.strip() for n in registry_names if n and len(n.strip()) >= 2} - known:
        if name in allowed or "某" in name:
            continue
        for start, end, _hidden in _name_spans(text, collapsed, name):
            found.append(
                Finding(
                    start,
                    end,
                    PERSON_NAME,
                    text[start:end],
                    False,
                    str(_("与人员登记中的其他自然人同名，请确认是否指此人")),
                )
            )
    for match in _ROLE_NAME.finditer(text):
        start, end = match.span(1)
        name = match.group(1)
        surname = 2 if name[:2] in _DOUBLE_SURNAMES else 1
        given = name[surname:]
        if len(given) == 2 and given[1] in _NAME_STOP:
            name, end, given = name[:-1], end - 1, given[:1]
        if given[0] in _NAME_STOP:
            continue
        if (
            "某" in name
            or name in allowed
            or any(name.startswith(a) for a in allowed if len(a) >= 2)
        ):
            continue
        found.append(
            Finding(
                start, end, PERSON_NAME, name, False, str(_("职务称谓之后的人名，未在人员登记中"))
            )
        )
    return found


def _resolve(findings: list[Finding]) -> list[Finding]:
    """Drop findings overlapping a stronger one: priority, then certainty, then length."""
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    ordered = sorted(
        findings, key=lambda f: (rank[f.kind], not f.certain, -(f.end - f.start), f.start)
    )
    kept: list[Finding] = []
    for finding in ordered:
        if all(finding.end <= k.start or finding.start >= k.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


def scan(
    text: str,
    *,
    known_names: Iterable[str] = (),
    allowed_names: Iterable[str] = (),
    known_addresses: Iterable[str] = (),
    registry_names: Iterable[str] = (),
    today: datetime.date | None = None,
) -> list[Finding]:
    """GS-REQ-2: the personal data in ``text``, as non-overlapping findings in text order.

    ``known_names``: natural persons the register knows around the case (flagged wherever
    they appear, certain); ``registry_names``: other natural persons of the register whose
    names occur in the text (see :func:`name_candidates`; flagged unsure: the same name may
    be someone else); ``allowed_names``: names that may be published (the party's own name
    where the rule allows it, officers' names, which GS-PRE-2.1 publishes anyway).
    """
    if not text:
        return []
    allowed = {n.strip() for n in allowed_names if n and n.strip()}
    findings = _numbers(text, today)
    findings += _addresses(text, known_addresses)
    findings += _names(text, known_names, allowed, registry_names)
    return _resolve(findings)


def mask_name(name: str) -> str:
    """张三丰 → 张某某; 欧阳娜 → 欧阳某: the surname stays, the given name is withheld."""
    name = (name or "").strip()
    if not name:
        return ""
    surname = name[:2] if name[:2] in _DOUBLE_SURNAMES else name[:1]
    return surname + "某" * max(len(name) - len(surname), 1)
