"""Pages of 督办 and 问责 (BZ-1, BZ-5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.org.roles import Role

from ..models_notices import NoticeStatus
from . import selectors, services, targets
from .forms import AccountabilityForm, CloseForm, NoticeForm, ReplyForm

SECTION = "notices"


def _is_head(user) -> bool:
    return is_superuser(user) or user.has_role(Role.HEAD)


@login_required
def notice_list(request):
    status = clean_text(request, "status", 10)
    status = status if status in NoticeStatus.values else ""
    context = paginate(request, selectors.notice_list(user=request.user, status=status))
    context.update(
        section=SECTION,
        status=status,
        statuses=NoticeStatus.choices,
        is_head=_is_head(request.user),
    )
    return render(request, "supervision/notices/list.html", context)


@login_required
def notice_create(request):
    return service_form_page(
        request,
        form=NoticeForm(request.POST or None, user=request.user),
        call=lambda data: services.notice_issue(actor=request.user, **data),
        success_url=lambda n: reverse("supervision:notice_detail", args=[n.pk]),
        success_message=_("已发出督办。"),
        title=_("发出督办"),
        cancel_url=reverse("supervision:notice_list"),
        section=SECTION,
        submit_label=_("发出督办"),
    )


@login_required
def notice_detail(request, pk: int):
    notice = get_or_404(selectors.notice_get, user=request.user, pk=pk)
    return render(
        request,
        "supervision/notices/detail.html",
        {
            "section": SECTION,
            "notice": notice,
            "target_url": targets.link(notice.target_type, notice.target_id),
            "may_reply": services.may_reply(request.user, notice),
            "may_close": services.may_close(request.user, notice),
            "accountability": notice.accountability.all(),
        },
    )


@login_required
def notice_reply(request, pk: int):
    notice = get_or_404(selectors.notice_get, user=request.user, pk=pk)
    detail = reverse("supervision:notice_detail", args=[notice.pk])
    return service_form_page(
        request,
        form=ReplyForm(request.POST or None),
        call=lambda data: services.notice_reply(actor=request.user, notice=notice, **data),
        success_url=lambda n: detail,
        success_message=_("已回复督办。"),
        title=_("回复督办：%(t)s") % {"t": notice.target_label},
        cancel_url=detail,
        section=SECTION,
        template="supervision/_form.html",
        extra={"intro": notice.requirement},
        submit_label=_("回复"),
    )


@login_required
def notice_close(request, pk: int):
    notice = get_or_404(selectors.notice_get, user=request.user, pk=pk)
    detail = reverse("supervision:notice_detail", args=[notice.pk])

    def call(data):
        return services.notice_close(
            actor=request.user, notice=notice, accept=data["accept"] == "close", note=data["note"]
        )

    return service_form_page(
        request,
        form=CloseForm(request.POST or None),
        call=call,
        success_url=lambda n: detail,
        success_message=_("已处理督办回复。"),
        title=_("办结督办：%(t)s") % {"t": notice.target_label},
        cancel_url=detail,
        section=SECTION,
        template="supervision/_form.html",
        extra={"intro": notice.reply},
        buttons=[
            ("accept", "close", _("办结"), "primary"),
            ("accept", "return", _("退回重办"), "secondary"),
        ],
    )


@login_required
def accountability_list(request):
    context = paginate(request, selectors.accountability_list(user=request.user))
    context.update(section=SECTION, is_head=_is_head(request.user))
    return render(request, "supervision/notices/accountability.html", context)


@login_required
def accountability_create(request):
    def call(data):
        return services.accountability_record(
            actor=request.user,
            kind=data["kind"],
            facts=data["facts"],
            decided_on=data["decided_on"],
            notice=data["notice"],
            target=data["target"],
            person=data["person"],
        )

    return service_form_page(
        request,
        form=AccountabilityForm(request.POST or None, user=request.user),
        call=call,
        success_url=lambda r: reverse("supervision:accountability_list"),
        success_message=_("已登记问责。"),
        title=_("登记问责"),
        cancel_url=reverse("supervision:accountability_list"),
        section=SECTION,
        submit_label=_("登记"),
    )
