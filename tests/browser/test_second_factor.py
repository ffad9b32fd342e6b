"""Enrolment of the authenticator and sign-in with it, in Chromium (ADR 0071)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sanxiang.org.roles import Role
from sanxiang.testing import factories
from sanxiang.testing.auth import key_from_base32, totp_code


@pytest.fixture
def head(transactional_db):
    national = factories.agency(name="国家局（浏览器）", short="国")
    provincial = factories.agency(parent=national, name="浏览器省局", short="浏")
    return factories.staff(agency=provincial, roles=[Role.HEAD], username="head_web")


def test_enrol_then_sign_in_with_the_code(page, head, output_dir):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "head_web")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#enrol-secret")
    assert "/account/second-factor/enrol/" in page.url
    # the QR code is an image drawn by the server
    # The load event waits for images; a polled string predicate would be eval'd in the page,
    # which the Content-Security-Policy (rightly) refuses.
    page.wait_for_load_state("load")
    assert page.evaluate("document.getElementById('enrol-qr').naturalWidth") > 100
    page.screenshot(path=str(output_dir / "enrol.png"))
    key = key_from_base32(page.inner_text("#enrol-secret"))
    page.fill("#id_code", "123")
    page.click("form button.primary")
    expect(page.locator("main")).to_contain_text("动态口令不正确")
    page.fill("#id_code", totp_code(key))
    page.click("form button.primary")
    page.wait_for_selector("#recovery-codes")
    codes = re.findall(r"\b[a-z0-9]{8}\b", page.inner_text("#recovery-codes"))
    assert len(codes) == 10
    page.click("a.button.primary")
    page.wait_for_selector("h1")
    assert "/account/" not in page.url and "/login/" not in page.url
    # sign out, sign in again: the password alone is not enough
    page.click("header form[action='/logout/'] button")
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "head_web")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_code")
    page.goto(page.base_url + "/cases/")
    assert "/account/second-factor/" in page.url
    page.fill("#id_code", codes[0])  # a recovery code stands in for the phone
    page.click("form button.primary")
    page.wait_for_selector("h1")
    assert "/cases/" in page.url
    assert "恢复码" in page.content()


def test_a_demo_account_signs_in_with_the_published_demo_secret(page, head):
    """Issue 12 item 4: the demo accounts' authenticator holds the secret printed in the README
    and the start banner; a person types the code it gives."""
    from sanxiang.demo.second_factor import enrol_demo_secret
    from sanxiang.org.checks import DEMO_TOTP_BASE32

    enrol_demo_secret(head)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert DEMO_TOTP_BASE32 in readme
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "head_web")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_code")
    assert "/account/second-factor/enrol/" not in page.url  # enrolled already, as in the demo
    # Enrolling spent this 30-second step's code (each is accepted once): the next one, as a
    # person would read it from the app a moment later.
    next_step = (int(time.time() // 30) + 1) * 30 + 1
    page.fill("#id_code", totp_code(key_from_base32(DEMO_TOTP_BASE32), at=next_step))
    page.click("form button.primary")
    page.wait_for_selector("h1")
    assert "/login/" not in page.url and "/account/second-factor/" not in page.url
