"""Reading an archive unit's volume, and borrowing it (JL-USE-2, JL-USE-3; ADR 0065, 0123).

A unit's volume PDF opens without asking on the grounds its matter's documents do — the case
or inspection team, the legal reviewer of an open round, the registered grounds (an evaluator
of the file, P12), the record custodians in scope — and for the head while the unit waits for
his approval of filing. Anyone else borrows it (借阅) through the same request and approval as
a document; the borrower's copy carries his name, the purpose and the time on every page.
Every view, download and refusal is a ledger event naming its ground.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core.grounds import downloads
from sanxiang.core.permissions import in_scope
from sanxiang.documents import borrowing, reading
from sanxiang.documents.access import Grant, records_ground
from sanxiang.documents.models import BorrowScope
from sanxiang.org.roles import Role

from .models import ArchiveUnit, UnitStatus

UNIT = "archive.archiveunit"
_ACTIONS = {reading.VIEW: "archive.volume_view", reading.DOWNLOAD: "archive.volume_download"}


def _subject(unit: ArchiveUnit) -> tuple[str, str]:
    if unit.case_id:
        return "cases.case", str(unit.case_id)
    if unit.inspection_id:
        return "inspections.inspection", str(unit.inspection_id)
    if unit.letter_id:
        return unit.letter.subject_type, unit.letter.subject_id
    return "", ""


def unit_grant(user: Any, unit: ArchiveUnit, at: datetime.datetime | None = None) -> Grant:
    """What ``user`` may do with ``unit``'s volume at ``at`` (default now), on what ground."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grant(False, False, reason=_("请先登录。"))
    subject_type, subject_id = _subject(unit)
    ground = records_ground(user, subject_type, subject_id, unit.agency)
    if ground:
        return Grant(True, downloads(ground), ground=ground)
    if (
        unit.status == UnitStatus.SUBMITTED
        and user.has_role(Role.HEAD)
        and in_scope(user, unit.agency)
    ):
        return Grant(True, True, ground=f"head-approval:archive:{unit.pk}")
    borrow = borrowing.grant(user, UNIT, str(unit.pk), at)
    if borrow is not None:
        return Grant(
            True, borrow.scope == BorrowScope.DOWNLOAD, ground=f"borrow:{borrow.pk}", borrow=borrow
        )
    return Grant(
        False,
        False,
        reason=_(
            "查阅档案须经借阅审批（《实施办法》四（四）2）：请提出借阅申请，"
            "经档案管理员或负责人批准后在批准期限内查阅。"
        ),
    )


def unit_volume_read(
    *, actor: Any, unit: ArchiveUnit, mode: str, channel_detail: dict[str, Any] | None = None
) -> reading.Reading:
    """Decide one view or download of the unit's volume, logged with its ground."""
    return reading.record_read(
        actor=actor,
        obj=unit,
        grant=unit_grant(actor, unit),
        pdf_path=unit.volume_path,
        mode=mode,
        actions=_ACTIONS,
        refused_action="archive.access_refused",
        channel_detail=channel_detail,
    )


def unit_borrowable(subject_id: str) -> borrowing.Borrowable | None:
    """How a borrow request finds a unit: the holding agency decides; people know it by its
    档号 (or its title before filing)."""
    if not str(subject_id).isdigit():
        return None
    unit = ArchiveUnit.objects.select_related("agency").filter(pk=subject_id).first()
    if unit is None or unit.status == UnitStatus.DESTROYED:
        return None
    label = f"{unit.archival_code} {unit.title}".strip() if unit.archival_code else unit.title
    return borrowing.Borrowable(agency=unit.agency, label=label)
