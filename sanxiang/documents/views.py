"""Pages for reading documents and borrowing them (借阅): the PDF behind its ground, the request
form (the document picked from a list, pre-filled from its link), the approvers' list."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.readable import may_read

from . import borrowing, paper, reading, selectors
from .forms import (
    PICKER_LIMIT,
    BorrowDecisionForm,
    BorrowRequestForm,
    PaperAttachForm,
    SignatureVerifyForm,
)
from .models import BorrowScope, Document

SECTION = "borrow"


def serve(request, document: Document) -> HttpResponse:
    """The PDF of ``document`` to whoever has a ground (logged with it); a refusal is logged too
    and answered with the way to borrow it — or, to whoever may not even see that the document
    exists, exactly as a missing one."""
    mode = reading.DOWNLOAD if request.GET.get("download") == "1" else reading.VIEW
    result = reading.document_read(actor=request.user, document=document, mode=mode)
    if not result.allowed:
        if not may_read(request.user, "documents.document", str(document.pk)):
            raise Http404
        response = render(
            request,
            "documents/refused.html",
            {"document": document, "reason": result.grant.reason, "grant": result.grant},
            status=403,
        )
        response["Cache-Control"] = "no-store"
        return response
    return reading.pdf_response(document, result, download=mode == reading.DOWNLOAD)


@login_required
@require_GET
def document_pdf(request, pk: int):
    document = get_or_404(lambda **kw: Document.objects.select_related("number").get(**kw), pk=pk)
    return serve(request, document)


@login_required
def signature_verify(request):
    """Staff page: upload a PDF, see each seal or signature checked offline against the
    agency CA and its CRL (valid, by whom, when, not revoked) and whether the ledger recorded
    the file (ADR 0200). The document's number is shown only to whoever may read it."""
    from .signing import ledger_finds, verify_pdf

    form = SignatureVerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form, "report": None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["pdf"]
        document = ledger_finds(data)
        context.update(
            report=verify_pdf(data),
            in_ledger=document is not None,
            document=(
                document
                if document is not None
                and may_read(request.user, "documents.document", str(document.pk))
                else None
            ),
        )
    return render(request, "documents/signature_verify.html", context)


@login_required
def borrow_list(request):
    context = paginate(request, selectors.borrow_list(user=request.user))
    context.update(
        section=SECTION,
        pending_requests=selectors.borrow_pending_for(user=request.user),
        now=timezone.now(),
    )
    return render(request, "documents/borrow_list.html", context)


@login_required
def borrow_create(request):
    now = timezone.localtime().replace(second=0, microsecond=0)
    asked = request.GET.get("document", "")[:12]
    documents = selectors.borrowable_documents(user=request.user)
    chosen = documents.filter(pk=asked).first() if asked.isdigit() else None
    picker = documents.filter(pk__in=list(documents.values_list("pk", flat=True)[:PICKER_LIMIT]))
    if chosen is not None:
        picker = documents.filter(pk__in=[*picker.values_list("pk", flat=True), chosen.pk])
    initial = {
        "subject": chosen,
        "scope": BorrowScope.VIEW,
        "valid_from": now,
        "valid_until": now + datetime.timedelta(days=7),
    }
    form = BorrowRequestForm(request.POST or None, initial=initial, documents=picker)

    def call(data):
        document = data.pop("subject")
        return borrowing.borrow_request_create(
            actor=request.user,
            subject_type=borrowing.DOCUMENT,
            subject_id=str(document.pk),
            **data,
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda r: reverse("documents:borrow_list"),
        success_message=_("已提交借阅申请，待档案管理员或负责人审批。"),
        submit_label=_("提交借阅申请"),
        title=_("申请借阅：%(d)s") % {"d": chosen} if chosen else _("申请借阅文书"),
        cancel_url=reverse("documents:borrow_list"),
        section=SECTION,
    )


@login_required
def borrow_decide(request, pk: int):
    borrow = get_or_404(selectors.borrow_get, user=request.user, pk=pk)
    if not borrowing.may_decide(request.user, borrow):
        raise PermissionDenied
    form = BorrowDecisionForm(request.POST or None)
    return service_form_page(
        request,
        form=form,
        call=lambda data: borrowing.borrow_decide(
            actor=request.user,
            borrow=borrow,
            approve=data["decision"] == "approve",
            note=data["note"],
        ),
        success_url=lambda r: reverse("documents:borrow_list"),
        success_message=_("已审批。"),
        title=_("审批借阅申请：%(who)s 借阅 %(d)s（%(p)s；%(s)s，%(f)s 至 %(u)s）")
        % {
            "who": borrow.requester,
            "d": borrow.subject_label,
            "p": borrow.purpose,
            "s": borrow.get_scope_display(),
            "f": timezone.localtime(borrow.valid_from).strftime("%Y-%m-%d %H:%M"),
            "u": timezone.localtime(borrow.valid_until).strftime("%Y-%m-%d %H:%M"),
        },
        cancel_url=reverse("documents:borrow_list"),
        section=SECTION,
        buttons=[
            ("decision", "approve", _("批准"), "primary"),
            ("decision", "refuse", _("不予批准"), "button secondary"),
        ],
    )


@login_required
def paper_attach(request, pk: int):
    """Attach the scan of the paper copy the party signed by hand on site (ADR 0226, 0233): the
    document, the scans attached so far with their digests, and the form — for the team of the
    document's case or inspection only."""
    document = get_or_404(
        lambda **kw: Document.objects.restrict(request.user).select_related("number").get(**kw),
        pk=pk,
    )
    if not paper.may_attach(request.user, document):
        raise PermissionDenied(_("只有本案（本次检查）的执法人员可以上传手签纸质原件的扫描件。"))
    form = PaperAttachForm(request.POST or None, request.FILES or None)

    def call(data):
        return paper.paper_attach(
            actor=request.user,
            document=document,
            data=data["scan"]["data"],
            file_name=data["scan"]["name"],
            signed_on=data["signed_on"],
            kept_at=data["kept_at"],
            note=data["note"],
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda r: reverse("documents:paper_attach", args=[document.pk]),
        success_message=_("已附加手签纸质原件的扫描件。"),
        submit_label=_("上传扫描件"),
        title=_("手签纸质原件扫描件：%(d)s") % {"d": document},
        cancel_url=reverse("home"),
        section="documents",
        template="documents/paper_attach.html",
        extra={
            "document": document,
            "scans": paper.scans_of(document),
            "made_on_site_at": paper.made_on_site_at(document),
        },
    )
