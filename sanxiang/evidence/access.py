"""Who may see or download a recording's content (JL-USE-2, JL-ARC-2) — one place for the rule.

Metadata (title, time, activity) follows the agency scope like every other record. The
*content* of a recording — playing it, downloading it — is open only to:

* its team: the officers who recorded it, whoever uploaded it, its assigned custodian, and
  the team of the subject it is linked to (the case workflow registers a resolver with
  :func:`register_subject_team`, now in ``core/grounds.py``, shared with documents);
* the custodians (音像记录/档案管理员) of its agency or an agency above it;
* anyone else holding an approved retrieval request whose period covers the moment;
* the legal reviewer assigned to an open round of a review of its subject, to view and play
  it while the review office holds the file (the review workflow registers a resolver with
  :func:`register_subject_review`; SH-CONT-1, SH-CONT-2). The round's opinion, a return for
  completion or a withdrawal ends it; a download, or a trade or state secret, still needs a
  retrieval approval.

Confidentiality (JL-ARC-2) narrows this: trade and state secrets are approved by a head only,
and state-secret records are never downloaded through the system (view only).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core import grounds
from sanxiang.core.permissions import in_scope
from sanxiang.org.roles import Role

from .models import Confidentiality, Recording, RetrievalRequest, RetrievalScope, RetrievalStatus

VIEW = "view"
STREAM = "stream"
DOWNLOAD = "download"
MODES = (VIEW, STREAM, DOWNLOAD)


@dataclass(frozen=True)
class Access:
    view: bool
    download: bool
    basis: str = ""
    retrieval: RetrievalRequest | None = None
    reason: str = ""

    def allows(self, mode: str) -> bool:
        return self.download if mode == DOWNLOAD else self.view


def team_member_ids(recording: Recording) -> set[int]:
    ids = set(recording.officers.values_list("pk", flat=True))
    ids.add(recording.uploaded_by_id)
    if recording.custodian_id:
        ids.add(recording.custodian_id)
    return ids | grounds.team_ids(recording.subject_type, recording.subject_id)


def reviewing(user, recording: Recording) -> int | None:
    """The review whose open round ``user`` is assigned to, of the recording's subject, or None."""
    return grounds.reviewing(recording.subject_type, recording.subject_id, user)


def is_custodian_for(user, recording: Recording) -> bool:
    return user.has_role(Role.CUSTODIAN) and in_scope(user, recording.agency)


def may_download_at_all(recording: Recording) -> bool:
    """JL-ARC-2: state-secret content never leaves the system as a file."""
    return recording.confidentiality != Confidentiality.STATE_SECRET


def approver_roles(recording: Recording) -> frozenset[str]:
    """JL-ARC-2 / JL-USE-2: who may approve a retrieval of this record."""
    if recording.is_secret:
        return frozenset({Role.HEAD})
    return frozenset({Role.HEAD, Role.CUSTODIAN})


def access_for(user, recording: Recording, at: datetime.datetime | None = None) -> Access:
    """JL-USE-2: what ``user`` may do with the content of ``recording`` at ``at`` (default now)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Access(False, False, reason=_("请先登录。"))
    downloadable = may_download_at_all(recording)
    if user.pk in team_member_ids(recording):
        return Access(True, downloadable, basis="team")
    if is_custodian_for(user, recording):
        return Access(True, downloadable, basis="custodian")
    moment = at or timezone.now()
    grants = RetrievalRequest.objects.filter(
        requested_id=recording.pk,
        recording=recording,
        requester=user,
        status=RetrievalStatus.APPROVED,
        valid_from__lte=moment,
        valid_until__gte=moment,
    ).order_by("-scope", "-valid_until")
    grant = grants.first()
    if grant is not None:
        return Access(
            True,
            downloadable and grant.scope == RetrievalScope.DOWNLOAD,
            basis=f"retrieval:{grant.pk}",
            retrieval=grant,
        )
    review_id = None if recording.is_secret else reviewing(user, recording)
    if review_id is not None:
        return Access(True, False, basis=f"review:{review_id}")
    return Access(
        False,
        False,
        reason=_(
            "调阅该音像记录须经审批（《实施办法》四（四）2）：请提出调阅申请，经保管人或负责人批准后在批准期限内查看。"
        ),
    )
