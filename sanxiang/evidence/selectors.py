"""Reads of evidence, always cut to what the acting user may see.

A recording's *metadata* is visible in the user's agency scope, to its team, and to whoever
holds an approved retrieval whose period covers now; its *content* is governed by ``access.py``
(and every access goes through ``services.recording_access`` so that it is in the ledger). A
secret record's title and file name are masked by one function, :func:`recording_shown`, for
the pages and the API alike (ADR 0065).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import access as access_rules
from .models import (
    AccessAlert,
    Confidentiality,
    DerivedFile,
    Recording,
    RecordingDevice,
    RecordingRequirement,
    RetrievalRequest,
    RetrievalStatus,
    Upload,
)
from .rules import recordings_linked

SECRET_LEVELS = (Confidentiality.TRADE_SECRET, Confidentiality.STATE_SECRET)


def device_list(
    *, user: Staff, q: str = "", active: bool | None = None
) -> QuerySet[RecordingDevice]:
    devices = RecordingDevice.objects.restrict(user).select_related("agency", "keeper")
    if q:
        devices = devices.filter(Q(serial_number__icontains=q) | Q(model_name__icontains=q))
    if active is not None:
        devices = devices.filter(is_active=active)
    return devices


def device_get(*, user: Staff, pk: int, action: str = "view") -> RecordingDevice:
    return RecordingDevice.objects.restrict(user, action).select_related("agency").get(pk=pk)


def visible_recordings(user: Staff) -> QuerySet[Recording]:
    """Recordings whose metadata ``user`` may see (JL-USE-2, ADR 0065): his agency scope, the
    records he made, uploaded or keeps, and those he holds an approved retrieval for whose
    period covers now. A pending, refused or expired request grants nothing."""
    if is_superuser(user):
        return Recording.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return Recording.objects.none()
    now = timezone.now()
    scoped = Recording.objects.restrict(user).values("pk")
    granted = RetrievalRequest.objects.filter(
        requester=user,
        status=RetrievalStatus.APPROVED,
        valid_from__lte=now,
        valid_until__gte=now,
    ).values("recording_id")
    return Recording.objects.filter(
        Q(pk__in=scoped)
        | Q(officers=user)
        | Q(uploaded_by=user)
        | Q(custodian=user)
        | Q(pk__in=granted)
    ).distinct()


def _masked_matches(user: Staff, recordings: QuerySet[Recording], q: str) -> list[int]:
    """Secret records that match ``q`` only in a field masked for ``user`` (ADR 0065): a search
    must not tell what a masked title or file name says."""
    candidates = (
        recordings.filter(confidentiality__in=SECRET_LEVELS)
        .filter(Q(title__icontains=q) | Q(original_name__icontains=q))
        .exclude(location__icontains=q)
    )
    return [r.pk for r in candidates if not access_rules.access_for(user, r).view]


def recording_list(
    *,
    user: Staff,
    q: str = "",
    activity: str = "",
    media_kind: str = "",
    subject_type: str = "",
    subject_id: str = "",
) -> QuerySet[Recording]:
    recordings = visible_recordings(user).select_related("agency", "device", "custodian")
    if q:
        by_text = Q(title__icontains=q) | Q(location__icontains=q) | Q(original_name__icontains=q)
        number = Recording.pk_from_number(q)
        recordings = recordings.filter(by_text | Q(pk=number) if number else by_text)
        masked = _masked_matches(user, recordings, q)
        if masked:
            recordings = recordings.exclude(pk__in=masked)
    if activity:
        recordings = recordings.filter(activity=activity)
    if media_kind:
        recordings = recordings.filter(media_kind=media_kind)
    if subject_type:
        recordings = recordings.filter(subject_type=subject_type, subject_id=subject_id)
    return recordings


def recording_get(*, user: Staff, pk: int) -> Recording:
    return (
        visible_recordings(user)
        .select_related("agency", "device", "custodian", "uploaded_by")
        .get(pk=pk)
    )


def recording_for_request(*, pk: int) -> Recording:
    """A recording by number, whoever asks: only for the content views, which decide and log
    every access themselves (JL-USE-2) and answer as for a missing number when the caller may
    not even see the metadata."""
    return Recording.objects.select_related("agency").get(pk=pk)


def metadata_visible(user: Staff, recording: Recording) -> bool:
    return visible_recordings(user).filter(pk=recording.pk).exists()


@dataclass(frozen=True)
class Shown:
    """What a person may read of a recording's describing text (JL-ARC-2, ADR 0065)."""

    title: str
    original_name: str
    masked: bool


