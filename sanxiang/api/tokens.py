"""Issuing and checking API tokens (``Authorization: Bearer sx_…``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.ledger.services import ledger_append

from .models import ApiToken

TOKEN_PREFIX = "sx_"


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, valid_days: int = 365) -> tuple[ApiToken, str]:
    """Create a token for the actor himself; the raw key is returned once and never stored."""
    if not (name or "").strip():
        raise ValidationError({"name": [_("请填写令牌用途。")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        staff=actor,
        name=name.strip(),
        prefix=raw[:8],
        key_digest=_digest(raw),
        expires_at=timezone.now() + datetime.timedelta(days=valid_days),
    )
    ledger_append(actor=actor, action="api_token.create", obj=token, details={"name": token.name})
    return token, raw


def api_token_authenticate(raw: str):
    """The active staff member a raw token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("staff", "staff__agency")
        .filter(key_digest=_digest(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at < now) or not token.staff.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.staff
