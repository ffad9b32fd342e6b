"""Reads of evidence, always cut to what the acting user may see.

A recording's *metadata* is visible in the user's agency scope, to its team, and to whoever
has asked to retrieve it; its *content* is governed by ``access.py`` (and every access goes
through ``services.recording_access`` so that it is in the ledger).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from . import access as access_rules
from .models import (
    AccessAlert,
    DerivedFile,
    Recording,
    RecordingDevice,
    RecordingRequirement,
    RetrievalRequest,
    RetrievalStatus,
    Upload,
)
from .rules import recordings_linked


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


def _visible_recordings(user: Staff) -> QuerySet[Recording]:
    if is_superuser(user):
        return Recording.objects.all()
    if user is None or not user.is_authenticated:
        return Recording.objects.none()
    scoped = Recording.objects.restrict(user).values("pk")
    return Recording.objects.filter(
        Q(pk__in=scoped)
        | Q(officers=user)
        | Q(uploaded_by=user)
        | Q(custodian=user)
        | Q(retrievals__requester=user)
    ).distinct()


def recording_list(
    *,
    user: Staff,
    q: str = "",
    activity: str = "",
    media_kind: str = "",
    subject_type: str = "",
    subject_id: str = "",
) -> QuerySet[Recording]:
    recordings = _visible_recordings(user).select_related("agency", "device", "custodian")
    if q:
        recordings = recordings.filter(
            Q(title__icontains=q) | Q(location__icontains=q) | Q(original_name__icontains=q)
        )
    if activity:
        recordings = recordings.filter(activity=activity)
    if media_kind:
        recordings = recordings.filter(media_kind=media_kind)
    if subject_type:
        recordings = recordings.filter(subject_type=subject_type, subject_id=subject_id)
    return recordings


def recording_get(*, user: Staff, pk: int) -> Recording:
    return (
        _visible_recordings(user)
        .select_related("agency", "device", "custodian", "uploaded_by")
        .get(pk=pk)
    )


def recording_for_request(*, pk: int) -> Recording:
    """A recording by number for a retrieval request from outside its scope (JL-USE-2)."""
    return Recording.objects.select_related("agency").get(pk=pk)


def title_for(user: Staff, recording: Recording) -> str:
    """JL-ARC-2: a secret record's title is shown only to those who may see its content."""
    if recording.is_secret and not access_rules.access_for(user, recording).view:
        return f"（{recording.get_confidentiality_display()}）{recording.number}"
    return recording.title


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
    """Requests the user made, and requests on records in his scope."""
    scoped = RetrievalRequest.objects.restrict(user).values("pk")
    requests = RetrievalRequest.objects.filter(Q(requester=user) | Q(pk__in=scoped)).select_related(
        "recording__agency", "requester", "decided_by"
    )
    if status:
        requests = requests.filter(status=status)
    return requests


def retrieval_get(*, user: Staff, pk: int) -> RetrievalRequest:
    return retrieval_list(user=user).get(pk=pk)


def may_decide(user: Staff, retrieval: RetrievalRequest) -> bool:
    recording = retrieval.recording
    roles = access_rules.approver_roles(recording)
    return (
        retrieval.status == RetrievalStatus.PENDING
        and retrieval.requester_id != user.pk
        and (is_superuser(user) or user.has_role(*roles))
        and in_scope(user, recording.agency)
    )


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
