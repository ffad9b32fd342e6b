"""The heads' watch list of mines (BZ-6) and the key-mine flag form (ADR 0171)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sanxiang.core.forms import DateInput
from sanxiang.core.formviews import service_form_page
from sanxiang.core.permissions import is_superuser
from sanxiang.inspections.key_mines import LONGEST_FLAG_DAYS, key_mine_flag
from sanxiang.org.roles import Role
from sanxiang.registry.models import CoalMine

from ..statistics.selectors import may_see_statistics
from .signals import WEIGHTS
from .signals import watch_list as build_watch_list

SECTION = "supervision"


@login_required
@require_GET
def watch_list(request):
    if not may_see_statistics(request.user):
        raise PermissionDenied(_("只有负责人和系统管理员可以查看风险预警名单。"))
    today = timezone.localdate()
    return render(
        request,
        "supervision/risk_watch_list.html",
        {
            "section": SECTION,
            "entries": build_watch_list(user=request.user, today=today),
            "weights": WEIGHTS,
            "may_flag": is_superuser(request.user) or request.user.has_role(Role.HEAD),
            "today": today,
        },
    )


class KeyMineFlagForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("标记理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy("请写明标记为重点监管煤矿的理由。"),
            "max_length": gettext_lazy("理由不能超过300字。"),
        },
    )
    expires_on = forms.DateField(
        label=gettext_lazy("有效期至"),
        widget=DateInput(),
        help_text=gettext_lazy("标记在此日期前冻结名录的随机抽取中有效，最长一年。"),
        error_messages={
            "required": gettext_lazy("请填写有效期。"),
            "invalid": gettext_lazy("请填写正确的日期。"),
        },
    )


@login_required
def key_flag(request, pk: int):
    mine = CoalMine.objects.restrict(request.user).filter(pk=pk).first()
    if mine is None:
        raise Http404
    if not (is_superuser(request.user) or request.user.has_role(Role.HEAD)):
        raise PermissionDenied(_("只有负责人可以标记重点监管煤矿。"))
    today = timezone.localdate()
    form = KeyMineFlagForm(
        request.POST or None,
        initial={"expires_on": today + datetime.timedelta(days=LONGEST_FLAG_DAYS // 4)},
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: key_mine_flag(
            actor=request.user, mine=mine, reason=data["reason"], expires_on=data["expires_on"]
        ),
        success_url=lambda _flag: reverse("supervision:risk_watch_list"),
        success_message=_("已将%(m)s列为重点监管煤矿，下次随机抽取冻结名录时列入抽取输入。")
        % {"m": mine},
        title=_("标记重点监管煤矿：%(m)s") % {"m": mine},
        cancel_url=reverse("supervision:risk_watch_list"),
        section=SECTION,
        submit_label=_("标记"),
    )
