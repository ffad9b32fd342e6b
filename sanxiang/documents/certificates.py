"""Revoking a person's signing certificate when he leaves (ADR 0200)."""

from __future__ import annotations

from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff

from . import pki


def staff_certificate_revoke(
    *, actor: Staff, staff: Staff, reason: str = "staff deactivated"
) -> bool:
    """Put ``staff``'s personal signing certificate on the CRL and record it; False if he had
    none or it was revoked already.

    Called by ``org.services.staff_update`` when an account is deactivated or loses every
    signing role. The CRL file is
    written at once, not on commit: if the transaction then fails, the certificate stays
    revoked — the safe side; he gets a new one when he next signs.
    """
    credential = pki.staff_certificate_existing(staff)
    if credential is None or not pki.ca_exists():
        return False
    if not pki.certificate_revoke(credential.cert):
        return False
    ledger_append(
        actor=actor,
        action="signing.certificate_revoke",
        obj=staff,
        details={
            "certificate_serial": format(credential.cert.serial_number, "x"),
            "reason": reason,
        },
    )
    return True
