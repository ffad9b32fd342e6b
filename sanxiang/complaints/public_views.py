"""The public report form, the upload grant and the progress query (GS-MID-3), on the portal.

No login. Every POST counts against the hourly limit of the client's address (429 beyond);
the form needs a solved proof of work (ALTCHA format) or the upload grant that one bought.
Pages are ``no-store``: the query code shown once must not sit in a shared cache.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sanxiang.catalog.kinds import spec_for
from sanxiang.catalog.procedures import workflow_chart, workflow_steps
from sanxiang.core.clientip import client_ip
from sanxiang.core.forms import add_service_errors
from sanxiang.core.validation import error_dict

from . import selectors, services
from .conf import PUBLIC_TYPES, setting
from .forms import ProgressForm, PublicReportForm
from .services.intake import IntakeRefused


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    from sanxiang.portal.views import SLUGS

    context.setdefault(
        "portal_sections", [(slug, spec_for(kind).label) for slug, kind in SLUGS.items()]
    )
    context.setdefault("section", "complaints")
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _refused(request: HttpRequest, exc: IntakeRefused) -> HttpResponse:
    response = _page(
        request, "complaints/public/refused.html", {"message": exc.message}, status=exc.status
    )
    if exc.status == 429:
        response["Retry-After"] = "3600"
    return response


def post_throttled(request: HttpRequest, kind: str) -> HttpResponse | None:
    """The hourly per-address limit of the public forms (ADR 0140, 0148) for another public
    form (``kind`` ≤ 10 letters): None within the limit, else the 429 page to answer with."""
    try:
        services.throttle_hit(
            address=client_ip(request),
            kind=kind,
            limit=setting("SANXIANG_COMPLAINT_POSTS_PER_HOUR"),
        )
    except IntakeRefused as exc:
        return _refused(request, exc)
    return None


def _count_post(request: HttpRequest) -> None:
    services.throttle_hit(
        address=client_ip(request),
        kind="post",
        limit=setting("SANXIANG_COMPLAINT_POSTS_PER_HOUR"),
    )


def _form_page(request: HttpRequest, form: PublicReportForm, status: int = 200) -> HttpResponse:
    return _page(
        request,
        "complaints/public/new.html",
        {
            "form": form,
            "challenge": json.dumps(services.pow_challenge()),
            "limits": {
                "file_mb": setting("SANXIANG_COMPLAINT_FILE_MAX") // (1024 * 1024),
                "files": setting("SANXIANG_COMPLAINT_FILES_PER_REPORT"),
                "types": ",".join(PUBLIC_TYPES),
                "file_max": setting("SANXIANG_COMPLAINT_FILE_MAX"),
            },
            "chart": workflow_chart("complaint"),
            "steps": workflow_steps("complaint"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, PublicReportForm())
    try:
        _count_post(request)
    except IntakeRefused as exc:
        return _refused(request, exc)
    form = PublicReportForm(request.POST)
    if form.is_valid():
        data = form.service_data()
        try:
            complaint, code = services.complaint_submit(
                address=client_ip(request),
                data=data,
                pow_payload=data.pop("captcha", ""),
                grant_token=data.pop("grant", ""),
                upload_ids=form.upload_ids(),
            )
        except IntakeRefused as exc:
            return _refused(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _page(
                request,
                "complaints/public/received.html",
                {"number": complaint.number, "code": code, "files": complaint.files.count()},
                status=201,
            )
    return _form_page(request, form, status=400)


@require_POST
def grant(request: HttpRequest) -> HttpResponse:
    """The upload capability, after the proof of work (JSON for the upload script)."""
    try:
        _count_post(request)
        token, grant = services.grant_issue(
            address=client_ip(request), pow_payload=request.POST.get("captcha", "")
        )
    except IntakeRefused as exc:
        response = JsonResponse({"title": exc.message, "status": exc.status}, status=exc.status)
        response["Retry-After"] = "3600"
        return response
    except ValidationError as exc:
        messages = [m for ms in error_dict(exc).values() for m in ms]
        return JsonResponse(
            {"title": messages[0] if messages else _("请求有误"), "status": 400}, status=400
        )
    response = JsonResponse(
        {
            "grant": token,
            "expires": grant.expires_at.isoformat(),
            "challenge": services.pow_challenge(),
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def progress(request: HttpRequest) -> HttpResponse:
    """办理进度查询: the number and the query code give the states and the reply — nothing else."""
    answer = None
    status = 200
    if request.method == "POST":
        try:
            _count_post(request)
        except IntakeRefused as exc:
            return _refused(request, exc)
        form = ProgressForm(request.POST)
        if form.is_valid():
            complaint = services.query_code_check(
                form.cleaned_data["number"], form.cleaned_data["code"]
            )
            if complaint is None:
                form.add_error(None, _("举报编号或查询码不正确。"))
                status = 404
            else:
                answer = selectors.public_progress(complaint)
        else:
            status = 400
    else:
        form = ProgressForm()
    return _page(
        request, "complaints/public/progress.html", {"form": form, "answer": answer}, status=status
    )
