"""The portal's public page where a party checks a served document (ADR 0224). No login.

Every POST counts against the public forms' hourly limit per address (``post_throttled``,
429 beyond). The body is refused by its declared length before anything reads it (the CSRF
check parses multipart bodies), so an oversized upload never reaches memory or a temp file.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from .forms import PublicCheckForm

# The form's limit plus room for the other fields and the multipart framing.
BODY_MAX = PublicCheckForm.MAX_BYTES + 64 * 1024


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    from sanxiang.portal.views import _page as portal_page

    context.setdefault("section", "document_check")
    response = portal_page(request, "documents/public_check.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # checked below by csrf_protect, once the body's size is known to be bounded
@require_http_methods(["GET", "POST"])
def document_check(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        from sanxiang.complaints.public_views import post_throttled

        refused = post_throttled(request, "doc_check")
        if refused is not None:
            return refused
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = BODY_MAX + 1
        if length > BODY_MAX:
            return _page(request, {"form": PublicCheckForm(), "too_large": True}, status=413)
    return _document_check(request)


@csrf_protect
def _document_check(request: HttpRequest) -> HttpResponse:
    from . import public_check

    posted = request.method == "POST"
    form = PublicCheckForm(request.POST, request.FILES) if posted else PublicCheckForm()
    answer = None
    if posted and form.is_valid():
        data = form.cleaned_data
        answer = (
            public_check.check_upload(data["pdf"])
            if data.get("pdf")
            else public_check.check_number(data["number"], data["sha256"])
        )
    status = 400 if form.is_bound and form.errors else 200
    return _page(request, {"form": form, "answer": answer}, status=status)
