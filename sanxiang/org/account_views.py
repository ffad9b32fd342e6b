"""Sign-in with a second factor, enrolment, step-up, and one's own account page (ADR 0071)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sanxiang.core.clientip import client_ip
from sanxiang.core.stepup import (
    has_device,
    is_verified,
    mark_second_factor,
    safe_next,
    second_factor_required,
    step_up_fresh,
    step_up_url,
)

from . import second_factor as devices
from .login_throttle import login_wait_seconds

ENROL_SESSION_KEY = "sanxiang_enrol_secret"
CODES_SESSION_KEY = "sanxiang_recovery_codes"


class LoginForm(AuthenticationForm):
    """Django's sign-in form, after the spraying slow-down (``login_throttle``)."""

    error_messages = {
        "invalid_login": gettext_lazy("登录名或密码不正确。"),
        "inactive": gettext_lazy("该账号已停用。"),
    }

    def clean(self):
        username = self.cleaned_data.get("username", "")
        wait = login_wait_seconds(username=username, ip_address=client_ip(self.request))
        if wait:
            raise ValidationError(
                _("登录尝试过于频繁，请在 %(seconds)d 秒后再试。") % {"seconds": wait},
                code="slow_down",
            )
        return super().clean()


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if second_factor_required(user):
            target = "second_factor_verify" if has_device(user) else "second_factor_enrol"
            return redirect(reverse(target) + "?" + urlencode({"next": self.get_success_url()}))
        return response


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("动态口令或恢复码"),
        max_length=20,
        error_messages={"required": gettext_lazy("请输入动态口令。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


def _next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), "/")


def _check_code(request, form: CodeForm):
    """The device accepting the form's code, or None with the form's error set."""
    if not form.is_valid():
        return None
    try:
        device = devices.second_factor_check(staff=request.user, code=form.cleaned_data["code"])
    except devices.TooManyAttempts:
        form.add_error("code", _("输错次数过多，请稍后再试。"))
        return None
    if device is None:
        form.add_error("code", _("动态口令不正确或已使用。"))
    return device


@never_cache
@login_required
def second_factor_verify(request):
    """The code after the password (or after a session lost its second factor)."""
    if not has_device(request.user):
        return redirect(reverse("second_factor_enrol") + "?" + urlencode({"next": _next(request)}))
    if is_verified(request):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        device = _check_code(request, form)
        if device is not None:
            mark_second_factor(request, device)
            left = devices.recovery_codes_left(request.user)
            if isinstance(device, devices.StaticDevice):
                messages.warning(request, _("已使用一个恢复码，还剩 %(n)d 个。") % {"n": left})
            return redirect(_next(request))
    return render(
        request,
        "org/account/verify.html",
        {"form": form, "next": _next(request), "step_up": False},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def second_factor_step_up(request):
    """Give the code again before a weighty action (approvals, decisions, role changes)."""
    if not has_device(request.user):
        return redirect(reverse("second_factor_enrol") + "?" + urlencode({"next": _next(request)}))
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        device = _check_code(request, form)
        if device is not None:
            mark_second_factor(request, device)
            messages.success(request, _("身份已确认，请继续操作。"))
            return redirect(_next(request))
    return render(
        request,
        "org/account/verify.html",
        {"form": form, "next": _next(request), "step_up": True},
        status=400 if form.errors else 200,
    )


class EnrolForm(CodeForm):
    code = forms.CharField(
        label=gettext_lazy("手机上显示的6位动态口令"),
        max_length=10,
        error_messages={"required": gettext_lazy("请输入动态口令。")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@never_cache
@login_required
def second_factor_enrol(request):
    """Set up the authenticator app: QR code and secret as text, confirmed by one code.

    With a device already enrolled, enrolling anew (a new phone) needs the old one first.
    """
    if has_device(request.user) and not (is_verified(request) and step_up_fresh(request)):
        return redirect(step_up_url(reverse("second_factor_enrol")))
    key = request.session.get(ENROL_SESSION_KEY)
    if not key:
        key = request.session[ENROL_SESSION_KEY] = devices.new_secret()
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = devices.second_factor_enrol(
                staff=request.user, key_hex=key, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("code", message)
        else:
            del request.session[ENROL_SESSION_KEY]
            mark_second_factor(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return redirect(
                reverse("second_factor_recovery_codes") + "?" + urlencode({"next": _next(request)})
            )
    return render(
        request,
        "org/account/enrol.html",
        {
            "form": form,
            "secret": devices.secret_base32(key),
            "next": _next(request),
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def second_factor_qr(request):
    """The enrolment QR code as SVG, drawn here from the secret kept in the session."""
    key = request.session.get(ENROL_SESSION_KEY)
    if not key:
        return HttpResponse(status=404)
    qr = segno.make(devices.provisioning_uri(request.user, key), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=5, title=_("动态口令绑定二维码"))
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def second_factor_recovery_codes(request):
    """The recovery codes, shown once right after they are issued."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect(_next(request))
    return render(
        request, "org/account/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@login_required
@require_POST
def recovery_codes_renew(request):
    if not step_up_fresh(request):
        return redirect(step_up_url(reverse("account")))
    request.session[CODES_SESSION_KEY] = devices.recovery_codes_issue(staff=request.user)
    return redirect(reverse("second_factor_recovery_codes") + "?next=" + reverse("account"))


@login_required
def account(request):
    """One's own account: second factor, recovery codes left, notices about the account."""
    return render(
        request,
        "org/account/account.html",
        {
            "section": "",
            "has_device": has_device(request.user),
            "required": second_factor_required(request.user),
            "codes_left": devices.recovery_codes_left(request.user),
            "notices": request.user.staff_notices.all()[:20],
            "pending": request.user.privilege_requests.filter(state="pending"),
        },
    )
