"""Pages for the procedure branches of a case (ADR 0205): a form per kind to start one from the
case page, the branch page (state, limit, documents, next steps) and a form per later row.

The head's rows (查封, 延长, 解除, 处理决定, 批准 …) are on the step-up list: the service's ledger
event raises ``StepUpRequired`` without a fresh second factor and the middleware sends the page
to the step-up form, as for the other head approvals; the pages also ask up front."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404
from sanxiang.core.stepup import STEP_UP_ACTIONS, require_step_up
from sanxiang.documents.models import Document

from . import branches, selectors
from .branch_workflow import START, BranchKind, branch_transition
from .forms_branches import START_FORMS, STEP_FORMS, RecusalForm, StepForm
from .item_lists import items_text

SECTION = "cases"

# What each later row's button says it does (the row's own label where it is already a verb).
BUTTONS = {
    "report_record": _l("报所属机关备案"),
    "handle": _l("作出处理决定"),
    "extend": _l("批准延长期限"),
    "release": _l("解除查封（扣押）"),
    "grant": _l("批准"),
    "refuse": _l("不予批准"),
    "decide": _l("作出回避决定"),
}
# The rows decided on one page by the button pressed (批准 / 不予批准).
PAIRED = {"grant": "refuse", "refuse": "grant"}


def _needs_step_up(kind: str, action: str) -> bool:
    return f"case.branch_{kind}_{action}" in STEP_UP_ACTIONS


def _branch(request, pk: int, branch_id: int):
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    branch = case.branches.filter(pk=branch_id).first()
    if branch is None:
        raise Http404
    return case, branch


def _documents(branch) -> list[Document]:
    numbers = branch.details.get("documents") or [
        n for n in (branch.details.get("first_number"),) if n
    ]
    found = {
        d.number.text: d
        for d in Document.objects.filter(number__text__in=numbers).select_related("number")
    }
    return [found[n] for n in numbers if n in found]


@login_required
def branch_start(request, pk: int, kind: str):
    """Start a branch of ``kind`` on the case: the kind's own form; nothing written on an error."""
    case = get_or_404(selectors.case_get, user=request.user, pk=pk)
    if kind not in BranchKind.values:
        raise Http404
    row = branch_transition(kind, START, branches._first_action(kind))
    if _needs_step_up(kind, row.action):
        require_step_up(request)
    form_class = START_FORMS[kind]
    kwargs = {"case": case} if form_class is RecusalForm else {}
    form = form_class(request.POST or None, **kwargs)
    back = reverse("cases:detail", args=[case.pk])

    def call(data):
        return branches.branch_start(actor=request.user, case=case, kind=kind, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda branch: reverse("cases:branch", args=[case.pk, branch.pk]),
        success_message=_("已办理：%(step)s。") % {"step": row.label},
        title=f"{BranchKind(kind).label}：{case.cause}",
        cancel_url=back,
        section=SECTION,
        template="cases/branch_form.html",
        submit_label=str(row.label),
        extra={"requires": row.requires},
    )


@login_required
def branch_detail(request, pk: int, branch_id: int):
    case, branch = _branch(request, pk, branch_id)
    rows = branches.next_rows(request.user, branch)
    steps = []
    seen = set()
    for row in rows:
        if row.action in seen:
            continue
        seen.add(row.action)
        seen.add(PAIRED.get(row.action, ""))
        label = BUTTONS.get(row.action, row.label)
        if row.action in PAIRED:
            label = _("批准或不予批准")
        steps.append({"action": row.action, "label": label, "requires": row.requires})
    items = branch.details.get("items") or []
    return render(
        request,
        "cases/branch_detail.html",
        {
            "section": SECTION,
            "case": case,
            "branch": branch,
            "steps": steps,
            "items": items,
            "items_text": items_text(items) if items else "",
            "documents": _documents(branch),
            "details": _details(branch),
        },
    )


def _details(branch) -> list[tuple[str, str]]:
    """What the branch recorded, in words (never the stored keys)."""
    d = branch.details
    out = []
    if d.get("penalty_kind"):
        out.append(
            (_("处罚"), _("罚款 %(a)s 元") % {"a": d["amount"]} if d["amount"] else _("警告"))
        )
    if d.get("basis"):
        out.append((_("法律依据"), d["basis"]))
    if d.get("review_reference"):
        out.append((_("法制审核意见书文号"), d["review_reference"]))
    if d.get("officer_name"):
        out.append((_("申请回避的执法人员"), d["officer_name"]))
    if "granted" in d:
        out.append((_("回避决定"), _("回避") if d["granted"] else _("不予回避")))
    return out


@login_required
def branch_step(request, pk: int, branch_id: int, action: str):
    """A later row of the branch as a form page; the button says what the row does."""
    case, branch = _branch(request, pk, branch_id)
    row = branch_transition(branch.kind, branch.status, action)
    if row is None:
        raise Http404
    if _needs_step_up(branch.kind, action):
        require_step_up(request)
    form = STEP_FORMS.get(action, StepForm)(request.POST or None)
    back = reverse("cases:branch", args=[case.pk, branch.pk])
    buttons = None
    if action in PAIRED:
        buttons = [
            ("decision", "grant", str(BUTTONS["grant"]), "primary"),
            ("decision", "refuse", str(BUTTONS["refuse"]), "secondary"),
        ]

    def call(data):
        chosen = action
        if action in PAIRED and request.POST.get("decision") in PAIRED:
            chosen = request.POST["decision"]
        data = {k: v for k, v in data.items() if v is not None}
        return branches.branch_step(actor=request.user, branch=branch, action=chosen, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda result: back,
        success_message=_("已办理：%(step)s。") % {"step": row.label},
        title=f"{row.label}：{case.cause}",
        cancel_url=back,
        section=SECTION,
        template="cases/branch_form.html",
        submit_label=None if buttons else str(BUTTONS.get(action, row.label)),
        buttons=buttons,
        extra={"requires": row.requires, "branch": branch},
    )
