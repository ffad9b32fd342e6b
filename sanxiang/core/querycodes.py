"""Query codes: the short secret a reporter or an applicant gets with a number, to follow the
matter on the public pages without an account (complaints, licensing).

Checked against its stored hash with the same work whether or not the number exists, so a wrong
number and a wrong code cannot be told apart by time. A mine's sign-in uses the same dummy hash
for a login no account has (``spend_one_check``).
"""

from __future__ import annotations

import functools

from django.contrib.auth.hashers import check_password, make_password


@functools.cache
def _absent_hash() -> str:
    """A hash to check a code against when no record has the number. Made on first use, not at
    import: Argon2 is memory-hard (64 MiB), and made at import it raised every process's peak
    memory by that much, upload nodes included (ADR 0260)."""
    return make_password("not-a-code")


def query_code_matches(code: str, encoded: str | None) -> bool:
    """Whether ``code`` matches the stored hash ``encoded`` (None: no record has the number,
    the code is checked all the same and never matches). An empty code matches nothing."""
    if not code:
        return False
    matched = check_password(code, encoded or _absent_hash())
    return matched and encoded is not None


def spend_one_check(secret: str) -> None:
    """Do the work of one password check for a name no record has, so that a missing account
    costs the time of a wrong password and a sign-in page does not tell by its answer time which
    names exist (Django's own ``ModelBackend`` does the same for staff)."""
    check_password(secret or "", _absent_hash())
