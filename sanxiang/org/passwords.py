"""Password rule: no password built from the login name or the agency's name (ADR 0073).

Django's ``UserAttributeSimilarityValidator`` compares the whole password with each
attribute by similarity ratio, so ``Head2026!!`` for the login ``head`` or
``华北省煤矿安全监察局1`` slips through. This validator looks for the names themselves
inside the password, ignoring case, digits, punctuation and spaces around them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_NOT_WORD = re.compile(r"[\W_\d]+", re.UNICODE)
MIN_ASCII_NAME = 3  # shorter logins ("li") occur by chance inside any password
MIN_CJK_NAME = 2


def _fold(text: str) -> str:
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", text or "").casefold())


def _long_enough(name: str) -> bool:
    if not name:
        return False
    return len(name) >= (MIN_ASCII_NAME if name.isascii() else MIN_CJK_NAME)


def _agency_names(user: Any) -> list[str]:
    """The staff's agency and its superiors; for a mine's account (ADR 0150) its own names."""
    own = getattr(user, "password_forbidden_names", None)
    if callable(own):
        return list(own())
    agency = getattr(user, "agency", None) if user is not None else None
    names = []
    while agency is not None:
        names += [agency.name, agency.short_name]
        agency = agency.parent
    return names


class NotFromAccountNamesValidator:
    """Refuse a password that contains the login name or the name of the staff's agency."""

    def validate(self, password: str, user: Any = None) -> None:
        folded = _fold(password)
        if user is None or not folded:
            return
        login = _fold(getattr(user, "username", ""))
        if _long_enough(login) and (login in folded or login[::-1] in folded):
            raise ValidationError(_("密码不能由登录名构成。"), code="password_contains_username")
        for name in _agency_names(user):
            folded_name = _fold(name)
            if _long_enough(folded_name) and folded_name in folded:
                raise ValidationError(
                    _("密码不能由所在机构的名称构成。"), code="password_contains_agency"
                )

    def get_help_text(self) -> str:
        return _("密码不能包含登录名或所在机构的名称。")
