"""The enterprise realm's sign-in and its wall against the staff realm (ADR 0150).

* A mine's account signs in at ``/enterprise/login/`` and is kept under its own session key
  (:data:`SESSION_KEY`), never Django's ``_auth_user_id``: ``request.user`` stays anonymous
  in a mine's session, so every staff page, selector and API authenticator treats it as a
  stranger. :class:`EnterpriseRealmMiddleware` puts the account on ``request.enterprise``.
* The wall: a mine's session reaching anything outside ``/enterprise/`` and the public pages
  is refused (API: 403 problem; pages: back to the mine's home) before any view runs; a
  staff session reaching ``/enterprise/`` gets the mine's sign-in page and nothing else.
  Signing in on one side ends any sign-in on the other (the session is flushed).
* Passwords, lock-out and slow-down are the staff ones (ADR 0073): Django's validators,
  django-axes counting failures under a realm-prefixed name (``企业:login``) through the
  same ``user_login_failed`` signal, and ``org.login_throttle``.
"""

from __future__ import annotations

from django.contrib.auth import logout as staff_logout
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from sanxiang.core.clientip import client_ip
from sanxiang.core.querycodes import spend_one_check
from sanxiang.core.stepup import problem_response
from sanxiang.org.login_throttle import login_wait_seconds

from .models import AccountStatus, EnterpriseAccount, axes_username

SESSION_KEY = "sanxiang_enterprise_account"
#: Set after the password when the account has a second factor: the code is still owed.
PENDING_KEY = "sanxiang_enterprise_pending"
SESSION_HASH_KEY = "sanxiang_enterprise_hash"

#: What a mine's session may reach outside its own pages: public pages, static files, and the
#: staff sign-in page (signing in there ends the mine's session; the page shows no data).
OPEN_PREFIXES = ("/static/", "/i18n/", "/public/", "/transparency/", "/favicon", "/login/")
ENTERPRISE_PREFIX = "/enterprise/"
#: Staff pages under /enterprise/ (accounts of a mine, consent on file): staff only.
STAFF_PREFIX = "/enterprise/staff/"


def _session_hash(account: EnterpriseAccount) -> str:
    # A new password ends other sessions, like Django's session auth hash.
    return account.password[-16:]


def current_account(request: HttpRequest) -> EnterpriseAccount | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    pk = session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    account = (
        EnterpriseAccount.objects.select_related("mine", "mine__supervising_agency")
        .filter(pk=pk, status=AccountStatus.ACTIVE)
        .first()
    )
    if account is None or session.get(SESSION_HASH_KEY) != _session_hash(account):
        return None
    return account


class EnterpriseRealmMiddleware:
    """After authentication: ``request.enterprise`` and the wall between the two realms."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.enterprise = SimpleLazyObject(lambda: current_account(request))
        session = getattr(request, "session", None)
        in_realm = session is not None and SESSION_KEY in session
        path = request.path
        if in_realm and not path.startswith(OPEN_PREFIXES):
            if path.startswith("/api/"):
                return problem_response(403, _("企业账号不能使用本接口。"), "enterprise_realm")
            if not path.startswith(ENTERPRISE_PREFIX) or path.startswith(STAFF_PREFIX):
                return redirect("enterprise:home")
        return self.get_response(request)


def account_sign_in(request: HttpRequest, account: EnterpriseAccount) -> None:
    """Start a mine's session: any staff sign-in in this browser ends first."""
    staff_logout(request)  # flushes the session, a new key against fixation
    request.session[SESSION_KEY] = account.pk
    request.session[SESSION_HASH_KEY] = _session_hash(account)
    EnterpriseAccount.objects.filter(pk=account.pk).update(last_login=timezone.now())


def account_sign_out(request: HttpRequest) -> None:
    request.session.flush()


@receiver(user_logged_in)
def _staff_sign_in_ends_enterprise_session(sender, request=None, **kwargs):
    """A staff sign-in in a browser that held a mine's session keeps nothing of it."""
    if request is not None and hasattr(request, "session"):
        for key in (SESSION_KEY, SESSION_HASH_KEY, PENDING_KEY):
            request.session.pop(key, None)


class SignInRefused(Exception):
    """The sign-in was refused; ``str(self)`` says why in words, ``locked`` for a lock-out."""

    def __init__(self, message: str, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked


def authenticate_account(request: HttpRequest, *, login: str, password: str) -> EnterpriseAccount:
    """Check a mine's login and password under the staff rules (ADR 0073), or refuse.

    Refused during the slow-down wait (without checking the password) and while django-axes
    holds a lock of this login from this address; a wrong password is a failure counted by
    django-axes (``user_login_failed``), which locks after ``AXES_FAILURE_LIMIT``.
    """
    from axes.handlers.proxy import AxesProxyHandler

    login = (login or "").strip()
    credentials = {"username": axes_username(login)}
    if not AxesProxyHandler.is_allowed(request, credentials):
        raise SignInRefused(
            _("由于多次登录失败，该账号已被暂时锁定，请30分钟后再试。"), locked=True
        )
    wait = login_wait_seconds(
        username=credentials["username"],
        ip_address=client_ip(request),
        last_success=EnterpriseAccount.objects.filter(login__iexact=login)
        .values_list("last_login", flat=True)
        .first(),
    )
    if wait:
        raise SignInRefused(_("登录尝试过于频繁，请在 %(seconds)d 秒后再试。") % {"seconds": wait})
    account = EnterpriseAccount.objects.select_related("mine").filter(login__iexact=login).first()
    if account is None:
        spend_one_check(password)
    if account is None or not account.check_password(password or ""):
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            request.axes_locked_out = False  # answered here, not by axes' middleware page
            raise SignInRefused(
                _("由于多次登录失败，该账号已被暂时锁定，请30分钟后再试。"), locked=True
            )
        raise SignInRefused(_("登录名或密码不正确。"))
    if account.status == AccountStatus.PENDING:
        raise SignInRefused(_("该账号尚待监管机构核验，核验通过后即可登录。"))
    if account.status != AccountStatus.ACTIVE:
        raise SignInRefused(_("该账号已停用。"))
    AxesProxyHandler.reset_attempts(username=credentials["username"], ip_address=client_ip(request))
    return account