def masked_label(recording: Recording) -> str:
    """What stands for a secret record's title and file name: its level and number."""
    return f"（{recording.get_confidentiality_display()}）{recording.number}"


def recording_shown(user: Staff, recording: Recording) -> Shown:
    """JL-ARC-2: a secret record's title and file name are shown only to those who may see its
    content; others read its level and number. The one rule for the pages and the API."""
    if recording.is_secret and not access_rules.access_for(user, recording).view:
        label = masked_label(recording)
        return Shown(title=label, original_name=label, masked=True)
    return Shown(title=recording.title, original_name=recording.original_name, masked=False)


def title_for(user: Staff, recording: Recording) -> str:
    """JL-ARC-2: a secret record's title is shown only to those who may see its content."""
    return recording_shown(user, recording).title


def manifest_shown(user: Staff, items: list[dict]) -> list[dict]:
    """A stored manifest (a review submission's materials) with the titles of recordings
    ``user`` may not read masked as everywhere else (JL-ARC-2, ADR 0065); the stored manifest
    itself, which its digest covers, is not changed."""
    ids = [item.get("id") for item in items if item.get("type") == "recording"]
    recordings = Recording.objects.in_bulk([i for i in ids if isinstance(i, int)])
    shown = []
    for item in items:
        recording = recordings.get(item.get("id")) if item.get("type") == "recording" else None
        if recording is not None:
            item = {**item, "title": title_for(user, recording)}
        shown.append(item)
    return shown


def titled(user: Staff, recordings) -> list[tuple[Recording, str]]:
    """Each recording with the title ``user`` may read, for lists on any page."""
    return [(r, title_for(user, r)) for r in recordings]


def recordings_for_subject(*, user: Staff, subject) -> QuerySet[Recording]:
    return recording_list(
        user=user, subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
    )


def linked_recordings(*, subject_type: str, subject_id: str, stage: str | None = None):
    return recordings_linked(subject_type=subject_type, subject_id=subject_id, stage=stage)


def derived_list(*, recording: Recording) -> QuerySet[DerivedFile]:
    return recording.derived.all()


def upload_list(*, user: Staff) -> QuerySet[Upload]:
    return Upload.objects.filter(owner=user).select_related("recording")


def retrieval_list(*, user: Staff, status: str = "") -> QuerySet[RetrievalRequest]:
    """Requests the user made, and requests naming records in his scope."""
    if user is None or not user.is_authenticated or not user.is_active:
        return RetrievalRequest.objects.none()
    scoped = RetrievalRequest.objects.restrict(user).values("pk")
    requests = RetrievalRequest.objects.filter(Q(requester=user) | Q(pk__in=scoped)).select_related(
        "recording__agency", "requester", "decided_by"
    )
    if status:
        requests = requests.filter(status=status)
    return requests


def retrieval_get(*, user: Staff, pk: int) -> RetrievalRequest:
    return retrieval_list(user=user).get(pk=pk)


def my_retrievals(*, user: Staff, recording: Recording) -> QuerySet[RetrievalRequest]:
    """The user's own requests naming ``recording``, decided or not."""
    return RetrievalRequest.objects.filter(requester=user, requested_id=recording.pk)


def retrieval_target(retrieval: RetrievalRequest) -> Recording | None:
    """The recording a request names, if there is one (not for the requester's eyes: only
    approvers, whose scope covers it, and the decision use it)."""
    if retrieval.recording_id is not None:
        return retrieval.recording
    return Recording.objects.select_related("agency").filter(pk=retrieval.requested_id).first()


def may_decide(user: Staff, retrieval: RetrievalRequest) -> bool:
    if retrieval.status != RetrievalStatus.PENDING or retrieval.requester_id == user.pk:
        return False
    recording = retrieval_target(retrieval)
    if recording is None:
        return False
    roles = access_rules.approver_roles(recording)
    return (is_superuser(user) or user.has_role(*roles)) and in_scope(user, recording.agency)


def retrieval_pending_for(*, user: Staff) -> list[RetrievalRequest]:
    pending = retrieval_list(user=user, status=RetrievalStatus.PENDING).exclude(requester=user)
    return [r for r in pending if may_decide(user, r)]


def alert_list(*, user: Staff, open_only: bool = False) -> QuerySet[AccessAlert]:
    if not (is_superuser(user) or user.has_role(Role.CUSTODIAN, Role.HEAD)):
        return AccessAlert.objects.none()
    alerts = AccessAlert.objects.restrict(user).select_related("actor", "recording", "agency")
    if open_only:
        alerts = alerts.filter(acknowledged_at__isnull=True)
    return alerts


def requirement_list() -> QuerySet[RecordingRequirement]:
    return RecordingRequirement.objects.all()
