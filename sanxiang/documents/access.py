"""Who may open a document's PDF, and on what ground (JL-USE-2, JL-USE-3; ADR 0065, 0123).

Seeing that a document exists — its title and number on a case page — follows the agency
scope like every record. Opening it (viewing or downloading the PDF) needs a ground:

* ``issuer`` — the person who issued it;
* the grounds of its subject (``core/grounds.py``): the case or inspection team
  (``team:case:12``), the legal reviewer of an open round (``review:12``), the head whose
  approval is the case's next step (``head-approval:case:12:approve_report``), the editor of a
  publication being prepared (``publication:7``), an evaluator of the file (P12, registered
  by that work);
* ``custodian`` — the record custodians (音像记录/档案管理员) of its agency or one above;
* ``borrow:<id>`` — an approved borrow request (借阅) whose period covers the moment; the
  borrower's copy carries a watermark (his name, purpose, time) on every page.

Anyone else is refused, and the refusal is logged like every read (``reading.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from sanxiang.core.grounds import downloads, subject_ground
from sanxiang.core.permissions import in_scope
from sanxiang.org.roles import Role

from . import borrowing
from .models import BorrowRequest, BorrowScope, Document


@dataclass(frozen=True)
class Grant:
    view: bool
    download: bool
    ground: str = ""
    borrow: BorrowRequest | None = None
    reason: str = ""


def records_ground(user: Any, subject_type: str, subject_id: str, agency: Any) -> str | None:
    """The ground on which ``user`` reads the text records of a subject held by ``agency``
    without asking — its grounds (team, review, registered ones), then custody — or None.
    Also for content that is not yet a document (the decision previewed before it is made)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    ground = subject_ground(user, subject_type, str(subject_id))
    if ground:
        return ground
    if user.has_role(Role.CUSTODIAN) and in_scope(user, agency):
        return "custodian"
    return None


def document_grant(user: Any, document: Document, at: datetime.datetime | None = None) -> Grant:
    """What ``user`` may do with ``document``'s PDF at ``at`` (default now), and on what ground."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return Grant(False, False, reason=_("请先登录。"))
    if document.issued_by_id == user.pk:
        return Grant(True, True, ground="issuer")
    ground = records_ground(user, document.subject_type, document.subject_id, document.agency)
    if ground:
        return Grant(True, downloads(ground), ground=ground)
    borrow = borrowing.grant(user, borrowing.DOCUMENT, str(document.pk), at)
    if borrow is not None:
        return Grant(
            True, borrow.scope == BorrowScope.DOWNLOAD, ground=f"borrow:{borrow.pk}", borrow=borrow
        )
    return Grant(
        False,
        False,
        reason=_(
            "查阅该文书须经借阅审批（《实施办法》四（四）2）：请提出借阅申请，"
            "经档案管理员或负责人批准后在批准期限内查阅。"
        ),
    )


def may_open(user: Any, document: Document) -> bool:
    """For links: whether the document opens for ``user`` now (not logged: nothing is read)."""
    return document_grant(user, document).view
