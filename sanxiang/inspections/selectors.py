"""Reads of inspections, cut to what the user may see; and the public reads of draws."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from sanxiang.core.permissions import is_superuser
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .models import (
    ConflictDeclaration,
    DrawTask,
    EnforcementPlan,
    Inspection,
    InspectionPlan,
    OnsiteMeasure,
    RandomDraw,
)
from .workflow import (
    DrawStatus,
    InspectionStatus,
    PlanStatus,
    inspection_transitions,
    plan_transitions,
)


def inspection_team_ids(subject_id: str) -> set[int]:
    """Who is on an inspection's team (for access to its recordings, ADR 0021)."""
    if not str(subject_id).isdigit():
        return set()
    inspection = Inspection.objects.filter(pk=int(subject_id)).first()
    if inspection is None:
        return set()
    return set(inspection.officers.values_list("pk", flat=True)) | set(
        inspection.plan.officers.values_list("pk", flat=True)
    )


def plan_team_ids(subject_id: str) -> set[int]:
    """Who is on an inspection plan's team (for reading its documents, ADR 0123)."""
    if not str(subject_id).isdigit():
        return set()
    return set(
        InspectionPlan.officers.through.objects.filter(
            inspectionplan_id=int(subject_id)
        ).values_list("staff_id", flat=True)
    )


def enforcement_plan_list(*, user: Staff) -> QuerySet[EnforcementPlan]:
    return EnforcementPlan.objects.restrict(user).select_related("agency")


def enforcement_plan_get(*, user: Staff, pk: int) -> EnforcementPlan:
    return enforcement_plan_list(user=user).get(pk=pk)


def conflict_list(*, user: Staff) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.restrict(user).select_related("officer", "mine")


def draw_list(*, user: Staff) -> QuerySet[RandomDraw]:
    return RandomDraw.objects.restrict(user).select_related("agency", "enforcement_plan")


def draw_get(*, user: Staff, pk: int) -> RandomDraw:
    return draw_list(user=user).get(pk=pk)


def draw_tasks(draw: RandomDraw) -> list[DrawTask]:
    return list(
        draw.tasks.select_related("mine")
        .prefetch_related("inspectors")
        .select_related("plan", "plan__inspection")
        .order_by("position")
    )


def plan_list(*, user: Staff, status: str = "") -> QuerySet[InspectionPlan]:
    plans = InspectionPlan.objects.restrict(user).select_related("mine", "agency", "document")
    if status:
        plans = plans.filter(status=status)
    return plans


def plan_get(*, user: Staff, pk: int) -> InspectionPlan:
    return plan_list(user=user).get(pk=pk)


def inspection_list(*, user: Staff, status: str = "") -> QuerySet[Inspection]:
    inspections = Inspection.objects.restrict(user).select_related("mine", "agency", "plan")
    if status:
        inspections = inspections.filter(status=status)
    return inspections


def inspection_get(*, user: Staff, pk: int) -> Inspection:
    return inspection_list(user=user).get(pk=pk)


def measure_get(*, user: Staff, pk: int) -> OnsiteMeasure:
    return OnsiteMeasure.objects.restrict(user).select_related("inspection").get(pk=pk)


@dataclass
class WorkItem:
    """One line of “my inspections”: what, its state, the next step and its due date."""

    obj: object
    kind: str
    title: str
    state: str
    next_steps: list[str]
    due: datetime.date | None = None
    due_provisional: bool = False
    url: str = ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def _is_head(user: Staff) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD)


def my_inspections(*, user: Staff) -> list[WorkItem]:
    """The user's open plans and inspections (heads: also plans waiting for approval)."""
    from django.urls import reverse

    items: list[WorkItem] = []
    mine = Q(officers=user)
    if _is_head(user):
        mine |= Q(status=PlanStatus.SUBMITTED)
    plans = (
        plan_list(user=user)
        .filter(mine)
        .filter(Q(inspection__isnull=True))
        .distinct()
        .order_by("planned_start", "pk")
    )
    for plan in plans:
        steps = [str(t.label) for t in plan_transitions(plan.status) if _may(user, t.roles)]
        items.append(
            WorkItem(
                plan,
                "plan",
                str(plan),
                plan.get_status_display(),
                steps,
                due=plan.planned_end,
                url=reverse("inspections:plan_detail", args=[plan.pk]),
            )
        )
    inspections = (
        inspection_list(user=user)
        .filter(officers=user)
        .exclude(status=InspectionStatus.CLOSED)
        .prefetch_related("measures")
        .distinct()
    )
    for inspection in inspections:
        follow_ups = [m for m in inspection.measures.all() if m.needs_follow_up]
        nearest = min(follow_ups, key=lambda m: m.due_on, default=None)
        steps = [
            str(t.label)
            for t in inspection_transitions(inspection.status)
            if _may(user, t.roles) and t.action not in ("verify",)
        ]
        if follow_ups:
            steps.insert(0, f"整改复查（{len(follow_ups)}项）")
        items.append(
            WorkItem(
                inspection,
                "inspection",
                str(inspection),
                inspection.get_status_display(),
                steps,
                due=nearest.due_on if nearest else None,
                due_provisional=bool(nearest and nearest.due_provisional),
                url=reverse("inspections:inspection_detail", args=[inspection.pk]),
            )
        )
    return items


def _may(user: Staff, roles) -> bool:
    return is_superuser(user) or user.has_role(*roles)


def follow_ups_due(*, user: Staff) -> QuerySet[OnsiteMeasure]:
    """Time-limited measures of the user's inspections not yet followed up, soonest first."""
    return (
        OnsiteMeasure.objects.restrict(user)
        .filter(inspection__officers=user, due_on__isnull=False, verification="")
        .select_related("inspection", "inspection__mine")
        .distinct()
        .order_by("due_on")
    )


def measures_with_time_limit(*, user: Staff) -> QuerySet[OnsiteMeasure]:
    """Every time-limited on-site measure (整改期限) the user sees, with its inspection's agency:
    the rectifications that supervision counts and follows (issue 16)."""
    return (
        OnsiteMeasure.objects.restrict(user)
        .filter(due_on__isnull=False)
        .select_related("inspection", "inspection__mine", "inspection__agency")
    )


# --- public ------------------------------------------------------------------------------------


def public_draws() -> QuerySet[RandomDraw]:
    """Draws whose seed commitment is public (committed or later), newest first."""
    return (
        RandomDraw.objects.filter(
            status__in=[DrawStatus.COMMITTED, DrawStatus.DRAWN, DrawStatus.PUBLISHED]
        )
        .select_related("agency")
        .order_by("-committed_at", "-pk")
    )


def public_draw_get(pk: int) -> RandomDraw:
    return public_draws().get(pk=pk)
