"""Pages for cases: my cases with next steps and deadlines, the case page (checklist, documents,
timeline, action buttons from the transition table), one form page per step."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from sanxiang.core.forms import ConfidentialityForm
from sanxiang.core.formviews import service_form_page
from sanxiang.core.language import in_legal_language
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.documents.access import records_ground
from sanxiang.evidence import selectors as evidence_selectors
from sanxiang.evidence.models import Activity
from sanxiang.inspections import paperwork
from sanxiang.inspections import selectors as inspection_selectors
from sanxiang.org.roles import Role
from sanxiang.review import selectors as review_selectors

from . import documents as case_documents
from . import gate, recordings, selectors, services
from .branch_workflow import BranchKind
from .branches import startable_kinds
from .confidentiality import case_set_confidentiality
from .forms import HIDDEN_BUTTONS, STEPS, FileCaseForm
from .models import ProposalKind, ProposalStatus
from .selectors_appeals import after_decision
from .steps import case_checklists, steps_for
from .workflow import CaseStatus, transition_for

SECTION = "cases"


@login_required
def home(request):
    return render(
        request,
        "cases/home.html",
        {
            "section": SECTION,
            "rows": selectors.my_cases(user=request.user),
            "alerts": selectors.post_review_alerts(user=request.user)[:20],
            "tab": "home",
        },
    )


@login_required
def case_list(request):
    q, status = clean_text(request, "q"), clean_text(request, "status", 30)
    context = paginate(request, selectors.case_list(user=request.user, q=q, status=status))
    context.update(section=SECTION, q=q, status=status, statuses=CaseStatus.choices, tab="all")
    return render(request, "cases/case_list.html", context)


@login_required
def case_file(request):
    inspection_id = request.GET.get("inspection", "")
    if not inspection_id.isdigit():
        raise Http404
    inspection = get_or_404(
        inspection_selectors.inspection_get, user=request.user, pk=int(inspection_id)
    )
    with in_legal_language():  # the suggested cause is printed on the case's documents
        cause = _("%(mine)s涉嫌违法违规案") % {"mine": inspection.mine.name}
    form = FileCaseForm(
        request.POST or None,
        inspection=inspection,
        user=request.user,
        initial={
            "findings": list(inspection.findings.values_list("pk", flat=True)),
            "cause": cause,
            "officers": list(inspection.officers.values_list("pk", flat=True)),
        },
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.case_file(actor=request.user, **data),
        success_url=lambda case: reverse("cases:detail", args=[case.pk]),
        success_message=_("已提请立案，等待负责人批准。"),
        title=_("提请立案：%(i)s") % {"i": inspection},
        cancel_url=reverse("inspections:inspection_detail", args=[inspection.pk]),
        section=SECTION,
        submit_label=_("提请立案"),
    )


def _gate_status(case):
    """What the legal-review gate says about the case's pending proposals (SH-SCOPE-1)."""
    out = []
    for proposal in case.proposals.filter(status=ProposalStatus.PENDING).order_by("pk"):
        matches = gate.major_matches(proposal)
        out.append(
            {
                "proposal": proposal,
                "matches": matches,
                "cleared": gate.passed_clearance(proposal) if matches else None,
            }
        )
    return out


def _recording_gaps(case):
    """JL-AV-2: for each recorded stage the case went through, what is still not covered."""
    gaps = []
    if case.notified_at:
        missing = recordings.recording_gaps(
            case=case, stage="prior_notice", start=case.notified_at, end=case.notified_at
        )
        gaps.append((_("告知"), [str(Activity(a).label) for a in missing]))
    return gaps


