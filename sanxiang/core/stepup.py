"""Second factor at sign-in and step-up before weighty actions: the one helper (ADR 0071).

Two rules live here and nowhere else:

* **Second factor at sign-in.** :func:`second_factor_required` says who must give a one-time
  code before reaching any staff page or API write: the roles in
  ``SANXIANG_SECOND_FACTOR_ROLES`` (heads, legal reviewers, custodians, publicity editors,
  administrators by default), superusers and admin-site users, and anyone who has enrolled a
  device (an officer who chose to). :class:`SecondFactorMiddleware` enforces it.
* **Step-up.** An action in :data:`STEP_UP_ACTIONS` needs a second factor given within the
  last ``SANXIANG_STEP_UP_MINUTES``. The list names ledger actions, so the check sits where
  every state change passes: :func:`sanxiang.ledger.services.ledger_append` calls
  :func:`check_ledger_action`, which raises :class:`StepUpRequired` inside the service's
  transaction (nothing is written) when the event comes from a web or API request whose
  session has no fresh second factor. A request authenticated by a bearer token has no such
  session, so a token can never carry these actions. Commands and background tasks (no
  request: ``channel`` command, task or system) are operated from the server itself.

Views and API operations may also ask up front with :func:`require_step_up` or the
:func:`step_up_required` decorator, which sends a page to the step-up form before it shows
a form whose submission would need it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .audit import current as current_audit

#: Session key: epoch seconds (real clock, never the demo's simulated one) of the last
#: second factor this session gave.
SESSION_KEY = "sanxiang_second_factor_at"

#: The step-up list (ADR 0071 keeps the same list; a test compares them). Ledger actions.
STEP_UP_ACTIONS: frozenset[str] = frozenset(
    {
        # cases: the head's transitions (approvals, decisions, closing)
        "case.approve_filing",
        "case.refuse_filing",
        "case.approve_report",
        "case.return_report",
        "case.decide",
        "case.impose_additional_fine",
        "case.apply_court",
        "case.close",
        # cases: the head's decision on a criminal transfer (issue 18, ADR 0220)
        "case.transfer_approve",
        "case.transfer_refuse",
        # cases: the head's rows of the procedure branches (ADR 0205)
        "case.branch_preservation_handle",
        "case.branch_sealing_seal",
        "case.branch_sealing_extend",
        "case.branch_sealing_release",
        "case.branch_deferral_grant",
        "case.branch_deferral_refuse",
        "case.branch_recusal_decide",
        "case.branch_extension_extend_limit",
        # inspections: approving enforcement plans and inspection plans
        "enforcement_plan.approve",
        "inspection_plan.approve",
        "inspection_plan.return",
        # inspections: the head's decision on a safety-supervision letter (issue 14)
        "letter.issue",
        "letter.return",
        # confidentiality levels set by the head (JL-ARC-2, ADR 0128)
        "case.confidentiality",
        "document.confidentiality",
        # legal review: extension and collective decision
        "review.extension",
        "review.collective_proceed",
        "review.collective_return",
        "review.collective_decision",
        # publicity: approval, publication, withdrawal
        "publication.approve",
        "publication.return",
        "publication.publish",
        "publication.withdraw",
        "publication.reject_withdrawal",
        "publication.expire",
        "report.approve",
        "report.publish",
        # catalog versions
        "catalog.approve",
        "catalog.publish",
        "catalog.return",
        "catalog.revoke",
        # evidence: retrieval approvals
        "retrieval.approve",
        "retrieval.refuse",
        # documents and archive units: borrowing approvals (ADR 0123)
        "borrow.approve",
        "borrow.refuse",
        # roles and accounts (requests, decisions, resets)
        "staff.create",
        "staff.update",
        "staff.privilege_request",
        "staff.privilege_approve",
        "staff.privilege_reject",
        "staff.second_factor_reset",
        # supervision: the head's approval and report of the annual assessment (ADR 0167)
        "assessment.approve",
        "assessment.publish",
        # later work: signing, archive filing and disposal, API tokens
        "document.sign",
        "archive.file",
        "archive.return",
        "archive.dispose",
        "api_token.create",
    }
)

#: Channels whose events come from a person's request and so must show a fresh step-up.
REQUEST_CHANNELS = frozenset({"web", "api"})


class StepUpRequired(PermissionDenied):
    """The action needs a second factor given within the last few minutes."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("此操作需要先输入动态口令确认身份。"))


def step_up_seconds() -> int:
    return int(getattr(settings, "SANXIANG_STEP_UP_MINUTES", 10)) * 60


def second_factor_roles() -> frozenset[str]:
    return frozenset(getattr(settings, "SANXIANG_SECOND_FACTOR_ROLES", ()))


