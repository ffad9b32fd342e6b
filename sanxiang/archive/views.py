"""Pages of the archive: the list of units with filters, the unit page (卷内目录, the last
check report in words, the filing steps as buttons that say what they do), one form per step."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import in_scope, is_superuser
from sanxiang.org.roles import Role

from . import selectors
from .forms import STEPS
from .models import UnitKind, UnitStatus
from .services import findings
from .workflow import ASSEMBLERS, CUSTODIANS, HEADS, available

EXPORTERS = CUSTODIANS | HEADS

SECTION = "archive"


@login_required
def unit_list(request):
    status, kind = clean_text(request, "status", 20), clean_text(request, "kind", 20)
    due, year = clean_text(request, "due", 10), clean_int(request, "year")
    q = clean_text(request, "q")
    units = selectors.unit_list(
        user=request.user, status=status, kind=kind, year=year, due=due, q=q
    )
    context = paginate(request, units)
    context.update(
        section=SECTION,
        q=q,
        status=status,
        kind=kind,
        year=year,
        due=due,
        statuses=UnitStatus.choices,
        kinds=UnitKind.choices,
        years=selectors.years(user=request.user),
        dues=list(selectors.DUE_FILTERS.items()),
        today=timezone.localdate(),
    )
    if is_superuser(request.user) or request.user.has_role(*EXPORTERS):
        from .export_views import AgencyYearForm

        context["export_form"] = AgencyYearForm(user=request.user)
    return render(request, "archive/unit_list.html", context)


def _steps(user, unit) -> list[tuple[str, str]]:
    """The filing steps this user may take on this unit now: (action, label)."""
    if not in_scope(user, unit.agency):
        return []
    out = []
    for transition in available(unit.status):
        if is_superuser(user) or user.has_role(*transition.roles):
            out.append((transition.action, str(transition.label)))
    if unit.is_editable and (is_superuser(user) or user.has_role(*ASSEMBLERS)):
        out.append(("reassemble", _("重新组卷")))
    return out


def _may_export(user, unit) -> bool:
    """The 导出移交包 button: filed units, custodians and heads in scope (the service decides)."""
    return (
        unit.status == UnitStatus.FILED
        and in_scope(user, unit.agency)
        and (is_superuser(user) or user.has_role(*EXPORTERS))
    )


def _check_lines(run) -> list[tuple[bool, str]]:
    """The last check's findings in words, failures first."""
    if run is None:
        return []
    return sorted(findings(run.report or {}), key=lambda line: line[0])


@login_required
def unit_detail(request, pk: int):
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    run = selectors.latest_check(unit)
    return render(
        request,
        "archive/unit_detail.html",
        {
            "section": SECTION,
            "unit": unit,
            "items": unit.items.order_by("seq"),
            "steps": _steps(request.user, unit),
            "check": run,
            "check_lines": _check_lines(run),
            "today": timezone.localdate(),
            "is_head": is_superuser(request.user) or request.user.has_role(Role.HEAD),
            "can_export": _may_export(request.user, unit),
        },
    )


@login_required
def unit_step(request, pk: int, action: str):
    """One filing step as a form; the service decides whether it may happen."""
    unit = get_or_404(selectors.unit_get, user=request.user, pk=pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    detail = reverse("archive:unit_detail", args=[unit.pk])
    return service_form_page(
        request,
        form=step.form(request.POST or None),
        call=lambda data: step.call(actor=request.user, unit=unit, **data),
        success_url=lambda result: detail,
        success_message=str(step.done),
        title=f"{step.label}：{unit.title}",
        cancel_url=detail,
        section=SECTION,
        submit_label=str(step.label),
    )
