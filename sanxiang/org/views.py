"""Pages for agencies, staff, certificates and legal advisers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxiang.core.forms import add_service_errors
from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.core.stepup import StepUpRequired
from sanxiang.ledger.selectors import object_history

from . import second_factor, selectors, services
from .forms import (
    AdviserForm,
    AgencyForm,
    CertificateForm,
    CertificateStatusForm,
    PasswordForm,
    StaffForm,
)
from .models import AgencyLevel, CertificateStatus
from .roles import ORG_ADMIN_ROLES, Role


def _may_edit(user) -> bool:
    return is_superuser(user) or user.has_role(*ORG_ADMIN_ROLES)


def _tell_pending(request, staff):
    """Say that part of the change waits for a head's approval (ADR 0070)."""
    pending = getattr(staff, "pending_request", None)
    if pending is not None:
        what = pending.get_kind_display()
        if pending.roles:
            what += "：" + "、".join(pending.role_labels())
        messages.info(request, _("%(what)s须经负责人批准后生效，已提交申请。") % {"what": what})
    return staff


@login_required
def agency_list(request):
    q, level = clean_text(request, "q"), clean_text(request, "level", 20)
    context = paginate(request, selectors.agency_list(user=request.user, q=q, level=level))
    context.update(
        section="agencies",
        q=q,
        level=level,
        levels=AgencyLevel.choices,
        may_edit=_may_edit(request.user),
    )
    return render(request, "org/agency_list.html", context)


@login_required
def agency_detail(request, pk: int):
    agency = get_or_404(selectors.agency_get, user=request.user, pk=pk)
    return render(
        request,
        "org/agency_detail.html",
        {
            "section": "agencies",
            "agency": agency,
            "children": selectors.agency_list(user=request.user).filter(parent=agency),
            "staff_count": selectors.staff_list(user=request.user, agency_id=agency.pk).count(),
            "may_edit": _may_edit(request.user),
            "history": object_history(agency),
        },
    )


@login_required
def agency_create(request):
    form = AgencyForm(request.POST or None, user=request.user)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.agency_create(actor=request.user, **data),
        success_url=lambda agency: reverse("org:agency_detail", args=[agency.pk]),
        success_message=_("已新增执法机构。"),
        title=_("新增执法机构"),
        cancel_url=reverse("org:agency_list"),
        section="agencies",
    )


@login_required
def agency_edit(request, pk: int):
    agency = get_or_404(selectors.agency_get, user=request.user, pk=pk, action="change")
    form = AgencyForm(request.POST or None, instance=agency, user=request.user)

    def call(data):
        data.pop("level", None)
        data.pop("parent", None)
        return services.agency_update(actor=request.user, agency=agency, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda a: reverse("org:agency_detail", args=[a.pk]),
        success_message=_("已保存。"),
        title=_("修改执法机构：%(name)s") % {"name": agency.name},
        cancel_url=reverse("org:agency_detail", args=[agency.pk]),
        section="agencies",
    )


@login_required
def staff_list(request):
    q, role = clean_text(request, "q"), clean_text(request, "role", 30)
    agency_id = clean_int(request, "agency")
    staff = selectors.staff_list(user=request.user, q=q, role=role, agency_id=agency_id)
    context = paginate(request, staff)
    context.update(
        section="staff",
        q=q,
        role=role,
        roles=Role.choices,
        agency_id=agency_id,
        agencies=selectors.agency_list(user=request.user),
        may_edit=_may_edit(request.user),
    )
    return render(request, "org/staff_list.html", context)


@login_required
def staff_detail(request, pk: int):
    staff = get_or_404(selectors.staff_get, user=request.user, pk=pk)
    may_edit = _may_edit(request.user)
    return render(
        request,
        "org/staff_detail.html",
        {
            "section": "staff",
            "person": staff,
            "certificates": staff.certificates.all(),
            "may_edit": may_edit,
            "certificate_form": CertificateForm(prefix="cert") if may_edit else None,
            "status_form": CertificateStatusForm(prefix="status") if may_edit else None,
            "history": object_history(staff),
        },
    )


@login_required
def staff_create(request):
    form = StaffForm(request.POST or None, user=request.user)

    def call(data):
        data.pop("is_active", None)
        return _tell_pending(request, services.staff_create(actor=request.user, **data))

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda s: reverse("org:staff_detail", args=[s.pk]),
        success_message=_("已新增工作人员。"),
        title=_("新增工作人员"),
        cancel_url=reverse("org:staff_list"),
        section="staff",
    )


@login_required
def staff_edit(request, pk: int):
    staff = get_or_404(selectors.staff_get, user=request.user, pk=pk, action="change")
    form = StaffForm(request.POST or None, instance=staff, user=request.user)

    def call(data):
        for fixed in ("username", "agency"):
            data.pop(fixed, None)
        return _tell_pending(
            request, services.staff_update(actor=request.user, staff=staff, **data)
        )

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda s: reverse("org:staff_detail", args=[s.pk]),
        success_message=_("已保存。"),
        title=_("修改工作人员：%(name)s") % {"name": staff},
        cancel_url=reverse("org:staff_detail", args=[staff.pk]),
        section="staff",
    )


