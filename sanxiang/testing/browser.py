"""Playwright fixtures driving Debian's Chromium (never a downloaded browser).

Every request the page makes is recorded; a test fails if any leaves 127.0.0.1, because
the agency intranet has no internet and every asset must be served locally. A test also fails
on any ``securitypolicyviolation`` event: the Content-Security-Policy (ADR 0077) must hold for
everything the pages really do, not only for the markup a unit test reads.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = os.environ.get("SANXIANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
BROWSER_INTERNAL = ("data:", "blob:", "about:", "chrome:", "chrome-extension:")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# Runs before any page script, in every frame; reports each violation to the test.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  window.__sanxiangCspViolation(
    [e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" ")
  );
});
"""


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def output_dir(request) -> Path:
    name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])
    path = RESULTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(chromium, live_server, output_dir):
    """A fresh Chinese-locale page; fails the test if a request leaves this machine or the
    Content-Security-Policy refuses anything."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    context.expose_binding(
        "__sanxiangCspViolation", lambda _source, text: violations.append(str(text))
    )
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.set_default_timeout(15000)
    external: list[str] = []

    def check(request):
        host = urlparse(request.url).hostname or ""
        # data:/blob:/about: and the browser's own pages (its built-in PDF viewer loads from
        # chrome:// and chrome-extension://) never reach the network.
        if request.url.startswith(BROWSER_INTERNAL):
            return
        if host not in LOCAL_HOSTS:
            external.append(request.url)

    page.on("request", check)
    page.base_url = live_server.url
    page.csp_violations = violations
    yield page
    page.screenshot(path=str(output_dir / "final.png"), full_page=True)
    context.close()
    assert not external, f"requests left 127.0.0.1: {external}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


# TOTP secrets the browser enrolled in this test run, and the last time step each used
# (a TOTP step is accepted once: a second sign-in within 30 s uses the next step's code).
_SECRETS: dict[str, str] = {}
_LAST_STEP: dict[str, int] = {}


def _next_code(username: str) -> str:
    import time

    from sanxiang.testing.auth import totp_code

    step = max(int(time.time() // 30), _LAST_STEP.get(username, -1) + 1)
    while step > int(time.time() // 30) + 1:  # beyond the accepted window: wait a step
        time.sleep(1)
    _LAST_STEP[username] = step
    return totp_code(_SECRETS[username], at=step * 30 + 1)


def login(page, username: str, password: str | None = None) -> None:
    """Sign in as a person does: password, then the authenticator's code where the account
    needs one — enrolling it first (reading the secret shown as text) on the first sign-in; an
    account enrolled before (the demo accounts) answers with the published demo secret."""
    from sanxiang.testing import factories
    from sanxiang.testing.auth import key_from_base32

    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password or factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/account/second-factor/enrol/" in page.url:
        _SECRETS[username] = key_from_base32(page.inner_text("#enrol-secret"))
        _LAST_STEP.pop(username, None)
        page.fill("#id_code", _next_code(username))
        page.click("form button.primary")
        page.wait_for_selector("#recovery-codes")
        page.click("a.button.primary")
    elif "/account/second-factor/" in page.url:
        if username not in _SECRETS:  # enrolled before the browser came: a demo account
            import time

            from sanxiang.org.checks import demo_key_hex

            _SECRETS[username] = demo_key_hex()
            # its enrolment may have spent this step's code: answer with the next one
            _LAST_STEP[username] = int(time.time() // 30)
        page.fill("#id_code", _next_code(username))
        page.click("form button.primary")
    page.wait_for_selector("h1")
