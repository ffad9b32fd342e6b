"""What text and numbers the system accepts at its edges (ADR 0076): one rule for API and forms.

* Text may not contain C0 control characters other than tab, line feed and carriage return,
  nor DEL, nor the bidirectional embedding, override and isolate controls (U+202A–U+202E,
  U+2066–U+2069) that make ``gpj.exe`` look like ``exe.jpg``. PostgreSQL refuses NUL in
  text columns anyway (a 500 before this rule); SQLite stored it.
* Integers are bounded to ±(2**53 − 1): every id the database hands out fits, JavaScript
  clients read them exactly, and a page number times a page size still fits a 64-bit offset.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_FORBIDDEN_CHARS = "\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F\\u202A-\\u202E\\u2066-\\u2069"
#: The same rule as a regular expression both Python and JSON Schema (ECMA 262) understand.
CLEAN_TEXT_PATTERN = f"^[^{_FORBIDDEN_CHARS}]*$"
_FORBIDDEN = re.compile(f"[{_FORBIDDEN_CHARS}]")

INT_MAX = 2**53 - 1
INT_MIN = -INT_MAX


def text_problem(value: str) -> str | None:
    """Why ``value`` may not be stored as text, or None."""
    if isinstance(value, str) and _FORBIDDEN.search(value):
        return _("不能包含控制字符（如空字符）或文字方向控制符。")
    return None


def validate_clean_text(value: str) -> None:
    """A Django validator with the same rule."""
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem, code="control_characters")


def bounded_int(value: str | None, *, minimum: int = INT_MIN, maximum: int = INT_MAX) -> int | None:
    """``value`` as an int when it is a plain decimal within the bounds, else None."""
    value = (value or "").strip()
    if not value or len(value) > 20 or not value.lstrip("-").isdigit():
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
