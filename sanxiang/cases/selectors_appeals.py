"""What the case page shows after the decision: appeals and criminal transfers, with the
deadlines and whether a step is overdue, and which buttons the user may press."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sanxiang.org.roles import Role

from .appeal_workflow import APPEAL_KEEPERS, AppealStatus, TransferStatus
from .transfers import transfer_overdue


def _has(user, roles) -> bool:
    return user.is_superuser or any(user.has_role(r) for r in roles)


def after_decision(user, case) -> dict[str, Any]:
    now = timezone.now()
    transfers = [
        {"row": t, "overdue": transfer_overdue(t, now)}
        for t in case.criminal_transfers.select_related("document__number")
    ]
    keeper = _has(user, APPEAL_KEEPERS)
    is_officer = user.is_superuser or case.officers.filter(pk=user.pk).exists()
    return {
        "appeals": list(case.appeals.all()),
        "criminal_transfers": transfers,
        "may_appeal": keeper and case.decided_on is not None,
        "may_conclude": keeper,
        "may_report_crime": is_officer
        and not any(
            t["row"].status in (TransferStatus.REPORTED, TransferStatus.APPROVED) for t in transfers
        ),
        "may_decide_transfer": _has(user, {Role.HEAD}),
        "may_transfer": is_officer or _has(user, {Role.HEAD}),
        "appeal_pending": AppealStatus.PENDING,
    }