@login_required
def password_change(request):
    """One's own password: the current one, then the new one twice (``staff_password_set``)."""
    form = PasswordForm(request.POST or None, own=True)

    def call(data):
        staff = services.staff_password_set(
            actor=request.user,
            staff=request.user,
            password=data["password"],
            current_password=data["current_password"],
        )
        update_session_auth_hash(request, staff)  # stay signed in here; other sessions end
        return staff

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda s: reverse("home"),
        success_message=_("密码已修改。"),
        title=_("修改密码"),
        cancel_url=reverse("home"),
        section="",
    )


@login_required
def staff_password_reset(request, pk: int):
    """An org admin sets a new password for someone in scope (``staff_password_set``)."""
    staff = get_or_404(selectors.staff_get, user=request.user, pk=pk, action="change")
    if staff.pk == request.user.pk:
        return redirect("org:password_change")
    form = PasswordForm(request.POST or None, own=False)
    return service_form_page(
        request,
        form=form,
        call=lambda data: _tell_pending(
            request,
            services.staff_password_set(actor=request.user, staff=staff, password=data["password"]),
        ),
        success_url=lambda s: reverse("org:staff_detail", args=[s.pk]),
        success_message=_("已重置密码，请通知本人登录后修改。"),
        title=_("重置密码：%(name)s") % {"name": staff},
        cancel_url=reverse("org:staff_detail", args=[staff.pk]),
        section="staff",
    )


@login_required
@require_POST
def second_factor_reset(request, pk: int):
    """An administrator resets someone's second factor (lost phone); privileged accounts wait
    for a head's approval (ADR 0070)."""
    staff = get_or_404(selectors.staff_get, user=request.user, pk=pk, action="change")
    try:
        pending = second_factor.second_factor_reset(actor=request.user, staff=staff)
    except StepUpRequired:
        raise
    except (PermissionDenied, ValidationError) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
    else:
        if pending is None:
            messages.success(request, _("已重置动态口令，本人下次登录时重新绑定。"))
        else:
            messages.info(request, _("重置动态口令须经负责人批准后生效，已提交申请。"))
    return redirect("org:staff_detail", pk=staff.pk)


@login_required
@require_POST
def certificate_issue(request, pk: int):
    staff = get_or_404(selectors.staff_get, user=request.user, pk=pk, action="change")
    form = CertificateForm(request.POST, prefix="cert")
    if form.is_valid():
        try:
            services.certificate_issue(actor=request.user, holder=staff, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记执法证。"))
            return redirect("org:staff_detail", pk=staff.pk)
    return render(
        request,
        "org/staff_detail.html",
        {
            "section": "staff",
            "person": staff,
            "certificates": staff.certificates.all(),
            "may_edit": True,
            "certificate_form": form,
            "status_form": CertificateStatusForm(prefix="status"),
            "history": object_history(staff),
        },
        status=400,
    )


@login_required
@require_POST
def certificate_set_status(request, pk: int):
    certificate = get_or_404(
        lambda **kw: selectors.certificate_list(user=kw["user"]).get(pk=kw["pk"]),
        user=request.user,
        pk=pk,
    )
    form = CertificateStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.certificate_set_status(
                actor=request.user, certificate=certificate, **form.cleaned_data
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已变更执法证状态。"))
    else:
        messages.error(request, _("请选择有效的状态。"))
    return redirect("org:staff_detail", pk=certificate.holder_id)


@login_required
def certificate_list(request):
    q, validity = clean_text(request, "q"), clean_text(request, "validity", 20)
    context = paginate(
        request, selectors.certificate_list(user=request.user, q=q, validity=validity)
    )
    context.update(
        section="certificates",
        q=q,
        validity=validity,
        validities=[
            ("valid", _("有效")),
            ("expired", _("已过期")),
            (CertificateStatus.SUSPENDED, _("已暂扣")),
            (CertificateStatus.REVOKED, _("已注销")),
        ],
    )
    return render(request, "org/certificate_list.html", context)


@login_required
def adviser_list(request):
    q = clean_text(request, "q")
    context = paginate(request, selectors.adviser_list(user=request.user, q=q))
    context.update(section="advisers", q=q, may_edit=_may_edit(request.user))
    return render(request, "org/adviser_list.html", context)


@login_required
def adviser_create(request):
    form = AdviserForm(request.POST or None, user=request.user)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.adviser_create(actor=request.user, **data),
        success_url=lambda a: reverse("org:adviser_list"),
        success_message=_("已登记法律顾问。"),
        title=_("登记法律顾问"),
        cancel_url=reverse("org:adviser_list"),
        section="advisers",
    )
