"""The browser enforces the Content-Security-Policy, and the shared fixture hears violations."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_under_the_policy_and_inline_script_is_refused(page):
    page.goto(page.base_url + "/public/")
    assert page.evaluate("document.title")
    assert page.csp_violations == []
    ran = page.evaluate(
        """() => {
            window.inlineRan = false;
            const s = document.createElement("script");
            s.textContent = "window.inlineRan = true";
            document.body.appendChild(s);
            return window.inlineRan;
        }"""
    )
    assert ran is False
    page.wait_for_timeout(200)  # the event is dispatched asynchronously
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()  # the deliberate one; the fixture fails on any other
