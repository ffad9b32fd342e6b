"""What the publication services share: today's date, field-error collection, the check of a
layout's values, the digest of the confirmed values and the workflow step helper (``_begin``
checks the transition and the actor, ``_record`` saves and ledgers it).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.services import ledger_append, ledger_hasher
from sanxiang.org.models import Staff

from ..fields import (
    AMOUNT,
    CHOICE,
    DATE,
    PENALTY_CATEGORIES,
    layout,
)
from ..models import (
    Publication,
)
from ..workflow import (
    PublicationStatus,
    Transition,
    transition_for,
)

S = PublicationStatus


def _today() -> datetime.date:
    return timezone.localdate()


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _begin(
    actor: Staff | None, publication: Publication, action: str, reason: str = ""
) -> tuple[Publication, Transition, str]:
    """Lock the publication and check that ``actor`` may take ``action`` from its state."""
    publication = (
        Publication.objects.select_for_update().select_related("agency").get(pk=publication.pk)
    )
    transition = transition_for(publication.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("该公示当前状态为“%(s)s”，不能执行该操作。")
                    % {"s": publication.get_status_display()}
                ]
            }
        )
    if actor is None:
        if not transition.system_may_act:
            raise PermissionDenied(_("该操作须由有权限的人员办理。"))
    else:
        require_role(actor, transition.roles, str(transition.label))
        require_scope(actor, publication.agency)
    reason = _text(reason)
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": [_("请说明理由。")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("理由最多500个字符。")]})
    return publication, transition, reason


def _record(
    actor: Staff | None,
    publication: Publication,
    transition: Transition,
    reason: str = "",
    **details: Any,
) -> Publication:
    publication.status = transition.target
    publication.save()
    ledger_append(
        actor=actor,
        action=f"publication.{transition.action}",
        obj=publication,
        details={
            "category": publication.category,
            "revision": publication.revision,
            "from": transition.source,
            "to": transition.target,
            **({"reason": reason} if reason else {}),
            **details,
        },
    )
    return publication


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _clean_values(
    category: str, changes: dict[str, Any], errors: dict[str, list[str]]
) -> dict[str, str]:
    """Validate typed values field by field (format only; completeness is checked at confirm)."""
    items = {item.key: item for item in layout(category)}
    values: dict[str, str] = {}
    for key, raw in changes.items():
        item = items.get(key)
        if item is None:
            _add(errors, key, _("该字段不属于本类别的公示格式。"))
            continue
        if raw is None:
            raw = ""
        if not isinstance(raw, str | int | Decimal | datetime.date):
            _add(errors, key, _("应为文本。"))
            continue
        value = raw.isoformat() if isinstance(raw, datetime.date) else str(raw).strip()
        if len(value) > item.max_length:
            _add(errors, key, _("内容过长，最多%(n)d个字符。") % {"n": item.max_length})
            continue
        if value and item.kind == DATE:
            try:
                if not _DATE.match(value):
                    raise ValueError
                datetime.date.fromisoformat(value)
            except ValueError:
                _add(errors, key, _("日期格式应为 YYYY-MM-DD。"))
                continue
        if value and item.kind == AMOUNT:
            try:
                amount = Decimal(value)
                if not amount.is_finite() or amount < 0 or amount > Decimal("1000000"):
                    raise InvalidOperation
            except InvalidOperation:
                _add(errors, key, _("应为不小于0的数字（单位：万元）。"))
                continue
        if value and item.kind == CHOICE and value not in {code for code, _l in item.choices}:
            _add(errors, key, _("取值无效。"))
            continue
        if value and key == "penalty_category":
            unknown = [
                v for v in re.split(r"[、，,;；\s]+", value) if v and v not in PENALTY_CATEGORIES
            ]
            if unknown:
                _add(errors, key, _("未知的处罚类别：%(k)s。") % {"k": "、".join(unknown)})
                continue
        values[key] = value
    return values


def _digest(values: dict[str, str]) -> str:
    return ledger_hasher().hash(canonical_json(values)).hex()
