"""GS-POST-2: what an effective reconsideration decision or judgment does to the published result.

Called by ``cases/appeals.py`` inside its transaction (ADR 0155): an outcome that changes,
revokes, confirms unlawful or void, or orders the decision remade opens the withdrawal of the
case's published result, due 3 working days after the agency received the effective document
(``rules.withdrawal_due``, 行政处罚法第四十八条、第八十五条); the head approves it as any other
withdrawal and the record becomes a tombstone. A changed or remade decision is published as a
new record with its own 7-working-day clock, through the normal pipeline.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from sanxiang.core.language import in_legal_language
from sanxiang.org.models import Staff

from . import services, sources
from .fields import Category
from .models import Publication
from .services.drafts import _create_once
from .workflow import PREPARING, PublicationStatus

CASE_SOURCE = "cases.case"
APPEAL_SOURCE = "cases.appeal"


def case_publication(case) -> Publication | None:
    return Publication.objects.filter(
        source_type=CASE_SOURCE, source_id=str(case.pk), category=Category.PENALTY
    ).first()


@in_legal_language
def open_withdrawal(
    *, case, reason_kind: str, reason: str, received_on: datetime.date, basis: str
) -> tuple[Publication | None, str]:
    """Open the withdrawal of the case's result; returns it and what was done, in words.

    A published result gets a withdrawal request by the system (the head approves it); one
    already pending or gone is left as it is; a draft never released is left to the editor,
    who sees the appeal on the case (it is withdrawn without a tombstone, as before)."""
    publication = case_publication(case)
    if publication is None:
        return None, _("本案尚无公示记录。")
    if publication.status == PublicationStatus.PUBLISHED:
        publication = services.publication_withdrawal_request(
            actor=None,
            publication=publication,
            reason_kind=reason_kind,
            reason=reason[:500],
            revoked_on=received_on,
            basis=basis[:200],
        )
        return publication, _("已启动撤下公示，期限至%(d)s。") % {
            "d": publication.withdrawal_due.isoformat()
        }
    if publication.status in PREPARING:
        return publication, _("公示尚未发布，请公示编辑不予发布并撤下草稿。")
    return publication, _("公示当前状态为“%(s)s”，无需再撤下。") % {
        "s": publication.get_status_display()
    }


@in_legal_language
def draft_new_decision(
    *,
    appeal,
    document_number: str,
    decided_on: datetime.date,
    content: str,
    clock_from: datetime.date,
    actor: Staff | None,
) -> Publication:
    """A changed or remade decision as a new publication (its own record and clock: 7 working
    days from ``clock_from``, the day the agency received or made it)."""
    case = appeal.case
    draft = sources.penalty_draft(case)
    draft.source_type, draft.source_id = APPEAL_SOURCE, str(appeal.pk)
    draft.decided_on = decided_on
    draft.title = (_("行政处罚（变更后） · %(t)s") % {"t": draft.title})[:200]
    draft.fields.update(
        {
            "decision_number": document_number,
            "penalty_content": content,
            "decision_date": decided_on.isoformat(),
        }
    )
    draft.extra["clock_from"] = clock_from
    return _create_once(draft, actor)
