"""API authentication: the browser session (with CSRF) or a bearer token."""

from ninja.security import HttpBearer, django_auth

from .tokens import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        staff = api_token_authenticate(token)
        if staff is not None:
            request.user = staff
        return staff


AUTH = [django_auth, TokenAuth()]
