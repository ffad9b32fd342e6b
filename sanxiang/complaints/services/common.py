"""Helpers shared by the complaint services: steps, ledger events, the keyed address MAC."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.text import text_problem
from sanxiang.ledger.secrets import mac_key
from sanxiang.ledger.services import ledger_append

from ..models import Complaint, ComplaintStep
from ..workflow import ComplaintStatus, transition_for


def keyed_digest(purpose: str, value: str) -> str:
    """HMAC-SHA256 under the ledger's MAC key (kept outside the database, ``ledger/secrets.py``):
    a client address or a challenge enters the database only this way."""
    message = purpose.encode() + b"\0" + value.encode("utf-8")
    return hmac.new(mac_key(), message, hashlib.sha256).hexdigest()


def clean_text(
    data: dict[str, Any], name: str, limit: int, errors: dict, *, required: str = ""
) -> str:
    value = data.get(name)
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors.setdefault(name, []).append(required)
    elif len(text) > limit:
        errors.setdefault(name, []).append(_("内容过长，最多 %(n)s 个字符。") % {"n": limit})
    elif problem := text_problem(text):
        errors.setdefault(name, []).append(problem)
    return text


def raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def step(complaint: Complaint, status: str) -> None:
    """Move to ``status`` and keep the moment in the progress list."""
    complaint.status = status
    if status == ComplaintStatus.CLOSED and complaint.closed_at is None:
        complaint.closed_at = timezone.now()
    complaint.save()
    ComplaintStep.objects.create(complaint=complaint, status=status, at=timezone.now())


def require_state(complaint: Complaint, action: str, doing: str):
    row = transition_for(complaint.status, action)
    if row is None:
        raise ValidationError(
            {
                "__all__": [
                    _("该举报当前为“%(s)s”，不能%(d)s。")
                    % {"s": complaint.get_status_display(), "d": doing}
                ]
            }
        )
    return row


def record(actor: Any, action: str, complaint: Complaint, **details: Any) -> None:
    """The ledger event: ids and states only — never the reporter's name or contact (their
    keyed MACs are in the row digest)."""
    ledger_append(actor=actor, action=f"complaint.{action}", obj=complaint, details=details)
