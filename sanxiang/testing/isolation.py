"""Helpers for tests that one agency sees nothing of another's (ADR 0065)."""

from __future__ import annotations

import re

_TOKENS = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]*"')


def not_found_page(response, path: str) -> bytes:
    """A 404 page with what differs from request to request (the path, CSRF tokens) taken out,
    so the answer for another agency's record can be compared with that for a missing one."""
    assert response.status_code == 404, (response.status_code, path)
    return _TOKENS.sub(rb"\1", response.content.replace(path.encode(), b""))
