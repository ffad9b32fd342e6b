"""Content-Security-Policy on every page (ADR 0077), and no inline script in any template."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sanxiang.testing import factories

ROOT = Path(__file__).resolve().parents[2]


def _paths(resolver=None, prefix: str = "") -> list[str]:
    """A concrete path for every URL pattern (every parameter filled with 1)."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        route = re.sub(r"<(?:int:|path:|slug:|str:)?\w+>", "1", route)
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
        route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\", "")
        if isinstance(pattern, URLResolver):
            found.extend(_paths(pattern, prefix + route))
        elif isinstance(pattern, URLPattern):
            found.append("/" + prefix + route)
    return sorted(set(found))


PATHS = _paths()


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_every_url_pattern_is_walked():
    assert len(PATHS) > 100
    assert "/" in PATHS and "/api/docs" in PATHS


@pytest.mark.django_db
def test_every_page_carries_the_policy(province):
    """Staff, anonymous visitor and an API client: every answer — page, redirect, 403, 404,
    JSON — carries the same policy."""
    staff = Client(raise_request_exception=False)
    staff.force_login(factories.superuser())
    anonymous = Client(raise_request_exception=False)
    missing = []
    for path in PATHS:
        for client in (staff, anonymous):
            response = client.get(path)
            policy = _policy(response)
            if not policy or policy.get("script-src") != ["'self'", "'wasm-unsafe-eval'"]:
                missing.append((path, response.status_code))
    assert not missing, missing


@pytest.mark.django_db
def test_the_policy_allows_what_in_browser_hashing_needs_and_nothing_inline(client):
    policy = _policy(client.get("/public/"))
    assert policy["default-src"] == ["'self'"]
    assert "'wasm-unsafe-eval'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["worker-src"][0] == "'self'"
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def test_no_template_has_inline_script_handlers_or_style_elements():
    """Behaviour lives in static JS files; data reaches scripts through json_script. PDF
    templates are typeset by WeasyPrint (shown as HTML only in the decision preview, whose policy
    allows their inline print styles) and may keep <style>."""
    offenders = []
    for template in ROOT.glob("*/**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        name = str(template.relative_to(ROOT))
        if INLINE_SCRIPT.search(text) or EVENT_HANDLER.search(text) or "javascript:" in text:
            offenders.append(name)
        if STYLE_ELEMENT.search(text) and "/pdf/" not in name and not name.endswith("_pdf.html"):
            offenders.append(name)
    assert not offenders, offenders
