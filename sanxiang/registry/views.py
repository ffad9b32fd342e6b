"""Pages for coal mines and natural persons."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from sanxiang.core.formviews import service_form_page
from sanxiang.core.listing import clean_int, clean_text, paginate
from sanxiang.core.lookups import get_or_404
from sanxiang.core.permissions import is_superuser
from sanxiang.ledger.selectors import object_history
from sanxiang.org.roles import REGISTRY_EDITOR_ROLES
from sanxiang.org.selectors import agency_list

from . import selectors, services
from .forms import MineForm, PersonForm
from .models import MineStatus


def _may_edit(user) -> bool:
    return is_superuser(user) or user.has_role(*REGISTRY_EDITOR_ROLES)


@login_required
def mine_list(request):
    q, status = clean_text(request, "q"), clean_text(request, "status", 20)
    agency_id = clean_int(request, "agency")
    is_key = {"1": True, "0": False}.get(request.GET.get("is_key", ""))
    mines = selectors.mine_list(
        user=request.user, q=q, status=status, agency_id=agency_id, is_key=is_key
    )
    context = paginate(request, mines)
    context.update(
        section="mines",
        q=q,
        status=status,
        statuses=MineStatus.choices,
        agency_id=agency_id,
        agencies=agency_list(user=request.user),
        is_key=request.GET.get("is_key", ""),
        may_edit=_may_edit(request.user),
    )
    return render(request, "registry/mine_list.html", context)


@login_required
def mine_detail(request, pk: int):
    mine = get_or_404(selectors.mine_get, user=request.user, pk=pk)
    return render(
        request,
        "registry/mine_detail.html",
        {
            "section": "mines",
            "mine": mine,
            "may_edit": _may_edit(request.user),
            "history": object_history(mine),
        },
    )


@login_required
def mine_create(request):
    form = MineForm(
        request.POST or None, user=request.user, initial={"supervising_agency": request.user.agency}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.mine_create(actor=request.user, **data),
        success_url=lambda mine: reverse("registry:mine_detail", args=[mine.pk]),
        success_message=_("已登记煤矿。"),
        title=_("登记煤矿"),
        cancel_url=reverse("registry:mine_list"),
        section="mines",
    )


@login_required
def mine_edit(request, pk: int):
    mine = get_or_404(selectors.mine_get, user=request.user, pk=pk, action="change")
    form = MineForm(request.POST or None, instance=mine, user=request.user)
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.mine_update(actor=request.user, mine=mine, **data),
        success_url=lambda m: reverse("registry:mine_detail", args=[m.pk]),
        success_message=_("已保存。"),
        title=_("修改煤矿信息：%(name)s") % {"name": mine.name},
        cancel_url=reverse("registry:mine_detail", args=[mine.pk]),
        section="mines",
    )


@login_required
def person_list(request):
    q = clean_text(request, "q", 50)
    persons = selectors.person_list(user=request.user, q=q)
    context = paginate(request, persons)
    context["rows"] = [
        (p, selectors.person_id_number_for(request.user, p)) for p in context["page_obj"]
    ]
    context.update(section="persons", q=q, may_edit=_may_edit(request.user))
    return render(request, "registry/person_list.html", context)


@login_required
def person_detail(request, pk: int):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk)
    return render(
        request,
        "registry/person_detail.html",
        {
            "section": "persons",
            "person": person,
            "personal": selectors.may_see_personal_data(request.user, person),
            "id_number": selectors.person_id_number_for(request.user, person),
            "may_edit": _may_edit(request.user),
            "history": object_history(person),
        },
    )


@login_required
def person_create(request):
    form = PersonForm(
        request.POST or None, user=request.user, initial={"agency": request.user.agency}
    )
    return service_form_page(
        request,
        form=form,
        call=lambda data: services.person_create(actor=request.user, **data),
        success_url=lambda p: reverse("registry:person_detail", args=[p.pk]),
        success_message=_("已登记自然人。"),
        title=_("登记自然人"),
        cancel_url=reverse("registry:person_list"),
        section="persons",
    )


@login_required
def person_edit(request, pk: int):
    person = get_or_404(selectors.person_get, user=request.user, pk=pk, action="change")
    if not selectors.may_see_personal_data(request.user, person):
        raise Http404
    form = PersonForm(request.POST or None, instance=person, user=request.user)

    def call(data):
        data.pop("agency", None)
        return services.person_update(actor=request.user, person=person, **data)

    return service_form_page(
        request,
        form=form,
        call=call,
        success_url=lambda p: reverse("registry:person_detail", args=[p.pk]),
        success_message=_("已保存。"),
        title=_("修改自然人信息：%(name)s") % {"name": person.name},
        cancel_url=reverse("registry:person_detail", args=[person.pk]),
        section="persons",
    )
