"""Opens the audit context for each web and API request."""

import re
import uuid

from .audit import audit_context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        user = (
            request.user
            if getattr(request, "user", None) and request.user.is_authenticated
            else None
        )
        with audit_context(
            actor=user,
            channel=channel,
            request_id=request_id,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        ):
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
