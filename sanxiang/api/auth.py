"""API authentication: a bearer token, or the browser session with its CSRF check (ADR 0075).

Order matters. The token is tried first, and a request that carries an ``Authorization``
header is never handed to the session authenticator, whose CSRF check would refuse a
cookie-less integrator's write with 403. A bad token is a 401, not a fall-through.

Operations in :data:`SESSION_ONLY_OPERATIONS` (approvals, decisions, signing) refuse bearer
tokens outright with a Chinese problem body: those acts are done by the person, signed in,
with a fresh second factor.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from .tokens import api_token_lookup, required_scope


class TokenScopeDenied(PermissionDenied):
    pass


class BearerNotAllowed(PermissionDenied):
    pass


def has_authorization_header(request) -> bool:
    return bool(request.headers.get("Authorization"))


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = api_token_lookup(token)
        if found is None:
            raise AuthenticationError()
        scope = required_scope(request.method, request.path)
        if not found.allows(scope):
            raise TokenScopeDenied(
                _("该令牌没有此操作所需的权限范围（%(scope)s），请签发包含该范围的令牌。")
                % {"scope": scope}
            )
        request.user = found.staff
        request.api_token = found.token
        return found.staff


class BrowserSession(SessionAuth):
    """Django's session with CSRF — only for requests that carry no Authorization header."""

    def __call__(self, request):
        if has_authorization_header(request):
            return None
        return super().__call__(request)


class SessionOnly(BrowserSession):
    """For approvals, decisions and signing: a bearer token is refused, not just ignored."""

    def __call__(self, request):
        if has_authorization_header(request):
            raise BearerNotAllowed(
                _(
                    "审批、决定、签署等操作不能使用接口令牌办理，"
                    "请本人登录系统并完成动态口令确认后在网页或浏览器会话中办理。"
                )
            )
        return super().__call__(request)


AUTH = [TokenAuth(), BrowserSession()]
SESSION_ONLY_AUTH = [SessionOnly()]

#: (method, path) of every API operation that approves, decides or signs. Kept in step with
#: the step-up list (ADR 0071, ADR 0075); api.py applies it and fails
#: at start-up if a listed operation no longer exists.
SESSION_ONLY_OPERATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        ("POST", "/api/org/staff"),
        ("PATCH", "/api/org/staff/{staff_id}"),
        ("POST", "/api/evidence/retrievals/{retrieval_id}/decision"),
        ("POST", "/api/documents/borrow-requests/{borrow_id}/decision"),
        ("POST", "/api/catalog/versions/{version_id}/transitions"),
        ("POST", "/api/inspections/enforcement-plans/{enforcement_plan_id}/approve"),
        ("POST", "/api/inspections/plans/{plan_id}/approve"),
        ("POST", "/api/inspections/plans/{plan_id}/return"),
        ("POST", "/api/inspections/letters/{letter_id}/approve"),
        ("POST", "/api/inspections/letters/{letter_id}/return"),
        ("POST", "/api/cases/cases/{case_id}/confidentiality"),
        ("POST", "/api/documents/documents/{document_id}/confidentiality"),
        ("POST", "/api/cases/cases/{case_id}/approve-filing"),
        ("POST", "/api/cases/cases/{case_id}/refuse-filing"),
        ("POST", "/api/cases/cases/{case_id}/approve-report"),
        ("POST", "/api/cases/cases/{case_id}/return-report"),
        ("POST", "/api/cases/cases/{case_id}/decision"),
        ("POST", "/api/cases/cases/{case_id}/additional-fine"),
        ("POST", "/api/cases/cases/{case_id}/court-enforcement"),
        ("POST", "/api/cases/cases/{case_id}/close"),
        ("POST", "/api/review/reviews/{review_id}/extension"),
        ("POST", "/api/review/reviews/{review_id}/collective-decision"),
        ("POST", "/api/review/reviews/{review_id}/collective-clearance"),
        ("POST", "/api/publicity/publications/{publication_id}/approve"),
        ("POST", "/api/publicity/publications/{publication_id}/return"),
        ("POST", "/api/publicity/publications/{publication_id}/withdraw"),
    }
)


def apply_session_only(api) -> None:
    """Give the listed operations session-only authentication (also in the OpenAPI schema)."""
    found = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/" + (prefix.strip("/") + "/" + path.lstrip("/")).strip("/")
            for operation in path_view.operations:
                for method in operation.methods:
                    if (method, full) in SESSION_ONLY_OPERATIONS:
                        # Set on the template operation before django-ninja binds (clones) it,
                        # so its auth inheritance keeps this explicit choice.
                        operation.auth_param = list(SESSION_ONLY_AUTH)
                        operation.auth_callbacks = list(SESSION_ONLY_AUTH)
                        found.add((method, full))
    missing = SESSION_ONLY_OPERATIONS - found
    if missing:
        raise RuntimeError(f"SESSION_ONLY_OPERATIONS names unknown operations: {sorted(missing)}")
