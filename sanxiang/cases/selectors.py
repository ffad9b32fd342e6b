"""Reads of cases, cut to what the user may see: lists with next steps and deadlines, the
timeline from the ledger, the checklist; and what the publicity app reads."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.permissions import is_superuser
from sanxiang.documents.models import Document
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import object_type_of
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role

from .branches import branch_deadlines
from .models import Case
from .steps import steps_for
from .workflow import FINAL, CaseStatus

# States in which the next step is the head's.
HEAD_STATES = frozenset(
    {
        CaseStatus.FILING_PENDING,
        CaseStatus.REPORTED,
        CaseStatus.PENDING_DECISION,
        CaseStatus.EXECUTED,
        CaseStatus.ENFORCEMENT_APPLIED,
    }
)


def case_team_ids(subject_id: str) -> set[int]:
    """Who handles a case (for access to its recordings, ADR 0021)."""
    if not str(subject_id).isdigit():
        return set()
    return set(
        Case.officers.through.objects.filter(case_id=int(subject_id)).values_list(
            "staff_id", flat=True
        )
    )


def case_head_approval(subject_id: str, user: Staff) -> str | None:
    """A head in the case's scope whose approval is the case's next step reads its documents
    (ADR 0123): ``head-approval:case:12:approve_report``."""
    from sanxiang.core.permissions import in_scope

    from .workflow import HEADS, TRANSITIONS

    if not str(subject_id).isdigit() or not user.has_role(Role.HEAD):
        return None
    case = Case.objects.select_related("agency").filter(pk=int(subject_id)).first()
    if case is None or not in_scope(user, case.agency):
        return None
    pending = [t.action for t in TRANSITIONS if t.source == case.status and t.roles == HEADS]
    return f"head-approval:case:{case.pk}:{pending[0]}" if pending else None


def case_list(*, user: Staff, q: str = "", status: str = "") -> QuerySet[Case]:
    cases = Case.objects.restrict(user).select_related("agency", "mine", "person")
    if q:
        cases = cases.filter(
            Q(cause__icontains=q) | Q(mine__name__icontains=q) | Q(person__name__icontains=q)
        )
    if status:
        cases = cases.filter(status=status)
    return cases


def case_get(*, user: Staff, pk: int) -> Case:
    return case_list(user=user).select_related("inspection", "decision_document").get(pk=pk)


@dataclass
class Deadline:
    label: str
    date: datetime.date
    provisional: bool = False

    @property
    def overdue(self) -> bool:
        return self.date < timezone.localdate()


def case_deadlines(case: Case) -> list[Deadline]:
    """The running time limits of a case, soonest first (closed ones are not shown)."""
    out = []
    if case.status == CaseStatus.NOTIFIED:
        if case.statement_due and not case.rights_waived:
            out.append(
                Deadline(_("陈述申辩期限"), case.statement_due, case.statement_due_provisional)
            )
        if case.hearing_request_due and not case.rights_waived:
            out.append(
                Deadline(
                    _("听证申请期限"),
                    case.hearing_request_due,
                    case.hearing_request_due_provisional,
                )
            )
    if case.needs_post_review and case.post_review_due:
        out.append(
            Deadline(
                _("紧急措施事后法制审核"), case.post_review_due, case.post_review_due_provisional
            )
        )
    if case.publication_due and case.status not in FINAL:
        out.append(
            Deadline(_("处罚决定公示"), case.publication_due, case.publication_due_provisional)
        )
    if case.status == CaseStatus.SERVED and case.payment_due and case.outstanding > 0:
        out.append(Deadline(_("缴款期限"), case.payment_due, case.payment_due_provisional))
    out.extend(Deadline(*row) for row in branch_deadlines(case))
    return sorted(out, key=lambda d: d.date)


@dataclass
class CaseRow:
    case: Case
    next_steps: list[str] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def nearest(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


def my_cases(*, user: Staff, include_closed: bool = False) -> list[CaseRow]:
    """Cases the user handles, and for heads the cases in scope waiting for them."""
    mine = Q(officers=user)
    if is_superuser(user) or user.has_role(Role.HEAD):
        mine |= Q(status__in=HEAD_STATES) | Q(needs_post_review=True)
    cases = case_list(user=user).filter(mine).distinct()
    if not include_closed:
        cases = cases.exclude(status__in=FINAL)
    rows = []
    for case in cases.prefetch_related("branches").order_by("-created_at")[:200]:
        rows.append(
            CaseRow(
                case,
                [str(t.label) for t in steps_for(user, case)],
                case_deadlines(case),
            )
        )
    return rows


def post_review_alerts(*, user: Staff) -> QuerySet[Case]:
    """SH-SCOPE-1: emergency measures executed first, waiting for their review (dashboards)."""
    return case_list(user=user).filter(needs_post_review=True).order_by("post_review_due")


def case_documents(case: Case) -> list[Document]:
    return list(
        Document.objects.filter(subject_type=object_type_of(case), subject_id=str(case.pk))
        .select_related("number")
        .order_by("issued_at", "pk")
    )


def case_timeline(case: Case) -> QuerySet[LedgerEntry]:
    """Every ledger event of the case and of the records that belong to it, oldest first."""
    refs = [(object_type_of(case), [case.pk])]
    for related in (
        case.proposals,
        case.clearances,
        case.acts,
        case.statements,
        case.services,
        case.payments,
    ):
        refs.append((related.model._meta.label_lower, list(related.values_list("pk", flat=True))))
    refs.append(("documents.document", [d.pk for d in case_documents(case)]))
    query = Q(pk__in=[])
    for object_type, ids in refs:
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return LedgerEntry.objects.filter(query).order_by("seq")


def decisions_to_publish(*, until: datetime.date | None = None) -> QuerySet[Case]:
    """The publicity app's hand-off (GS-POST-1): issued penalty decisions with their
    ``publication_due`` (7 working days), oldest deadline first. Not cut by user: the
    publication pipeline decides, and redacts, what the public sees."""
    cases = Case.objects.filter(decision_document__isnull=False, publication_due__isnull=False)
    if until is not None:
        cases = cases.filter(publication_due__lte=until)
    return cases.select_related("agency", "mine", "person", "decision_document").order_by(
        "publication_due", "pk"
    )
