"""Signing in as tests do: the password, then the second factor where the account needs one.

``sign_in`` stands for a person who typed his password and the code of his authenticator
just now: the session is logged in, bound to the staff's TOTP device (enrolled through the
service with :data:`TOTP_KEY_HEX` when he has none) and marked with a fresh second factor,
as :func:`sanxiang.core.stepup.mark_second_factor` marks it after a real code.
``sign_in_password_only`` is the session of someone who gave only the password.
"""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from sanxiang.core import stepup
from sanxiang.org import second_factor

# The test accounts' TOTP secret (hex, django-otp's format); never used outside tests.
TOTP_KEY_HEX = "3132333435363738393031323334353637383930"


def totp_code(key_hex: str = TOTP_KEY_HEX, *, at: float | None = None) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def enrol(staff, key_hex: str = TOTP_KEY_HEX):
    """Enrol ``staff``'s authenticator through the service (as the enrolment page does)."""
    device = second_factor.confirmed_totp(staff)
    if device is None:
        device, _codes = second_factor.second_factor_enrol(
            staff=staff, key_hex=key_hex, code=totp_code(key_hex)
        )
    return device


def sign_in(client: Client, user, *, second_factor_at: float | None = None) -> Client:
    client.force_login(user)
    if stepup.second_factor_required(user):
        device = enrol(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session[stepup.SESSION_KEY] = time.time() if second_factor_at is None else second_factor_at
        session.save()
    return client


def sign_in_password_only(client: Client, user) -> Client:
    client.force_login(user)
    return client


def key_from_base32(text: str) -> str:
    """The hex key from the secret as the enrolment page shows it (Base32 in groups)."""
    import base64

    compact = text.replace(" ", "").strip().upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8)).hex()


def fresh_code(device) -> str:
    """The device's code for the next time step it has not used (a step is accepted once)."""
    now_step = int(time.time() // 30)
    step = max(now_step, (device.last_t or -1) + 1)
    while step > int(time.time() // 30) + 1:  # beyond django-otp's ±1 step: wait
        time.sleep(1)
    return totp_code(device.key, at=step * 30 + 1)


def second_factor_form(client: Client, user) -> Client:
    """After the password form, the code form as a person fills it (enrolled through the
    service first if he has no authenticator yet). The client may enforce CSRF."""
    if not stepup.second_factor_required(user):
        return client
    device = enrol(user)
    device.refresh_from_db()
    client.get("/account/second-factor/")
    response = client.post(
        "/account/second-factor/",
        {"code": fresh_code(device), "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client
