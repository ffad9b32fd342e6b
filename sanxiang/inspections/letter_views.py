"""Pages for safety-supervision letters: draft from the inspection page, read and preview,
approve or return (the head), record the reply. The rules are in ``letters.py``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sanxiang.core.blobstore import blob_open
from sanxiang.core.formviews import service_form_page
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import Role

from . import forms, letters, selectors
from .models import LetterKind, LetterStatus

SECTION = "inspections"


def _letter(request, pk: int):
    return get_or_404(letters.letter_get, user=request.user, pk=pk)


@login_required
def letter_create(request, pk: int, kind: str):
    inspection = get_or_404(selectors.inspection_get, user=request.user, pk=pk)
    if kind not in LetterKind.values:
        raise Http404
    label = LetterKind(kind).label
    rule = letters.reply_rule(kind)
    form = forms.LetterForm(
        request.POST or None,
        inspection=inspection,
        initial={"addressee": letters.default_addressee(inspection, kind)},
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: letters.letter_draft(
            actor=request.user, inspection=inspection, kind=kind, **data
        ),
        success_url=lambda letter: reverse("inspections:letter_detail", args=[letter.pk]),
        success_message=_("已起草，请负责人预览后批准签发。"),
        title=_("制作%(kind)s：%(i)s") % {"kind": label, "i": inspection},
        cancel_url=reverse("inspections:inspection_detail", args=[inspection.pk]),
        section=SECTION,
        template="inspections/letter_form.html",
        extra={"inspection": inspection, "rule": rule},
        submit_label=_("提交负责人批准"),
    )


@login_required
def letter_detail(request, pk: int):
    letter = _letter(request, pk)
    user = request.user
    head = (is_superuser(user) or user.has_role(Role.HEAD)) and in_scope(
        user, letter.inspection.agency
    )
    return render(
        request,
        "inspections/letter_detail.html",
        {
            "section": SECTION,
            "letter": letter,
            "inspection": letter.inspection,
            "findings": letter.findings.order_by("pk"),
            "may_decide": head and letter.status == LetterStatus.PENDING,
            "may_reply": letter.status == LetterStatus.ISSUED
            and letters.may_draft(user, letter.inspection),
            "reply_rule": letters.reply_rule(letter.kind),
            "history": object_history(letter),
        },
    )


@login_required
@require_GET
def letter_preview(request, pk: int):
    """The unnumbered PDF as it would be issued today, for the head to read before approving."""
    letter = _letter(request, pk)
    if letter.status != LetterStatus.PENDING:
        raise Http404
    response = HttpResponse(letters.letter_preview(letter), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{letter.get_kind_display()}（预览）.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def letter_approve(request, pk: int):
    from .views import _post

    letter = _letter(request, pk)
    return _post(
        request,
        lambda: letters.letter_approve(actor=request.user, letter=letter),
        reverse("inspections:letter_detail", args=[letter.pk]),
        _("已批准签发，文书已编号。"),
    )


@login_required
def letter_return(request, pk: int):
    letter = _letter(request, pk)
    back = reverse("inspections:letter_detail", args=[letter.pk])
    return service_form_page(
        request,
        form=forms.ReasonForm(request.POST or None),
        call=lambda data: letters.letter_return(actor=request.user, letter=letter, **data),
        success_url=lambda _letter: back,
        success_message=_("已不予批准。"),
        title=_("不予批准：%(l)s") % {"l": letter},
        cancel_url=back,
        section=SECTION,
        submit_label=_("不予批准"),
    )


@login_required
def letter_reply(request, pk: int):
    letter = _letter(request, pk)
    back = reverse("inspections:letter_detail", args=[letter.pk])
    return service_form_page(
        request,
        form=forms.LetterReplyForm(request.POST or None, request.FILES or None),
        call=lambda data: letters.letter_reply_record(actor=request.user, letter=letter, **data),
        success_url=lambda _letter: back,
        success_message=_("已登记回复。"),
        title=_("登记回复：%(l)s") % {"l": letter},
        cancel_url=back,
        section=SECTION,
        submit_label=_("登记回复"),
    )


@login_required
@require_GET
def letter_reply_attachment(request, pk: int):
    letter = _letter(request, pk)
    if not letter.reply_attachment_path:
        raise Http404
    response = FileResponse(
        blob_open(letter.reply_attachment_path), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, letter.reply_attachment_name)
    response["Cache-Control"] = "private, no-store"
    return response
