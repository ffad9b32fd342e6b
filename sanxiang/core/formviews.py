"""The one way a page submits a form to a service and shows its errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import add_service_errors


def service_form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    call: Callable[[dict[str, Any]], Any],
    success_url: Callable[[Any], str],
    success_message: str,
    title: str,
    cancel_url: str,
    section: str,
    template: str = "core/form.html",
    extra: dict[str, Any] | None = None,
    submit_label: str | None = None,
    buttons: list[tuple[str, str, str, str]] | None = None,
) -> HttpResponse:
    """Render ``form``; on a valid POST call the service, redirect on success, else show errors.

    Nothing is written unless the service accepts every field: services validate all fields
    and raise before saving, inside one transaction. ``extra`` is more context for ``template``
    (what the step acts on). The submit button says what it does: ``submit_label`` (批准,
    退回 …; 保存 only for plain edits), or ``buttons`` — (name, value, label, css class) — when
    the choice is made by the button pressed (批准 / 不予批准).
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success_message)
            return redirect(success_url(result))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        template,
        {
            **(extra or {}),
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "section": section,
            "submit_label": submit_label,
            "buttons": buttons,
        },
        status=status,
    )
