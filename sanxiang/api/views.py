"""The API token page: issue (shown once), list and revoke (ADR 0075)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.forms import add_service_errors
from sanxiang.core.stepup import require_step_up

from .forms import DeviceTokenForm, TokenForm
from .models import ApiToken, TokenKind
from .tokens import (
    DEVICE_TOKEN_ROLES,
    TOKEN_ADMIN_ROLES,
    api_token_create,
    api_token_create_for_device,
    api_token_revoke,
    scope_choices,
)


def require_fresh_second_factor(request) -> None:
    """Step-up before a token is issued (ADR 0071's helper; ``api_token.create`` is on its list,
    so ``ledger_append`` would refuse it too — this asks up front, before the form is used)."""
    require_step_up(request)


def _is_token_admin(user) -> bool:
    return user.is_superuser or user.has_role(*TOKEN_ADMIN_ROLES)


def _devices(user):
    from sanxiang.evidence.models import RecordingDevice

    return RecordingDevice.objects.restrict(user).filter(is_active=True, keeper__isnull=False)


def _visible_tokens(user):
    tokens = ApiToken.objects.select_related("staff", "device", "revoked_by")
    if _is_token_admin(user):
        return tokens
    mine = Q(staff=user)
    if user.has_role(*DEVICE_TOKEN_ROLES):
        mine |= Q(kind=TokenKind.DEVICE, device__in=_devices(user).values("pk"))
    return tokens.filter(mine)


def _page(request, *, form=None, device_form=None, issued=None, status=200):
    user = request.user
    may_issue_device = user.has_role(*DEVICE_TOKEN_ROLES)
    labels = dict(scope_choices())
    tokens = list(_visible_tokens(user)[:200])
    for token in tokens:
        token.scope_labels = [labels.get(s, s) for s in token.scopes]
    return render(
        request,
        "api/tokens.html",
        {
            "section": "tokens",
            "tokens": tokens,
            "form": form or TokenForm(),
            "device_form": (device_form or DeviceTokenForm(devices=_devices(user)))
            if may_issue_device
            else None,
            "issued": issued,
            "is_token_admin": _is_token_admin(user),
        },
        status=status,
    )


@login_required
def token_list(request):
    return _page(request)


@login_required
@require_POST
def token_issue(request):
    form = TokenForm(request.POST)
    return _issue(
        request,
        form,
        "form",
        lambda data: api_token_create(
            actor=request.user,
            name=data["name"],
            scopes=data["scopes"],
            valid_days=data["valid_days"],
        ),
    )


@login_required
@require_POST
def device_token_issue(request):
    if not request.user.has_role(*DEVICE_TOKEN_ROLES):
        raise PermissionDenied(_("只有音像记录管理员可以签发采集站设备令牌。"))
    form = DeviceTokenForm(request.POST, devices=_devices(request.user))
    return _issue(
        request,
        form,
        "device_form",
        lambda data: api_token_create_for_device(
            actor=request.user,
            device=data["device"],
            name=data["name"],
            valid_days=data["valid_days"],
        ),
    )


def _issue(request, form, form_name: str, create):
    """Validate, ask for a fresh second factor, issue; the raw key is shown in this response only."""
    if not form.is_valid():
        return _page(request, **{form_name: form}, status=422)
    require_fresh_second_factor(request)
    try:
        token, raw = create(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, **{form_name: form}, status=422)
    # The raw key is never stored or shown again.
    response = _page(request, issued={"token": token, "raw": raw})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = get_object_or_404(_visible_tokens(request.user), pk=token_id)
    api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("api_tokens:list")
