"""A new password ends the holder's personal API tokens (ADR 0075).

``AbstractBaseUser.set_password`` keeps the raw password in ``_password`` until the next save;
Django's own re-hash at login (a hasher upgrade) clears it before saving, so only a real
change or reset reaches the revocation here. Device tokens are not touched.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save


def _password_changed(sender, instance, created, **kwargs):
    if created or getattr(instance, "_password", None) is None:
        return
    from .tokens import revoke_personal_tokens_on_password_change

    revoke_personal_tokens_on_password_change(instance)


def connect() -> None:
    post_save.connect(
        _password_changed, sender=get_user_model(), dispatch_uid="api_token_password_change"
    )
