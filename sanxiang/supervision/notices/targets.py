"""What a 督办 notice or an accountability record can be about: a registry of record types,
each with the records a user may pick (ADR 0087: pick, don't type) and how to name them.

Registered here: overdue rectifications (现场处理措施 past their time limit and not followed
up) and open cases. The evaluation part of supervision registers its findings the same way
(``register_target("supervision.evaluationfinding", …)``); nothing here needs to change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Target:
    label: Any  # the kind of record, in words
    candidates: Callable[[Any, datetime.date], QuerySet]  # (user, today) -> pickable rows
    describe: Callable[[Any], str]  # row -> words
    agency_of: Callable[[Any], Any]  # row -> the unit that must act
    url_of: Callable[[Any], str]
    overdue: Callable[[Any, datetime.date], bool] = lambda row, today: False


_TARGETS: dict[str, Target] = {}
PICK_LIMIT = 200


def register_target(object_type: str, target: Target) -> None:
    _TARGETS[object_type] = target


def target_types() -> dict[str, Target]:
    return dict(_TARGETS)


def choices(user: Any, today: datetime.date | None = None) -> list[tuple[str, list]]:
    """Grouped choices for a select: (kind, [("type:id", words), …]), only what ``user`` sees."""
    today = today or timezone.localdate()
    groups = []
    for object_type, target in _TARGETS.items():
        rows = list(target.candidates(user, today)[:PICK_LIMIT])
        if rows:
            groups.append(
                (str(target.label), [(f"{object_type}:{r.pk}", target.describe(r)) for r in rows])
            )
    return groups


@dataclass(frozen=True)
class Picked:
    object_type: str
    row: Any
    target: Target

    @property
    def label(self) -> str:
        return self.target.describe(self.row)[:300]

    @property
    def agency(self):
        return self.target.agency_of(self.row)


def resolve(user: Any, value: str, today: datetime.date | None = None) -> Picked | None:
    """The picked record, if ``user`` may pick it now; None for anything else."""
    today = today or timezone.localdate()
    object_type, _sep, pk = str(value or "").rpartition(":")
    target = _TARGETS.get(object_type)
    if target is None or not pk.isdigit() or len(pk) > 18:
        return None
    row = target.candidates(user, today).filter(pk=int(pk)).first()
    return Picked(object_type, row, target) if row is not None else None


def link(object_type: str, object_id: str) -> str:
    """The page of a referenced record (empty when the type or the record is unknown)."""
    from django.apps import apps

    target = _TARGETS.get(object_type)
    if target is None or not str(object_id or "").isdigit():
        return ""
    try:
        row = apps.get_model(object_type)._default_manager.filter(pk=object_id).first()
    except (LookupError, ValueError):
        return ""
    return target.url_of(row) if row is not None else ""


# --- the built-in kinds ---------------------------------------------------------------------


def _overdue_measures(user, today):
    from sanxiang.inspections.selectors import measures_with_time_limit

    return (
        measures_with_time_limit(user=user)
        .filter(due_on__lt=today, verification="")
        .order_by("due_on", "pk")
    )


def _describe_measure(m) -> str:
    return _("%(mine)s：%(kind)s，整改期限%(due)s已过，尚未复查") % {
        "mine": m.inspection.mine,
        "kind": m.get_kind_display(),
        "due": m.due_on,
    }


def _open_cases(user, today):
    from sanxiang.cases.selectors import case_list
    from sanxiang.cases.workflow import FINAL

    return case_list(user=user).exclude(status__in=FINAL).order_by("pk")


register_target(
    "inspections.onsitemeasure",
    Target(
        label=gettext_lazy("逾期未整改事项"),
        candidates=_overdue_measures,
        describe=_describe_measure,
        agency_of=lambda m: m.inspection.agency,
        url_of=lambda m: reverse("inspections:inspection_detail", args=[m.inspection_id]),
        overdue=lambda m, today: True,
    ),
)
register_target(
    "cases.case",
    Target(
        label=gettext_lazy("办理中的案件"),
        candidates=_open_cases,
        describe=lambda c: (
            _("案件：%(cause)s（%(mine)s）") % {"cause": c.cause, "mine": c.mine or c.person}
        ),
        agency_of=lambda c: c.agency,
        url_of=lambda c: reverse("cases:detail", args=[c.pk]),
    ),
)
