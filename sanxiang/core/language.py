"""The legal language: enforcement documents and records are Chinese, whatever the UI's language.

The UI speaks the user's language (Chinese unless he chose English, ADR 0006). What the agency
issues and records does not: a document's content and PDF, the text stored and hashed with a
record, ledger bodies, public results and the annual report are written in Chinese, the
language of the law. Code that builds such text runs ``in_legal_language`` — as a decorator on
the function that builds it, or as a ``with`` block around the few lines that do — so its
``gettext`` calls and choice labels give the Chinese wording. Validation errors raised to the
user are built outside it and stay in his language.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import translation

LEGAL_LANGUAGE = "zh-hans"

F = TypeVar("F", bound=Callable[..., Any])


def in_legal_language(func: F | None = None) -> F | translation.override:
    """Run ``func`` (as a decorator) or a ``with`` block in the legal language.

    Each call activates the language afresh and restores the caller's afterwards, so builders
    may call each other and nest freely.
    """
    if func is None:
        return translation.override(LEGAL_LANGUAGE)
    if inspect.isgeneratorfunction(func):
        return _stream_in_legal_language(func)

    @functools.wraps(func)
    def in_chinese(*args, **kwargs):
        with translation.override(LEGAL_LANGUAGE):
            return func(*args, **kwargs)

    return in_chinese


def _stream_in_legal_language(func: F) -> F:
    """A generator (a streamed download) runs each step in the legal language — only its own
    steps: between them the server's code runs in whatever language it had."""

    @functools.wraps(func)
    def in_chinese(*args, **kwargs):
        steps = func(*args, **kwargs)
        while True:
            with translation.override(LEGAL_LANGUAGE):
                try:
                    chunk = next(steps)
                except StopIteration:
                    return
            yield chunk

    return in_chinese
