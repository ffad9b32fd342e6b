"""Pages where heads approve or refuse changes to privileged accounts (ADR 0070)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.listing import paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.stepup import StepUpRequired

from . import privileges, selectors
from .models import PrivilegeState


@login_required
def privilege_list(request):
    state = request.GET.get("state", PrivilegeState.PENDING)
    if state not in PrivilegeState.values:
        state = PrivilegeState.PENDING
    requests = selectors.privilege_request_list(user=request.user, state=state)
    context = paginate(request, requests)
    context.update(
        section="privileges",
        state=state,
        states=PrivilegeState.choices,
        decidable={r.pk for r in context["page_obj"] if privileges.may_decide(request.user, r)},
    )
    return render(request, "org/privilege_list.html", context)


@login_required
@require_POST
def privilege_decide(request, pk: int):
    item = get_or_404(selectors.privilege_request_get, user=request.user, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        if approve:
            privileges.privilege_request_approve(
                actor=request.user, request=item, opinion=request.POST.get("reason") or _("同意")
            )
            messages.success(request, _("已批准，变更已生效。"))
        else:
            privileges.privilege_request_reject(
                actor=request.user, request=item, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("已驳回该申请。"))
    except StepUpRequired:
        raise  # the middleware sends the page to the step-up form
    except (PermissionDenied, ValidationError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
    return redirect("org:privilege_list")
