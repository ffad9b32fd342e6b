"""Staff pages of result publication: the work list, the publication page (side-by-side
redaction, review, approval, withdrawal), editing, manual drafts, the timeliness dashboard and
the annual reports. Every write goes through a service; errors come back as messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.forms import add_service_errors
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.core.validation import error_dict
from sanxiang.core.workdays import working_days_between
from sanxiang.ledger.selectors import object_history

from . import annual, redaction, rules, scanner, selectors, services
from .fields import Category, layout
from .forms import (
    ConfirmForm,
    LayoutForm,
    ManualStartForm,
    OpinionForm,
    ReasonForm,
    RedactionAddForm,
    RedactionSetForm,
    ReportGenerateForm,
    WithdrawForm,
)
from .models import Redaction, RedactionOrigin
from .workflow import PREPARING, PublicationStatus, available_actions

SECTION = "publicity"
S = PublicationStatus


def _report_errors(request, exc: ValidationError) -> None:
    for texts in error_dict(exc).values():
        for text in texts:
            messages.error(request, text)


ACTIONS = {
    "confirm": (
        ConfirmForm,
        lambda u, p, d: services.publication_confirm(
            actor=u, publication=p, confirmed=d["confirmed"], note=d["note"]
        ),
        _("已确认区分处理，等待审查。"),
    ),
    "review": (
        OpinionForm,
        lambda u, p, d: services.publication_review(actor=u, publication=p, opinion=d["opinion"]),
        _("审查通过，等待负责人审批。"),
    ),
    "return": (
        ReasonForm,
        lambda u, p, d: services.publication_return(actor=u, publication=p, reason=d["reason"]),
        _("已退回修改。"),
    ),
    "approve": (
        OpinionForm,
        lambda u, p, d: services.publication_approve(actor=u, publication=p, opinion=d["opinion"]),
        _("已批准并公布：门户网站、开放数据和订阅已同步更新。"),
    ),
    "revise": (
        ReasonForm,
        lambda u, p, d: services.publication_revise(actor=u, publication=p, reason=d["reason"]),
        _("已开始修订；现行版本继续公示，直至新版本批准公布。"),
    ),
    "request_withdrawal": (
        WithdrawForm,
        lambda u, p, d: services.publication_withdrawal_request(actor=u, publication=p, **d),
        _("已申请撤下，等待负责人批准。"),
    ),
    "reject_withdrawal": (
        ReasonForm,
        lambda u, p, d: services.publication_withdrawal_reject(
            actor=u, publication=p, reason=d["reason"]
        ),
        _("已驳回撤下申请。"),
    ),
    "withdraw": (
        WithdrawForm,
        lambda u, p, d: services.publication_withdraw(
            actor=u,
            publication=p,
            reason=d["reason"],
            reason_kind=d["reason_kind"] or None,
            revoked_on=d["revoked_on"],
            basis=d["basis"],
        ),
        _("已撤下：检索、订阅和开放数据中已删除，原页面显示撤下说明。"),
    ),
}


@login_required
def publication_list(request):
    status = clean_text(request, "status", 30)
    category = clean_text(request, "category", 20)
    due = clean_text(request, "due", 30)
    q = clean_text(request, "q")
    rows = selectors.publication_list(
        user=request.user,
        status=status,
        category=category,
        due=due,
        q=q,
        agency_id=clean_int(request, "agency"),
    )
    context = paginate(request, rows)
    today = timezone.localdate()
    for publication in context["page_obj"]:
        publication.due_state = _due_state(publication, today)
    context.update(
        section=SECTION,
        status=status,
        category=category,
        due=due,
        q=q,
        statuses=S.choices,
        categories=Category.choices,
        today=today,
        can_create=request.user.has_role("publicity_editor") or is_superuser(request.user),
    )
    return render(request, "publicity/publication_list.html", context)


def _due_state(publication, today) -> str:
    if publication.status == S.WITHDRAWAL_PENDING:
        return (
            "overdue"
            if publication.withdrawal_due and publication.withdrawal_due < today
            else "soon"
        )
    if publication.status not in PREPARING:
        return ""
    if publication.due_on < today:
        return "overdue"
    if working_days_between(today, publication.due_on) <= rules.DUE_SOON_WORKING_DAYS:
        return "soon"
    return ""


def _actions_for(user, publication) -> list[dict]:
    out, seen = [], set()
    for transition in available_actions(publication.status):
        if (
            transition.action in seen
            or transition.action not in ACTIONS
            or transition.action == "publish"
        ):
            continue
        if not (is_superuser(user) or user.has_role(*transition.roles)):
            continue
        if (
            transition.action == "review"
            and publication.confirmed_by_id == user.pk
            and not is_superuser(user)
        ):
            continue
        seen.add(transition.action)
        form_class = ACTIONS[transition.action][0]
        form = form_class(prefix=transition.action)
        if transition.action == "withdraw" and publication.status == S.WITHDRAWAL_PENDING:
            form = form_class(
                prefix=transition.action,
                initial={
                    "reason_kind": publication.withdrawal_reason_kind,
                    "revoked_on": publication.revoked_on,
                    "basis": publication.withdrawal_basis,
                    "reason": publication.withdrawal_reason,
                },
            )
        out.append({"action": transition.action, "label": transition.label, "form": form})
    return out


@login_required
def publication_detail(request, pk: int):
    publication = get_or_404(selectors.publication_get, user=request.user, pk=pk)
    redactions = redaction.current_redactions(publication)
    editable = publication.status == S.DRAFT and (
        request.user.has_role("publicity_editor") or is_superuser(request.user)
    )
    labels = {item.key: item.label for item in layout(publication.category)}
    for mark in redactions:
        mark.field_label = labels.get(mark.field, mark.field)
        mark.kind_label = scanner.KIND_LABELS.get(mark.kind, _("编辑标注"))
        mark.set_form = RedactionSetForm(initial={"withheld": "0" if mark.withheld else "1"})
    today = timezone.localdate()
    return render(
        request,
        "publicity/publication_detail.html",
        {
            "section": SECTION,
            "publication": publication,
            "rows": redaction.diff(publication, redactions),
            "redactions": redactions,
            "withheld": redaction.public_view(publication, redactions).withheld,
            "editable": editable,
            "add_form": RedactionAddForm(category=publication.category) if editable else None,
            "actions": _actions_for(request.user, publication),
            "versions": publication.versions.order_by("-number"),
            "history": object_history(publication),
            "due_state": _due_state(publication, today),
            "today": today,
            "origins": RedactionOrigin,
        },
    )


@login_required
@require_POST
def publication_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404
    publication = get_or_404(selectors.publication_get, user=request.user, pk=pk)
    form_class, call, success = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}：{error}"
                )
        return redirect("publicity:detail", pk=pk)
    try:
        call(request.user, publication, form.cleaned_data)
    except ValidationError as exc:
        _report_errors(request, exc)
    else:
        messages.success(request, success)
    return redirect("publicity:detail", pk=pk)


@login_required
def publication_edit(request, pk: int):
    publication = get_or_404(selectors.publication_get, user=request.user, pk=pk, action="change")
    initial = {k: v for k, v in publication.fields.items()}
    form = LayoutForm(
        request.POST or None,
        category=publication.category,
        classes=publication.field_classes,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.publication_edit(
                    actor=request.user,
                    publication=publication,
                    changes=form.values(),
                    field_classes=form.classes(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已保存；修改过的文字已重新识别个人信息，请核对。"))
                return redirect("publicity:detail", pk=pk)
        status = 400
    return render(
        request,
        "publicity/publication_edit.html",
        {"section": SECTION, "publication": publication, "form": form},
        status=status,
    )


@login_required
def publication_new(request):
    if request.method == "POST":
        start = ManualStartForm(request.POST, user=request.user)
    else:
        start = ManualStartForm(initial=request.GET.dict(), user=request.user)
    category = request.POST.get("category") or request.GET.get("category") or ""
    layout_form = (
        LayoutForm(request.POST or None, category=category) if category in Category.values else None
    )
    status = 200
    if request.method == "POST" and layout_form is not None:
        if start.is_valid() and layout_form.is_valid():
            data = start.cleaned_data
            try:
                publication = services.publication_manual_create(
                    actor=request.user,
                    agency=data["agency"],
                    category=data["category"],
                    decided_on=data["decided_on"],
                    mine=data["mine"],
                    person=data["person"],
                    fields=layout_form.values(),
                )
            except ValidationError as exc:
                add_service_errors(layout_form, exc)
            else:
                messages.success(request, _("已生成结果公示草稿。"))
                return redirect("publicity:detail", pk=publication.pk)
        status = 400
    return render(
        request,
        "publicity/publication_new.html",
        {"section": SECTION, "start": start, "form": layout_form, "category": category},
        status=status,
    )


@login_required
@require_POST
def redaction_add(request, pk: int):
    publication = get_or_404(selectors.publication_get, user=request.user, pk=pk)
    form = RedactionAddForm(request.POST, category=publication.category)
    if form.is_valid():
        try:
            created = services.redaction_add(
                actor=request.user, publication=publication, **form.cleaned_data
            )
        except ValidationError as exc:
            _report_errors(request, exc)
        else:
            messages.success(request, _("已标注 %(n)d 处不予公开。") % {"n": len(created)})
    else:
        messages.error(request, _("请选择字段并填写要隐去的文字。"))
    return redirect(reverse("publicity:detail", args=[pk]) + "#redactions")


@login_required
@require_POST
def redaction_set(request, pk: int, redaction_id: int):
    publication = get_or_404(selectors.publication_get, user=request.user, pk=pk)
    mark = Redaction.objects.filter(pk=redaction_id, publication=publication).first()
    if mark is None:
        raise Http404
    form = RedactionSetForm(request.POST)
    if form.is_valid():
        try:
            services.redaction_set(
                actor=request.user,
                redaction_mark=mark,
                withheld=form.cleaned_data["withheld"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _report_errors(request, exc)
        else:
            messages.success(request, _("已更新。"))
    return redirect(reverse("publicity:detail", args=[pk]) + "#redactions")


@login_required
def timeliness(request):
    today = timezone.localdate()
    year = clean_int(request, "year") or today.year
    if not 2000 <= year <= today.year:
        year = today.year
    rows = selectors.timeliness(user=request.user, year=year, today=today)
    return render(
        request,
        "publicity/timeliness.html",
        {
            "section": SECTION,
            "rows": rows,
            "total": selectors.timeliness_total(rows),
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "today": today,
        },
    )


@login_required
def report_list(request):
    form = ReportGenerateForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                report = annual.annual_report_generate(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _report_errors(request, exc)
            else:
                messages.success(request, _("已生成年报草稿，请核对后报负责人批准。"))
                return redirect("publicity:report", pk=report.pk)
        else:
            messages.error(request, _("请选择机构并填写年度。"))
        return redirect("publicity:reports")
    missing, year = selectors.report_reminders(user=request.user)
    return render(
        request,
        "publicity/report_list.html",
        {
            "section": SECTION,
            "reports": selectors.report_list(user=request.user),
            "form": form,
            "missing": missing,
            "reminder_year": year,
            "due": rules.report_due(year) if year else None,
        },
    )


@login_required
def report_detail(request, pk: int):
    report = get_or_404(selectors.report_get, user=request.user, pk=pk)
    return render(
        request,
        "publicity/report_detail.html",
        {
            "section": SECTION,
            "report": report,
            "data": report.data,
            "charts": annual.report_charts(report.data),
            "categories": dict(Category.choices),
            "history": object_history(report),
            "can_approve": report.status == "draft"
            and (request.user.has_role("head") or is_superuser(request.user)),
        },
    )


@login_required
@require_POST
def report_action(request, pk: int, action: str):
    report = get_or_404(selectors.report_get, user=request.user, pk=pk)
    try:
        if action == "approve":
            annual.annual_report_approve(actor=request.user, report=report)
            messages.success(request, _("年报已批准，已在门户网站公布并报送上级机构。"))
        elif action == "regenerate":
            annual.annual_report_generate(
                actor=request.user, agency=report.agency, year=report.year
            )
            messages.success(request, _("已按最新数据重新生成。"))
        else:
            raise Http404
    except ValidationError as exc:
        _report_errors(request, exc)
    return redirect("publicity:report", pk=pk)


@login_required
def report_pdf(request, pk: int):
    report = get_or_404(selectors.report_get, user=request.user, pk=pk)
    response = HttpResponse(annual.render_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="annual-report-{report.agency_id}-{report.year}.pdf"'
    )
    return response
