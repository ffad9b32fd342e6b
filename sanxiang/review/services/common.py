"""What the review services share: field-error collection, who may act (the case side, the
assigned reviewer, the head), the workflow step helpers (``_begin`` checks the transition,
``_finish`` saves and ledgers it) and the check of a day entered by the review office.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Case
from sanxiang.core.permissions import in_scope
from sanxiang.ledger.services import ledger_append
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .. import rules
from ..models import (
    Review,
)
from ..workflow import OPEN, Transition, transition_for


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _signed_in(actor: Any) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied(_("请先登录。"))


def is_case_side(user: Staff, case: Case) -> bool:
    """The case's officers (承办人员) or a head of its agency (or above)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.OFFICER) and case.officers.filter(pk=user.pk).exists():
        return True
    return user.has_role(Role.HEAD) and user.agency is not None and in_scope(user, case.agency)


def _require_case_side(actor: Staff, case: Case, doing: str) -> None:
    _signed_in(actor)
    if not is_case_side(actor, case):
        raise PermissionDenied(
            _("只有本案承办人员或本机构负责人可以%(doing)s。") % {"doing": doing}
        )


def _require_reviewer(actor: Staff, review: Review, doing: str, *, assigned: bool = True) -> None:
    """A legal reviewer of the review office, without a conflict, and (when ``assigned``) the one
    the review is assigned to. The role itself is required: no superuser shortcut."""
    _signed_in(actor)
    if not actor.has_role(Role.LEGAL_REVIEWER):
        raise PermissionDenied(_("只有法制审核人员可以%(doing)s。") % {"doing": doing})
    if actor.agency_id != review.reviewing_agency_id:
        raise PermissionDenied(
            _("本次审核由%(office)s的法制审核机构承担，您不能%(doing)s。")
            % {"office": review.reviewing_agency, "doing": doing}
        )
    conflicts = rules.conflict_reasons(actor, review.case)
    if conflicts:
        raise PermissionDenied(
            _("您%(why)s，与本案有利害关系，不能审核本案。") % {"why": "、".join(conflicts)}
        )
    if assigned and review.reviewer_id not in (None, actor.pk):
        raise PermissionDenied(_("本次审核已分配给%(name)s。") % {"name": review.reviewer})


def _require_head(actor: Staff, agency, doing: str) -> None:
    _signed_in(actor)
    if not (actor.has_role(Role.HEAD) and actor.agency is not None and in_scope(actor, agency)):
        raise PermissionDenied(
            _("只有%(agency)s的负责人可以%(doing)s。") % {"agency": agency, "doing": doing}
        )


def _begin(review: Review, action: str) -> tuple[Review, Transition]:
    """Lock the review and find the row ``action`` from its state."""
    review = (
        Review.objects.select_for_update()
        .select_related("case", "case__agency", "reviewing_agency")
        .get(pk=review.pk)
    )
    transition = transition_for(review.status, action)
    if transition is None:
        raise ValidationError(
            {
                "status": [
                    _("本次审核当前处于“%(state)s”，不能%(doing)s。")
                    % {"state": review.get_status_display(), "doing": _label(action)}
                ]
            }
        )
    return review, transition


def _label(action: str) -> str:
    from ..workflow import IN_STATE_ACTIONS, TRANSITIONS

    for row in TRANSITIONS + IN_STATE_ACTIONS:
        if row.action == action:
            return str(row.label)
    return action


def _finish(
    actor: Staff, review: Review, transition: Transition, details: dict | None = None
) -> Review:
    review.status = transition.target
    if review.status not in OPEN and review.closed_at is None:
        review.closed_at = timezone.now()
    review.save()
    ledger_append(
        actor=actor, action=f"review.{transition.action}", obj=review, details=details or {}
    )
    _refresh_alerts_on_commit(review)
    return review


def _refresh_alerts_on_commit(review: Review) -> None:
    review_id = review.pk

    def enqueue() -> None:
        from ..tasks import review_alerts_task

        review_alerts_task.enqueue(review_id)

    transaction.on_commit(enqueue)


def _day_errors(
    value: Any, field: str, errors: dict, *, not_before: datetime.date | None
) -> datetime.date | None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        _add(errors, field, _("请填写日期。"))
        return None
    if value > timezone.localdate():
        _add(errors, field, _("日期不能晚于今天。"))
    elif not_before and value < not_before:
        _add(errors, field, _("日期不能早于%(day)s。") % {"day": not_before})
    return value