@login_required
def case_detail(request, pk: int):
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    user = request.user
    steps = [t for t in steps_for(user, case) if t.action not in HIDDEN_BUTTONS]
    documents = selectors.case_documents(case)
    filing = next((d for d in documents if d.type_code == "filing_approval"), None)
    return render(
        request,
        "cases/case_detail.html",
        {
            "section": SECTION,
            "case": case,
            "number": filing.number if filing else None,
            "steps": steps,
            "deadlines": selectors.case_deadlines(case),
            "checklists": case_checklists(case, reached_only=False),
            "documents": documents,
            "gate": _gate_status(case),
            "post_review": gate.post_review_pending(case),
            "proposals": case.proposals.order_by("pk"),
            "acts": case.acts.select_related("document__number").prefetch_related("officers"),
            "statements": case.statements.all(),
            "services": case.services.select_related("receipt__number"),
            "payments": case.payments.all(),
            "clearances": case.clearances.select_related("reviewer"),
            "reviews": review_selectors.case_reviews(user=user, case=case),
            "subject_reference": f"cases.case:{case.pk}",
            "recordings": evidence_selectors.titled(
                user, evidence_selectors.recordings_for_subject(user=user, subject=case)
            ),
            "recording_gaps": _recording_gaps(case),
            "history": selectors.case_timeline(case),
            "findings": case.findings.select_related("inspection"),
            "officers": case.officers.prefetch_related("certificates"),
            "is_head": user.is_superuser or user.has_role(Role.HEAD),
            "branches": case.branches.all(),
            "startable": [(k, BranchKind(k).label) for k in startable_kinds(user, case)],
            **after_decision(user, case),
        },
    )


@login_required
def case_step(request, pk: int, action: str):
    """One step of the transition table as a form; the service decides whether it may happen."""
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    step = STEPS.get(action)
    row = transition_for(case.status, action)
    if step is None:
        raise Http404
    kwargs = {"case": case} if step.takes_case else {}
    form = step.form(request.POST or None, **kwargs)

    def call(data):
        return step.call(actor=request.user, case=case, **data)

    label = row.label if row else action
    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda result: reverse("cases:detail", args=[case.pk]),
        success_message=_("已办理：%(step)s。") % {"step": label},
        title=f"{label}：{case.cause}",
        cancel_url=reverse("cases:detail", args=[case.pk]),
        section=SECTION,
        template="cases/step_form.html",
        submit_label=str(label),
        extra={
            "preview_url": reverse("cases:decision_preview", args=[case.pk]),
            "preview_pdf_url": reverse("cases:decision_preview_pdf", args=[case.pk]),
        }
        if action == "decide"
        else None,
    )


@login_required
@xframe_options_sameorigin
# Shown in the step page's frame; the document's own print stylesheet is inline (ADR 0077).
@csp_replace({"frame-ancestors": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]})
@require_GET
def decision_preview(request, pk: int, as_pdf: bool = False):
    """The penalty decision as it would be issued, for the head to read before 作出决定: as HTML
    in the step's page (no PDF plug-in between him and the text), or as the PDF itself."""
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    proposal = gate.pending_proposal(case, ProposalKind.PENALTY)
    if proposal is None:
        raise Http404
    # The text of a decision is read on a ground, like the documents of the case (ADR 0123).
    if not records_ground(request.user, "cases.case", str(case.pk), case.agency):
        raise PermissionDenied
    document = paperwork.preview_document(
        agency=case.agency,
        type_code="penalty_decision",
        content=case_documents.penalty_decision(case, proposal),
        as_html=not as_pdf,
    )
    if as_pdf:
        response = HttpResponse(document, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            False, f"{_('行政处罚决定书')}（{_('预览')}）.pdf"
        )
    else:
        response = HttpResponse(document)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_confidentiality(request, pk: int):
    """JL-ARC-2: the head changes the case's confidentiality level, with a reason (ADR 0128)."""
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    back = reverse("cases:detail", args=[case.pk])
    return service_form_page(
        request,
        form=ConfidentialityForm(request.POST or None, initial={"level": case.confidentiality}),
        call=lambda data: case_set_confidentiality(actor=request.user, case=case, **data),
        success_url=lambda _case: back,
        success_message=_("已变更密级。"),
        title=_("变更密级：%(c)s") % {"c": case},
        cancel_url=back,
        section=SECTION,
        submit_label=_("变更密级"),
    )
