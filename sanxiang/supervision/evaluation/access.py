"""Who reads what of 案卷评查 (ADR 0065, 0160).

* The ground ``evaluation:<campaign>`` (ground 13): the evaluator a file is assigned to reads
  that case's or inspection's documents and its archive volume — view only, never download —
  while the campaign runs (status 评查中 and today between its start and end dates). Not a
  member of the handling team: the draw excludes them and reassignment refuses them; the team
  reads on its own ground anyway.
* Records (``core/readable.py``): a campaign is read by the organiser's scope, its evaluators
  and the staff of the units under evaluation; a file and its findings by the handling unit's
  scope (which includes the organiser) and its evaluator; a rectification by the unit's scope;
  a rubric by its agency's scope and the agencies below it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..models_evaluation import (
    Campaign,
    CampaignStatus,
    EvaluationFile,
    EvaluationFinding,
    Rectification,
    Rubric,
)


def _signed_in(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def evaluation_ground(field: str):
    """Resolver for ``core.grounds.register_subject_ground`` on cases or inspections."""

    def resolve(subject_id: str, user: Any) -> str | None:
        if not _signed_in(user) or not str(subject_id).isdigit():
            return None
        today = timezone.localdate()
        file = (
            EvaluationFile.objects.filter(
                **{field: int(subject_id)},
                evaluator=user,
                campaign__status=CampaignStatus.RUNNING,
                campaign__starts_on__lte=today,
                campaign__ends_on__gte=today,
            )
            .order_by("pk")
            .first()
        )
        return f"evaluation:{file.campaign_id}" if file else None

    return resolve


def _path(user: Any) -> str | None:
    agency = getattr(user, "agency", None)
    return agency.path if agency is not None else None


def campaigns_readable(user: Any):
    if not _signed_in(user):
        return Campaign.objects.none()
    if user.is_superuser:
        return Campaign.objects.all()
    q = Q(evaluators=user)
    if _path(user):
        q |= Q(agency__path__startswith=_path(user)) | Q(units=user.agency_id)
    return Campaign.objects.filter(pk__in=Campaign.objects.filter(q).values("pk"))


def files_readable(user: Any):
    if not _signed_in(user):
        return EvaluationFile.objects.none()
    if user.is_superuser:
        return EvaluationFile.objects.all()
    q = Q(evaluator=user)
    if _path(user):
        q |= Q(unit__path__startswith=_path(user))
    return EvaluationFile.objects.filter(q)


def findings_readable(user: Any):
    if not _signed_in(user):
        return EvaluationFinding.objects.none()
    return EvaluationFinding.objects.filter(file__in=files_readable(user).values("pk"))


def rectifications_readable(user: Any):
    if not _signed_in(user):
        return Rectification.objects.none()
    return Rectification.objects.restrict(user)


def rubrics_readable(user: Any):
    """A rubric is read in its agency's scope and by the agencies below (they use it)."""
    if not _signed_in(user):
        return Rubric.objects.none()
    if user.is_superuser:
        return Rubric.objects.all()
    path = _path(user)
    if not path:
        return Rubric.objects.none()
    prefixes = [path[: i + 1] for i, c in enumerate(path) if c == "/" and i > 0]
    return Rubric.objects.filter(Q(agency__path__in=prefixes) | Q(agency__path__startswith=path))


def register() -> None:
    from sanxiang.core.grounds import register_subject_ground
    from sanxiang.core.readable import register_readable

    register_subject_ground(
        "cases.case", "evaluation", evaluation_ground("case_id"), view_only=True
    )
    register_subject_ground(
        "inspections.inspection", "evaluation", evaluation_ground("inspection_id"), view_only=True
    )
    register_readable("supervision.campaign", campaigns_readable)
    register_readable("supervision.evaluationfile", files_readable)
    register_readable("supervision.evaluationfinding", findings_readable)
    register_readable("supervision.rectification", rectifications_readable)
    register_readable("supervision.rubric", rubrics_readable)
