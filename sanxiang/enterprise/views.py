"""The mine's own pages (企业端, ADR 0150): sign-in, home, orders, served documents, results.

Every page here reads ``request.enterprise`` (the mine's account, never ``request.user``) and
only rows of that account's mine; another mine's row is a 404 like a missing one.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sanxiang.core.downloads import blob_download
from sanxiang.core.stepup import safe_next
from sanxiang.publicity.public import mine_page

from . import realm, sections, selectors, services
from .forms import (
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    RectificationReportForm,
    RegisterForm,
    add_service_errors,
)
from .models import EnterpriseAccount

ENROL_KEY = "sanxiang_enterprise_enrol"


def account_required(view):
    """A page of a mine's account: anyone else (staff included) gets the mine's sign-in page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        account = request.enterprise
        if not isinstance(account, EnterpriseAccount):
            return redirect(
                reverse("enterprise:login") + "?" + urlencode({"next": request.get_full_path()})
            )
        return view(request, *args, **kwargs)

    return wrapper


def _get(selector, **kwargs):
    try:
        return selector(**kwargs)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None


def _next(request) -> str:
    return safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("enterprise:home")
    )


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    return render(request, template, {"account": request.enterprise, **context}, status=status)


@never_cache
def login(request):
    form = LoginForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        try:
            account = realm.authenticate_account(
                request, login=form.cleaned_data["login"], password=form.cleaned_data["password"]
            )
        except realm.SignInRefused as refused:
            form.add_error(None, str(refused))
            locked = refused.locked
        else:
            if account.has_second_factor:
                request.session.flush()
                request.session[realm.PENDING_KEY] = account.pk
                return redirect(
                    reverse("enterprise:code") + "?" + urlencode({"next": _next(request)})
                )
            realm.account_sign_in(request, account)
            return redirect(_next(request))
    return render(
        request,
        "enterprise/login.html",
        {"form": form, "next": _next(request), "locked": locked},
        status=(403 if locked else 400) if form.errors else 200,
    )


@never_cache
def code(request):
    """The one-time code after the password, for an account with a second factor."""
    pk = request.session.get(realm.PENDING_KEY)
    account = (
        EnterpriseAccount.objects.filter(pk=pk, status="active").first()
        if isinstance(pk, int)
        else None
    )
    if account is None:
        return redirect("enterprise:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_verify(account, form.cleaned_data["code"]):
            realm.account_sign_in(request, account)
            return redirect(_next(request))
        form.add_error("code", _("动态口令不正确或已使用。"))
    return render(
        request,
        "enterprise/code.html",
        {"form": form, "next": _next(request)},
        status=400 if form.errors else 200,
    )


@require_POST
def logout(request):
    realm.account_sign_out(request)
    return redirect("enterprise:login")


@never_cache
def register(request):
    """Self-registration: the account waits until the supervising agency verifies it."""
    if request.method == "POST":
        from sanxiang.complaints.public_views import post_throttled

        refused = post_throttled(request, "ent_reg")
        if refused is not None:
            return refused
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_register(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("注册申请已提交，监管机构核验通过后即可登录。"))
            return redirect("enterprise:login")
    return render(
        request, "enterprise/register.html", {"form": form}, status=400 if form.errors else 200
    )


@account_required
def home(request):
    account = request.enterprise
    return _render(
        request,
        "enterprise/home.html",
        {"rows": sections.home_rows(account), "mine": account.mine},
    )


@account_required
def order_list(request):
    return _render(
        request,
        "enterprise/order_list.html",
        {"orders": selectors.order_list(account=request.enterprise)},
    )


@account_required
def order_detail(request, pk: int):
    account = request.enterprise
    measure = _get(selectors.order_get, account=account, pk=pk)
    form = RectificationReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rectification_report_submit(
                account=account,
                measure=measure,
                content=form.cleaned_data["content"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("整改报告已提交。"))
            return redirect("enterprise:order_detail", pk=measure.pk)
    return _render(
        request,
        "enterprise/order_detail.html",
        {
            "measure": measure,
            "reports": selectors.report_list_for_mine(account=account, measure=measure),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _pdf(account, document) -> HttpResponse:
    """The document's PDF, each opening logged with the mine's ground (documents' reading path)."""
    from sanxiang.documents.reading import pdf_response

    try:
        reading = services.document_read_by_mine(account=account, document=document)
    except PermissionDenied:
        raise Http404 from None
    return pdf_response(document, reading, download=False)


@account_required
def order_document(request, pk: int):
    measure = _get(selectors.order_get, account=request.enterprise, pk=pk)
    return _pdf(request.enterprise, measure.document)


@account_required
def report_file(request, pk: int):
    item = _get(selectors.report_file_for_mine, account=request.enterprise, pk=pk)
    return blob_download(item.path, item.name)


@account_required
def delivery_list(request):
    return _render(
        request,
        "enterprise/delivery_list.html",
        {"deliveries": selectors.delivery_list(account=request.enterprise)},
    )


@account_required
def delivery_detail(request, pk: int):
    delivery = _get(selectors.delivery_get, account=request.enterprise, pk=pk)
    return _render(request, "enterprise/delivery_detail.html", {"delivery": delivery})


@account_required
def delivery_pdf(request, pk: int):
    """Opening the served document: recorded (first time) apart from its service."""
    account = request.enterprise
    delivery = _get(selectors.delivery_get, account=account, pk=pk)
    try:
        delivery = services.delivery_open(account=account, delivery=delivery)
    except PermissionDenied:
        raise Http404 from None
    return _pdf(account, delivery.document)


@account_required
def results(request):
    return _render(
        request, "enterprise/results.html", {"page": mine_page(request.enterprise.mine_id)}
    )


@account_required
def account_page(request):
    """Own account: password change and the optional second factor."""
    from sanxiang.org import second_factor as totp

    account = request.enterprise
    password_form = PasswordChangeForm(
        request.POST if request.POST.get("form") == "password" else None
    )
    code_form = CodeForm(request.POST if request.POST.get("form") == "enrol" else None)
    key = request.session.get(ENROL_KEY)
    if not key or not isinstance(key, str):
        key = request.session[ENROL_KEY] = totp.new_secret()
    if request.method == "POST":
        if password_form.is_bound and password_form.is_valid():
            try:
                services.account_password_change(account=account, **password_form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(password_form, exc)
            else:
                realm.account_sign_in(request, EnterpriseAccount.objects.get(pk=account.pk))
                messages.success(request, _("密码已修改。"))
                return redirect("enterprise:account")
        if code_form.is_bound and code_form.is_valid():
            try:
                services.second_factor_enrol(
                    account=account, key_hex=key, code=code_form.cleaned_data["code"]
                )
            except ValidationError as exc:
                add_service_errors(code_form, exc)
            else:
                request.session.pop(ENROL_KEY, None)
                messages.success(request, _("已绑定身份验证器，今后登录需输入动态口令。"))
                return redirect("enterprise:account")
    errors = password_form.errors or code_form.errors
    return _render(
        request,
        "enterprise/account.html",
        {
            "password_form": password_form,
            "code_form": code_form,
            "secret": totp.secret_base32(key),
        },
        status=400 if errors else 200,
    )
