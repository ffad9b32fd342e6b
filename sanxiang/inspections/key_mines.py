"""Key-mine flags (重点监管煤矿标记, BZ-6, ADR 0171): a head moves a mine into the key group of the
next random-inspection draws, with a stated reason and an expiry, as a ledger event.

The draw's frozen inputs (ADR 0030) list every flag in force on the day the seed is committed
(``flags_for_draw``) and mark the mine ``key`` there, so whoever re-runs the draw from its
published inputs sees which mine was flagged, by whom, why and until when. The flag changes the
lawful 重点/一般 split (the shares of the draw), never the randomness.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import require_role, require_scope
from sanxiang.core.validation import clean_and_save
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from .models import KeyMineFlag, RandomDraw

LONGEST_FLAG_DAYS = 366  # a flag is for the coming draws, at most one year


@transaction.atomic
def key_mine_flag(
    *,
    actor: Staff,
    mine: CoalMine | None,
    reason: str,
    expires_on: datetime.date | None,
) -> KeyMineFlag:
    """BZ-6: a head flags a mine of his scope as a key mine until ``expires_on``."""
    require_role(actor, {Role.HEAD}, _("标记重点监管煤矿"))
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    today = timezone.localdate()
    if mine is None:
        errors.setdefault("mine", []).append(_("请选择煤矿。"))
    if not reason:
        errors.setdefault("reason", []).append(_("请写明标记为重点监管煤矿的理由。"))
    elif len(reason) > 300:
        errors.setdefault("reason", []).append(_("理由不能超过300字。"))
    if not isinstance(expires_on, datetime.date):
        errors.setdefault("expires_on", []).append(_("请填写有效期。"))
    elif expires_on < today:
        errors.setdefault("expires_on", []).append(_("有效期不能早于今天。"))
    elif expires_on > today + datetime.timedelta(days=LONGEST_FLAG_DAYS):
        errors.setdefault("expires_on", []).append(
            _("有效期最长 %(d)s 天。") % {"d": LONGEST_FLAG_DAYS}
        )
    if errors:
        raise ValidationError(errors)
    require_scope(actor, mine.supervising_agency)
    flag = KeyMineFlag(
        agency=actor.agency if actor.agency_id else mine.supervising_agency,
        mine=mine,
        reason=reason,
        expires_on=expires_on,
        flagged_by=actor,
    )
    clean_and_save(flag)
    ledger_append(
        actor=actor,
        action="mine.key_flag",
        obj=flag,
        details={"mine": mine.pk, "reason": reason, "expires_on": expires_on},
    )
    return flag


def flags_in_force(*, mine_ids: list[int], day: datetime.date):
    return (
        KeyMineFlag.objects.filter(mine_id__in=mine_ids, expires_on__gte=day)
        .select_related("agency", "flagged_by", "mine")
        .order_by("mine_id", "pk")
    )


def flags_for_draw(
    draw: RandomDraw, mine_ids: list[int], day: datetime.date
) -> list[dict[str, Any]]:
    """The flags in force on ``day`` set by the draw's agency or an agency above it: the part of
    the draw's published inputs that says which mines heads moved into the key group and why."""
    rows = []
    for flag in flags_in_force(mine_ids=mine_ids, day=day):
        if not draw.agency.path.startswith(flag.agency.path):
            continue
        rows.append(
            {
                "mine": flag.mine_id,
                "name": flag.mine.name,
                "reason": flag.reason,
                "expires_on": flag.expires_on.isoformat(),
                "agency": flag.agency.name,
                "flagged_by": flag.flagged_by.full_name or flag.flagged_by.username,
                "flagged_on": timezone.localdate(flag.flagged_at).isoformat(),
            }
        )
    return rows
