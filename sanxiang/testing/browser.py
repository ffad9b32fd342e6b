"""Playwright fixtures driving Debian's Chromium (never a downloaded browser).

Every request the page makes is recorded; a test fails if any leaves 127.0.0.1, because
the agency intranet has no internet and every asset must be served locally.
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
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


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
    """A fresh Chinese-locale page; fails the test if a request leaves this machine."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    external: list[str] = []

    def check(request):
        host = urlparse(request.url).hostname or ""
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in LOCAL_HOSTS:
            external.append(request.url)

    page.on("request", check)
    page.base_url = live_server.url
    yield page
    page.screenshot(path=str(output_dir / "final.png"), full_page=True)
    context.close()
    assert not external, f"requests left 127.0.0.1: {external}"
