"""Identifier validation with check digits: credit codes (GB 32100-2015), ID cards (GB 11643-1999).

Input is normalised first (NFKC folds full-width characters, letters are upper-cased,
surrounding spaces dropped), because officers type these numbers with Chinese input
methods; the check digit is then verified exactly as the standards define it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECK = "10X98765432"
_ID_CARD_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def normalise(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * w
        for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Return the normalised 统一社会信用代码 or raise ValidationError in Chinese."""
    code = normalise(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(n)d位。") % {"n": len(code)}, code="length"
        )
    if not _CREDIT_CODE_SHAPE.match(code):
        raise ValidationError(
            _(
                "统一社会信用代码含有不允许的字符（不得使用 I、O、Z、S、V，第3至8位为行政区划代码）。"
            ),
            code="charset",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验位错误，请核对后重新输入。"), code="checksum")
    return code


def id_card_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK[total % 11]


def validate_id_card(value: str, *, today: datetime.date | None = None) -> str:
    """Return the normalised 居民身份证号码 or raise ValidationError in Chinese."""
    number = normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("居民身份证号码应为18位，当前为%(n)d位。") % {"n": len(number)}, code="length"
        )
    if not _ID_CARD_SHAPE.match(number):
        raise ValidationError(
            _("居民身份证号码格式错误：前17位应为数字，末位为数字或X。"), code="charset"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("居民身份证号码中的出生日期无效。"), code="birth_date") from None
    if birth > (today or datetime.date.today()) or birth.year < 1800:
        raise ValidationError(_("居民身份证号码中的出生日期无效。"), code="birth_date")
    if id_card_check_char(number[:17]) != number[17]:
        raise ValidationError(_("居民身份证号码校验位错误，请核对后重新输入。"), code="checksum")
    return number


def mask_id_card(number: str) -> str:
    """Show only region prefix and last four characters: 110105**********002X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
