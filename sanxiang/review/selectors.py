"""Reads of the legal review, cut to what the user may see (the case's agency and above, so a
sub-bureau never sees a sibling's reviews and a superior sees its subordinates'): the reviewer's
queue with due dates, what the case side must act on, post-review items, alerts, the dashboard
panels and the supervision statistics (SH-ORG-3, SH-RESP-2)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases import gate
from sanxiang.cases import selectors as case_selectors
from sanxiang.cases.models import Case, EmergencyMeasure, Proposal, ProposalKind, ProposalStatus
from sanxiang.cases.steps import case_checklists
from sanxiang.core.permissions import is_superuser
from sanxiang.core.workdays import working_days_between
from sanxiang.ledger.models import LedgerEntry
from sanxiang.org.models import Agency, Staff
from sanxiang.org.roles import ORG_ADMIN_ROLES, Role
from sanxiang.org.selectors import ReviewerStaffing, agency_list, staffing_by_agency

from . import rules
from .models import (
    OVERDUE_KINDS,
    ChecklistItem,
    CollectiveOutcome,
    Opinion,
    OpinionKind,
    Review,
    ReviewAlert,
)
from .workflow import OPEN, WITH_CASE_SIDE, WITH_REVIEW_OFFICE, ReviewStatus

OFFICE_STATES = frozenset(
    {ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.COLLECTIVE_PROCEED}
)


def review_list(
    *, user: Staff, q: str = "", status: str = "", agency_id: int | None = None
) -> QuerySet[Review]:
    reviews = Review.objects.restrict(user).select_related(
        "case", "case__agency", "case__mine", "case__person", "reviewing_agency", "reviewer"
    )
    if q:
        reviews = reviews.filter(
            Q(case__cause__icontains=q)
            | Q(case__mine__name__icontains=q)
            | Q(case__person__name__icontains=q)
        )
    if status:
        reviews = reviews.filter(status=status)
    if agency_id:
        reviews = reviews.filter(Q(case__agency_id=agency_id) | Q(reviewing_agency_id=agency_id))
    return reviews


def review_get(*, user: Staff, pk: int) -> Review:
    return review_list(user=user).get(pk=pk)


def review_reviewing_case(subject_id: str, user: Staff) -> int | None:
    """SH-CONT-1, SH-CONT-2: the review of case ``subject_id`` whose current round ``user`` is
    assigned to review, while the review office holds the file (submitted or in review); else
    None. The evidence app asks it who may view and play the case's recordings besides the case
    team (ADR 0021): the round's opinion, a return for completion or a withdrawal ends it."""
    if not str(subject_id).isdigit() or not user.has_role(Role.LEGAL_REVIEWER):
        return None
    return (
        Review.objects.filter(
            case_id=int(subject_id),
            reviewer_id=user.pk,
            reviewing_agency_id=user.agency_id,
            status__in=WITH_REVIEW_OFFICE,
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


@dataclass
class Due:
    label: str
    date: datetime.date
    provisional: bool = False

    @property
    def overdue(self) -> bool:
        return self.date < timezone.localdate()

    @property
    def working_days_left(self) -> int:
        return working_days_between(timezone.localdate(), self.date)


def review_due(review: Review) -> Due | None:
    if review.status != ReviewStatus.IN_REVIEW or review.due_on is None:
        return None
    return Due(_("审核期限"), review.due_on, review.due_provisional)


@dataclass
class QueueRow:
    review: Review
    due: Due | None
    conflict: list[str] = field(default_factory=list)


def review_queue(*, user: Staff) -> list[QueueRow]:
    """SH-ORG-1: what the user's review office holds — submitted, in review, or waiting to
    register a collective decision — assigned to him or to nobody yet; cases he handled are
    left out (he may not review them). Soonest due first."""
    if not user.has_role(Role.LEGAL_REVIEWER) or user.agency_id is None:
        return []
    reviews = review_list(user=user).filter(
        reviewing_agency_id=user.agency_id, status__in=OFFICE_STATES
    )
    reviews = reviews.filter(Q(reviewer=user) | Q(reviewer__isnull=True))
    rows = [
        QueueRow(review, review_due(review))
        for review in reviews
        if not rules.conflict_reasons(user, review.case)
    ]
    far = datetime.date.max
    return sorted(rows, key=lambda r: (r.due.date if r.due else far, r.review.pk))


def case_side_reviews(*, user: Staff) -> QuerySet[Review]:
    """Open reviews of the cases the user handles (heads: of the cases in scope) — the ones
    waiting for the case side first."""
    reviews = review_list(user=user).filter(status__in=OPEN)
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        reviews = reviews.filter(case__officers=user).distinct()
    return reviews


@dataclass
class ReviewRound:
    """One round (送审) of a review as the case page lists it: when it was submitted, what
    came of it, and the review's due date for that round (SH-RESP-2)."""

    number: int
    submitted_at: datetime.datetime
    outcome: str
    due_on: datetime.date | None = None
    due_provisional: bool = False
    overdue: bool = False


@dataclass
class CaseReview:
    review: Review
    rounds: list[ReviewRound]


def case_reviews(*, user: Staff, case: Case) -> list[CaseReview]:
    """The legal reviews of ``case`` the user may see (``review_list``'s scope), oldest first,
    each with its rounds, newest round first."""
    reviews = (
        review_list(user=user)
        .filter(case=case)
        .prefetch_related("submissions", "opinions")
        .order_by("created_at", "pk")
    )
    today = timezone.localdate()
    out = []
    for review in reviews:
        opinions = {o.submission_id: o for o in review.opinions.all()}
        rounds = []
        for submission in sorted(review.submissions.all(), key=lambda s: -s.round):
            opinion = opinions.get(submission.pk)
            if opinion is not None:
                row = ReviewRound(
                    submission.round,
                    submission.declared_at,
                    _("审核意见：%(kind)s") % {"kind": opinion.get_kind_display()},
                    opinion.due_on,
                    overdue=opinion.overdue,
                )
            elif submission.round == review.round:
                running = review.status == ReviewStatus.IN_REVIEW and review.due_on is not None
                row = ReviewRound(
                    submission.round,
                    submission.declared_at,
                    review.get_status_display(),
                    review.due_on if running else None,
                    review.due_provisional if running else False,
                    running and review.due_on < today,
                )
            else:  # returned as incomplete, or superseded by a changed proposal
                row = ReviewRound(submission.round, submission.declared_at, _("未提出审核意见"))
            rounds.append(row)
        out.append(CaseReview(review, rounds))
    return out


@dataclass
class Submittable:
    case: Case
    proposal: Proposal
    matches: list


def submittable(*, user: Staff) -> list[Submittable]:
    """SH-SCOPE-1: major decisions of the user's cases that still need a review and have no open
    one: pending proposals, and emergency measures executed first without their review."""
    cases = case_selectors.case_list(user=user)
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        cases = cases.filter(officers=user)
    proposals = (
        Proposal.objects.filter(case__in=cases.values("pk"), major=True)
        .filter(
            Q(status=ProposalStatus.PENDING)
            | Q(status=ProposalStatus.DECIDED, kind=ProposalKind.EMERGENCY_MEASURE)
        )
        .select_related("case", "case__agency", "case__mine", "case__person")
        .order_by("case_id", "pk")
    )
    open_reviews = Review.objects.filter(case__in=cases.values("pk"), status__in=OPEN)
    busy_kinds = set(open_reviews.values_list("case_id", "kind"))
    busy_proposals = set(open_reviews.values_list("submissions__proposal_id", flat=True))
    out = []
    for proposal in proposals:
        post = proposal.kind == ProposalKind.EMERGENCY_MEASURE
        if post and proposal.pk in busy_proposals:
            continue
        if not post and (proposal.case_id, proposal.kind) in busy_kinds:
            continue
        matches = gate.major_matches(proposal)
        if matches and gate.passed_clearance(proposal, post_review=post) is None:
            out.append(Submittable(proposal.case, proposal, matches))
    return out


def reviews_under_way(cases: list[Case]) -> tuple[set[int], dict[int, int]]:
    """Among ``cases``: those whose open review is with the review office, and those whose open
    review waits for the case side (case → review)."""
    office, case_side = set(), {}
    open_reviews = Review.objects.filter(case__in=[c.pk for c in cases], status__in=OPEN)
    for case_id, review_id, status in open_reviews.values_list("case_id", "pk", "status"):
        if status in WITH_CASE_SIDE:
            case_side[case_id] = review_id
        else:
            office.add(case_id)
    return office, case_side


@dataclass
class PostReviewItem:
    case: Case
    proposal: Proposal
    due: Due
    review: Review | None

    @property
    def measure_label(self) -> str:
        """The emergency measure taken, in words (the proposal stores its code)."""
        code = (self.proposal.content or {}).get("measure", "")
        return str(EmergencyMeasure(code).label) if code in EmergencyMeasure.values else code


def post_review_items(*, user: Staff) -> list[PostReviewItem]:
    """SH-SCOPE-1: emergency measures executed first, each a review item with its own deadline
    (5 working days from the measure) until its review afterwards has passed."""
    out = []
    for case in case_selectors.post_review_alerts(user=user):
        for proposal in gate.post_review_pending(case):
            review = (
                Review.objects.filter(submissions__proposal=proposal, status__in=OPEN)
                .order_by("-pk")
                .first()
            )
            out.append(
                PostReviewItem(
                    case,
                    proposal,
                    Due(_("事后法制审核"), case.post_review_due, case.post_review_due_provisional),
                    review,
                )
            )
    return out


def alert_list(*, user: Staff, open_only: bool = True) -> QuerySet[ReviewAlert]:
    """Reviewers see their office's reminders; heads (and the superior) all alerts in scope."""
    alerts = ReviewAlert.objects.restrict(user).select_related("case", "review", "agency")
    if open_only:
        alerts = alerts.filter(resolved_at__isnull=True)
    if not (is_superuser(user) or user.has_role(Role.HEAD)):
        if user.has_role(Role.LEGAL_REVIEWER):
            alerts = alerts.filter(agency_id=user.agency_id)
        else:
            alerts = alerts.filter(case__officers=user).distinct()
    return alerts.order_by("due_on", "pk")


def awaiting_collective(*, user: Staff) -> QuerySet[Review]:
    """Contested opinions waiting for the heads' collective decision (SH-RESP-3)."""
    if not user.has_role(Role.HEAD):
        return Review.objects.none()
    return review_list(user=user).filter(status=ReviewStatus.CONTESTED)


def dashboard(*, user: Staff) -> dict:
    """The home page's review panels, per role."""
    is_head = user.has_role(Role.HEAD)
    is_reviewer = user.has_role(Role.LEGAL_REVIEWER)
    is_officer = user.has_role(Role.OFFICER)
    if not (is_head or is_reviewer or is_officer):
        return {}
    alerts = list(alert_list(user=user)[:20]) if (is_head or is_reviewer) else []
    queue = review_queue(user=user) if is_reviewer else []
    return {
        "queue": queue[:10],
        "queue_count": len(queue),
        "alerts": alerts,
        "escalations": [a for a in alerts if a.kind in OVERDUE_KINDS] if is_head else [],
        "reminders": [a for a in alerts if a.kind not in OVERDUE_KINDS],
        "contested": list(awaiting_collective(user=user)[:10]),
        "returned": list(case_side_reviews(user=user).filter(status__in=WITH_CASE_SIDE)[:10])
        if (is_officer or is_head)
        else [],
        "to_submit": len(submittable(user=user)) if is_officer else 0,
        "post_review": post_review_items(user=user)[:10],
    }


# --- the reviewer's aids (not binding: the reviewer answers every point himself) ----------------


def checklist_hints(review: Review) -> dict[str, list[str]]:
    """What the system already knows about some review points (SH-CONT-1 (2), (3), (5), (7))."""
    case = review.case
    submission = review.current_submission
    today = timezone.localdate()
    hints: dict[str, list[str]] = {item.value: [] for item in ChecklistItem}
    hints[ChecklistItem.SUBJECT].append(_("办案机构：%(a)s") % {"a": case.agency})
    for officer in case.officers.prefetch_related("certificates"):
        certificates = list(officer.certificates.all())
        if not certificates:
            hints[ChecklistItem.CERTIFICATES].append(_("%(n)s：未登记执法证") % {"n": officer})
        for certificate in certificates:
            hints[ChecklistItem.CERTIFICATES].append(
                _("%(n)s：执法证 %(c)s，今日%(v)s")
                % {"n": officer, "c": certificate.number, "v": certificate.validity_on(today).label}
            )
    if case.notified_at:
        hints[ChecklistItem.PROCEDURE].append(
            _("已于%(d)s告知当事人%(w)s")
            % {
                "d": timezone.localdate(case.notified_at),
                "w": _("，当事人书面放弃陈述申辩和听证") if case.rights_waived else "",
            }
        )
    if case.hearing_held_on:
        hints[ChecklistItem.PROCEDURE].append(_("已于%(d)s举行听证") % {"d": case.hearing_held_on})
    content = submission.proposal_content if submission else {}
    for label in content.get("basis_in_force", []):
        hints[ChecklistItem.LAW_DISCRETION].append(_("施行中的依据：%(l)s") % {"l": label})
    for checklist in case_checklists(case):
        for item in checklist.missing:
            hints[ChecklistItem.DOCUMENTS].append(
                _("“%(s)s”环节缺少《%(n)s》") % {"s": checklist.label, "n": item.name}
            )
    if not hints[ChecklistItem.DOCUMENTS]:
        hints[ChecklistItem.DOCUMENTS].append(
            _("已到达环节的必备文书齐全（《实施办法》四（一）3）")
        )
    return hints


def review_history(review: Review) -> QuerySet[LedgerEntry]:
    """Every ledger event of the review and of its records, oldest first (SH-RESP-5)."""
    refs = [("review.review", [review.pk])]
    for related in (
        review.submissions,
        review.opinions,
        review.extensions,
        review.contests,
        review.arguments,
        review.collective_decisions,
    ):
        refs.append((related.model._meta.label_lower, list(related.values_list("pk", flat=True))))
    answers = [a for s in review.submissions.all() for a in s.answers.values_list("pk", flat=True)]
    inquiries = [
        i for s in review.submissions.all() for i in s.inquiries.values_list("pk", flat=True)
    ]
    refs += [("review.checklistanswer", answers), ("review.inquiry", inquiries)]
    query = Q(pk__in=[])
    for object_type, ids in refs:
        if ids:
            query |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return LedgerEntry.objects.filter(query).order_by("seq")


# --- supervision (SH-ORG-3, SH-RESP-2, 统计) -------------------------------------------------------


def may_see_statistics(user: Staff) -> bool:
    """Heads, the review office and system administrators supervise (the superior agency sees
    its subordinates through the scope of the querysets)."""
    return is_superuser(user) or user.has_role(Role.HEAD, Role.LEGAL_REVIEWER, *ORG_ADMIN_ROLES)


def _average(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class AgencyStatistics:
    agency: Agency | None
    reviews: int = 0
    by_superior: int = 0
    open_now: int = 0
    overdue_now: int = 0
    opinions: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    share_by_kind: dict[str, Decimal | None] = field(default_factory=dict)
    first_round_pass: Decimal | None = None
    average_days: Decimal | None = None
    overdue_opinions: int = 0
    average_overdue_days: Decimal | None = None
    rounds_per_review: Decimal | None = None
    extensions: int = 0
    contests: int = 0
    collective: int = 0
    collective_proceed: int = 0
    staffing: ReviewerStaffing | None = None

    @property
    def kind_rows(self) -> list[tuple[str, int, Decimal | None]]:
        return [
            (str(label), self.by_kind.get(value, 0), self.share_by_kind.get(value))
            for value, label in OpinionKind.choices
        ]


def _statistics_for(
    agency: Agency | None, reviews: list[Review], opinions: list[Opinion], today: datetime.date
) -> AgencyStatistics:
    stats = AgencyStatistics(agency)
    stats.reviews = len(reviews)
    stats.by_superior = sum(1 for r in reviews if r.reviewing_agency_id != r.case.agency_id)
    open_reviews = [r for r in reviews if r.status in OPEN]
    stats.open_now = len(open_reviews)
    stats.overdue_now = sum(
        1
        for r in open_reviews
        if r.status == ReviewStatus.IN_REVIEW and r.due_on and r.due_on < today
    )
    stats.opinions = len(opinions)
    counts = Counter(o.kind for o in opinions)
    stats.by_kind = {kind: counts.get(kind, 0) for kind in OpinionKind.values}
    stats.share_by_kind = {kind: _share(n, stats.opinions) for kind, n in stats.by_kind.items()}
    first = [o for o in opinions if o.submission.round == 1]
    stats.first_round_pass = _share(sum(1 for o in first if o.approves), len(first))
    stats.average_days = _average([o.working_days for o in opinions])
    late = [o for o in opinions if o.overdue]
    stats.overdue_opinions = len(late)
    stats.average_overdue_days = _average(
        [working_days_between(o.due_on, o.issued_on) for o in late]
    )
    stats.rounds_per_review = _average([r.round for r in reviews])
    stats.extensions = sum(r.extensions.count() for r in reviews)
    stats.contests = sum(r.contests.count() for r in reviews)
    decisions = [d for r in reviews for d in r.collective_decisions.all()]
    stats.collective = len(decisions)
    stats.collective_proceed = sum(1 for d in decisions if d.outcome == CollectiveOutcome.PROCEED)
    return stats


def review_statistics(*, user: Staff, year: int) -> list[AgencyStatistics]:
    """Per deciding agency in the user's scope, for reviews first submitted in ``year`` (and
    opinions issued that year): volume, opinions by kind and their share, first-round pass
    rate, average working days from complete materials to opinion, overdue opinions and by how
    many working days, rounds per review, extensions, contests and collective decisions, and
    the reviewer staffing (SH-ORG-3). The last row is the total."""
    today = timezone.localdate()
    reviews = list(
        review_list(user=user)
        .filter(created_at__year=year)
        .prefetch_related("extensions", "contests", "collective_decisions")
    )
    opinions = list(
        Opinion.objects.restrict(user)
        .filter(issued_on__year=year)
        .select_related("submission", "review__case")
    )
    staffing = dict(staffing_by_agency(user=user))
    rows = []
    for agency in agency_list(user=user).filter(is_active=True):
        mine = [r for r in reviews if r.case.agency_id == agency.pk]
        own_opinions = [o for o in opinions if o.review.case.agency_id == agency.pk]
        row = _statistics_for(agency, mine, own_opinions, today)
        row.staffing = staffing.get(agency)
        rows.append(row)
    total = _statistics_for(None, reviews, opinions, today)
    rows.append(total)
    return rows


def annual_report_data(*, user: Staff, agency: Agency, year: int) -> dict:
    """What the annual report (行政执法统计年报, GS-POST-3) takes from legal review for ``agency``
    and its subordinates: reviews, opinions by kind, overdue, and reviewer staffing (SH-ORG-3)."""
    rows = {
        row.agency.pk: row
        for row in review_statistics(user=user, year=year)
        if row.agency is not None and row.agency.path.startswith(agency.path)
    }
    own = rows.get(agency.pk)
    staffing = own.staffing if own else None
    subtree = list(rows.values())
    return {
        "year": year,
        "agency": agency.name,
        "reviews": sum(r.reviews for r in subtree),
        "opinions": {k: sum(r.by_kind.get(k, 0) for r in subtree) for k in OpinionKind.values},
        "overdue_opinions": sum(r.overdue_opinions for r in subtree),
        "collective_decisions": sum(r.collective for r in subtree),
        "legal_reviewers": staffing.reviewers if staffing else 0,
        "officers": staffing.officers if staffing else 0,
        "reviewer_share_compliant": staffing.compliant if staffing else True,
    }
