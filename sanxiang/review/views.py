"""Pages of the legal review: the queue with due dates, the review page (rounds, checklist,
opinions, disagreement, history, action buttons), one form page per step, submission from a
case's proposal, the opinion PDFs, and the supervision statistics. Every page works without
JavaScript; HTMX only loads a step's form into the review page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.cases.models import Proposal
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.documents.models import Document
from sanxiang.documents.views import serve as serve_document
from sanxiang.evidence import selectors as evidence_selectors
from sanxiang.ledger.services import object_type_of
from sanxiang.org.roles import Role

from . import selectors, services
from .documents import proposal_lines
from .forms import STEPS, SubmitForm, steps_for
from .models import ChecklistItem
from .workflow import ReviewStatus

SECTION = "review"


@login_required
def home(request):
    user = request.user
    return render(
        request,
        "review/home.html",
        {
            "section": SECTION,
            "tab": "home",
            "queue": selectors.review_queue(user=user),
            "is_reviewer": user.has_role(Role.LEGAL_REVIEWER),
            "to_submit": selectors.submittable(user=user),
            "mine": selectors.case_side_reviews(user=user)[:50]
            if user.has_role(Role.OFFICER, Role.HEAD)
            else [],
            "post_review": selectors.post_review_items(user=user),
            "alerts": selectors.alert_list(user=user)[:30],
            "contested": selectors.awaiting_collective(user=user),
            "may_see_statistics": selectors.may_see_statistics(user),
        },
    )


@login_required
def review_list(request):
    q, status = clean_text(request, "q"), clean_text(request, "status", 30)
    context = paginate(request, selectors.review_list(user=request.user, q=q, status=status))
    context.update(
        section=SECTION,
        tab="all",
        q=q,
        status=status,
        statuses=ReviewStatus.choices,
        may_see_statistics=selectors.may_see_statistics(request.user),
    )
    return render(request, "review/list.html", context)


@login_required
def review_submit(request, proposal_pk: int):
    """The case side sends a proposed major decision to the review office (SH-CONT-2)."""
    proposal = get_or_404(
        lambda pk: Proposal.objects.restrict(request.user).select_related("case").get(pk=pk),
        pk=proposal_pk,
    )
    case = proposal.case
    form = SubmitForm(request.POST or None, case=case)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.review_submit(
            actor=request.user, case=case, proposal=proposal, **data
        ),
        success_url=lambda review: reverse("review:detail", args=[review.pk]),
        success_message=_("已送法制审核。"),
        title=_("送法制审核：%(case)s") % {"case": case.cause},
        cancel_url=reverse("review:home"),
        section=SECTION,
        template="review/submit_form.html",
        extra={
            "case": case,
            "proposal": proposal,
            "proposal_lines": proposal_lines(proposal.kind, proposal.content),
            "materials": services.materials_of(case),
            "case_report": services.latest_case_report(case),
        },
    )


def _documents(review):
    """The review's own documents (opinions and collective records), newest last."""
    numbers = [o.document_id for o in review.opinions.all()] + [
        d.document_id for d in review.collective_decisions.all()
    ]
    return Document.objects.filter(pk__in=numbers).select_related("number").order_by("pk")


@login_required
def review_detail(request, pk: int):
    review = get_or_404(selectors.review_get, user=request.user, pk=pk)
    user = request.user
    submissions = list(
        review.submissions.select_related("declared_by", "case_report__number", "proposal")
        .prefetch_related("answers", "inquiries")
        .order_by("-round")
    )
    for submission in submissions:
        answers = {a.item: a for a in submission.answers.all()}
        submission.checklist = [(item, answers.get(item.value)) for item in ChecklistItem]
        submission.lines = proposal_lines(review.kind, submission.proposal_content)
        submission.materials_shown = evidence_selectors.manifest_shown(user, submission.materials)
        submission.opinion_obj = review.opinions.filter(submission=submission).first()
    actions = steps_for(user, review)
    return render(
        request,
        "review/detail.html",
        {
            "section": SECTION,
            "review": review,
            "case": review.case,
            "due": selectors.review_due(review),
            "submissions": submissions,
            "current": review.current_submission,
            "actions": [(a, STEPS[a]) for a in actions],
            "extensions": review.extensions.select_related("approved_by"),
            "contests": review.contests.select_related("raised_by", "opinion__document__number"),
            "arguments": review.arguments.select_related("adviser", "recorded_by"),
            "decisions": review.collective_decisions.select_related(
                "document__number", "recorded_by"
            ).prefetch_related("participants"),
            "documents": _documents(review),
            "stale": review.status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW)
            and services.is_stale(review.current_submission),
            "history": selectors.review_history(review),
            "may_see_statistics": selectors.may_see_statistics(user),
        },
    )


@login_required
def review_step(request, pk: int, action: str):
    """One step as a form; the service decides whether it may happen."""
    review = get_or_404(selectors.review_get, user=request.user, pk=pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    form = step.form(request.POST or None, review, request.user)
    extra = {"review": review, "case": review.case, "due": selectors.review_due(review)}
    template = "review/step_form.html"
    if action == "checklist":
        template = "review/checklist_form.html"
        extra["hints"] = selectors.checklist_hints(review)
    if action in ("collective", "contest", "register", "argument", "resubmit"):
        extra["opinion"] = review.opinions.order_by("-pk").first()
    if action in ("collective", "argument", "register"):
        extra["contest"] = review.contests.order_by("-pk").first()
        extra["arguments"] = review.arguments.all()
    return service_form_page(
        request,
        form=form,
        call=lambda data: step.call(request.user, review, data, form),
        success_url=lambda result: reverse("review:detail", args=[review.pk]),
        success_message=_("已办理：%(step)s。") % {"step": step.label},
        title=f"{step.label}：{review.case.cause}",
        cancel_url=reverse("review:detail", args=[review.pk]),
        section=SECTION,
        template=template,
        extra=extra,
        submit_label=str(step.label),
    )


@login_required
def document_pdf(request, pk: int, document_pk: int):
    """An opinion or collective record of a review the user may see (even when the review office
    is a superior agency's), opened on a ground and logged like every document (ADR 0123)."""
    review = get_or_404(selectors.review_get, user=request.user, pk=pk)
    document = (
        _documents(review).filter(pk=document_pk).first()
        or Document.objects.filter(
            pk=document_pk,
            subject_type=object_type_of(review.case),
            subject_id=str(review.case_id),
            type_code__in=services.OWN_DOCUMENTS,
        ).first()
    )
    if document is None:
        raise Http404
    return serve_document(request, document)


@login_required
def statistics(request):
    """Supervision (SH-ORG-3, SH-RESP-2): per agency in scope — heads, the review office and the
    superior agency see it."""
    if not selectors.may_see_statistics(request.user):
        raise PermissionDenied(_("只有负责人、法制审核人员和系统管理员可以查看法制审核统计。"))
    this_year = timezone.localdate().year
    year = clean_int(request, "year") or this_year
    if not 2000 <= year <= this_year + 1:
        year = this_year
    rows = selectors.review_statistics(user=request.user, year=year)
    return render(
        request,
        "review/statistics.html",
        {
            "section": SECTION,
            "tab": "statistics",
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
            "rows": rows[:-1],
            "total": rows[-1],
            "may_see_statistics": True,
        },
    )
