"""The demo accounts' second factor: the published demo secret (README, start banner).

``check --deploy`` fails while any account holds it (``org.checks``); the browser tests sign
demo-style accounts in with it, as a person trying the demo does."""

from __future__ import annotations

from django_otp.oath import TOTP

from sanxiang.org.checks import demo_key_hex
from sanxiang.org.models import Staff
from sanxiang.org.second_factor import second_factor_enrol


def enrol_demo_secret(staff: Staff) -> None:
    """Enrol ``staff``'s authenticator with the published demo secret."""
    key = demo_key_hex()
    second_factor_enrol(staff=staff, key_hex=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}")
