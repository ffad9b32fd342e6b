"""Opens the audit context for each web and API request."""

import re
import uuid

from django.conf import settings
from django.utils import translation

from .audit import audit_context
from .clientip import client_ip
from .stepup import second_factor_at

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
            remote_addr=client_ip(request),
            second_factor_at=second_factor_at(request) if user is not None else None,
        ):
            request.request_id = request_id
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ChineseFirstLocaleMiddleware:
    """Simplified Chinese unless the user chose another language (cookie) himself.

    Django's LocaleMiddleware would follow the browser's Accept-Language; agency users
    work in Chinese even on browsers set up in English, so only an explicit choice counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