def has_device(user: Any) -> bool:
    from django_otp import user_has_device

    return bool(user is not None and user.is_authenticated and user_has_device(user))


def second_factor_required(user: Any) -> bool:
    """Whether ``user`` must give a one-time code at sign-in (ADR 0071)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    if user.has_role(*second_factor_roles()):
        return True
    return has_device(user)


def is_verified(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_verified())


def mark_second_factor(request: HttpRequest, device: Any) -> None:
    """Record in the session that ``device`` just accepted a code (sign-in or step-up)."""
    from django_otp import login as otp_login

    otp_login(request, device)
    request.session[SESSION_KEY] = time.time()


def second_factor_at(request: HttpRequest) -> float | None:
    """When this request's session last gave a second factor (None for token requests)."""
    if not is_verified(request):
        return None
    session = getattr(request, "session", None)
    value = session.get(SESSION_KEY) if session is not None else None
    return float(value) if isinstance(value, (int, float)) else None


def is_fresh(moment: float | None) -> bool:
    return moment is not None and 0 <= time.time() - moment <= step_up_seconds()


def step_up_fresh(request: HttpRequest) -> bool:
    return is_fresh(second_factor_at(request))


def require_step_up(request: HttpRequest) -> None:
    """Raise :class:`StepUpRequired` unless the session gave a second factor recently."""
    if not step_up_fresh(request):
        raise StepUpRequired()


def step_up_required(view: Callable) -> Callable:
    """Decorate a page view or a django-ninja operation: step-up before it runs.

    A page is sent to the step-up form and comes back after; an API operation answers 403
    with a problem body (the API's exception handler) — the client signs in again in a browser.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        require_step_up(request)
        return view(request, *args, **kwargs)

    return wrapper


def check_ledger_action(action: str) -> None:
    """Called by ``ledger_append`` for every event: refuse a listed action without step-up.

    The audit context opened by :class:`sanxiang.core.middleware.AuditContextMiddleware`
    carries the request's channel and when its session last gave a second factor.
    """
    if action not in STEP_UP_ACTIONS:
        return
    context = current_audit()
    if context.channel not in REQUEST_CHANNELS:
        return
    if not is_fresh(context.second_factor_at):
        raise StepUpRequired()


def step_up_url(next_url: str) -> str:
    return reverse("second_factor_step_up") + "?" + urlencode({"next": next_url})


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def problem_response(status: int, title: str, code: str) -> JsonResponse:
    response = JsonResponse(
        {"type": "about:blank", "title": title, "status": status, "code": code}, status=status
    )
    response["Content-Type"] = "application/problem+json"
    return response


#: Paths a signed-in user who still owes the second factor may reach.
_OPEN_PREFIXES = ("/static/", "/i18n/", "/public/", "/transparency/", "/favicon")
_OPEN_URL_NAMES = frozenset(
    {
        "login",
        "logout",
        "second_factor_verify",
        "second_factor_enrol",
        "second_factor_qr",
        "second_factor_recovery_codes",
    }
)


class SecondFactorMiddleware:
    """After ``django_otp``'s middleware: no staff page or API call before the second factor.

    A user who must give one (:func:`second_factor_required`) and has not in this session is
    sent to the code form (or, with no device yet, to enrolment); the API answers 403.
    It also turns :class:`StepUpRequired` raised anywhere in a view into the step-up form
    (pages) or a 403 problem (API).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not self._open(request)
            and second_factor_required(user)
        ):
            if _is_api(request):
                return problem_response(
                    403, _("请先在网页登录并完成动态口令验证。"), "second_factor_required"
                )
            target = "second_factor_verify" if has_device(user) else "second_factor_enrol"
            return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)

    @staticmethod
    def _open(request: HttpRequest) -> bool:
        if request.path.startswith(_OPEN_PREFIXES):
            return True
        match = getattr(request, "resolver_match", None)
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return True  # a 404 page reveals nothing
        return match.view_name in _OPEN_URL_NAMES

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, StepUpRequired):
            return None
        if _is_api(request):
            return problem_response(403, str(exception.args[0]), "step_up_required")
        back = request.get_full_path() if request.method == "GET" else None
        if back is None:
            back = safe_next(request, request.headers.get("Referer"), "/")
        messages.warning(request, str(exception.args[0]))
        return redirect(step_up_url(back))


def step_up_record() -> dict[str, Any]:
    """What a signature records about step-up (ADR 0200): the channel and the second factor.

    ``fresh`` says whether the signing request's session gave a second factor within the
    window; a command or task (no request) records its channel and no factor.
    """
    context = current_audit()
    moment = context.second_factor_at
    return {
        "channel": context.channel,
        "second_factor_at": (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment)) if moment else None
        ),
        "fresh": is_fresh(moment),
    }
