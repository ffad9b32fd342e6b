"""What a person sees is words (issue 13, item 1): every role walks the demo, one URL per URL
pattern, and no page — nor the errors of any form sent empty — shows an object reference
(``cases.case:6``), a Python repr, a snake_case token or English enum value, a field-name prefix
(``status：…``), a clause ID (``GS-MID-1``), a label without Chinese or a dangling “·”.

SQLite only, to keep the suite fast: the pages are the same on PostgreSQL. The demo is loaded
once for the module; each role's walk runs in its own transaction, so what its empty forms
change is rolled back before the next role walks.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.test import Client

from sanxiang.demo.enterprise import DEMO_MINE_LOGIN
from sanxiang.enterprise import realm
from sanxiang.enterprise.models import EnterpriseAccount
from sanxiang.org.models import Staff
from sanxiang.testing import crawl
from sanxiang.testing.auth import sign_in

ROLES = [
    "admin",  # superuser
    "sysadmin",  # system administrator
    "head",  # provincial head
    "head01",  # sub-bureau head and officer
    "officer01",
    "reviewer01",
    "custodian01",
    "editor01",
    "kuang01",  # the mine's own account (企业端, its own sign-in realm)
    None,  # anonymous visitor (portal, transparency log)
]
START = ["/", "/public/", "/transparency/"]
MINE_START = ["/enterprise/", "/enterprise/licensing/", "/enterprise/complaints/"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    if connection.vendor != "sqlite":
        pytest.skip("the crawl runs on SQLite only (the pages are the same on PostgreSQL)")
    with django_db_blocker.unblock():
        call_command("demo_load", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False, verbosity=0)


def enum_values() -> frozenset[str]:
    """Every single-word value of the project's choices (``sealing``, ``draft``): in the Chinese
    UI they must appear as their labels. Login names are data, not values, and are allowed."""
    values: set[str] = set()
    pending = list(models.Choices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        if choices.__module__.startswith("sanxiang."):
            values |= {v for v in choices.values if isinstance(v, str) and v.isalpha()}
    usernames = set(Staff.objects.values_list("username", flat=True))
    return frozenset(v for v in values if v.isascii() and v.islower()) - usernames


@pytest.mark.parametrize("username", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_no_internal_strings_reach_a_person(demo, db, username):
    client = Client()
    start = START
    if username == DEMO_MINE_LOGIN:  # the mine's realm: its own session keys
        account = EnterpriseAccount.objects.get(login=username)
        session = client.session
        session[realm.SESSION_KEY] = account.pk
        session[realm.SESSION_HASH_KEY] = realm._session_hash(account)
        session.save()
        start = MINE_START
    elif username:  # password and, where the role needs it, the second factor
        sign_in(client, Staff.objects.get(username=username))
    values = enum_values()
    who = username or "anonymous"
    findings, forms, errors, pages = crawl.crawl(client, user=who, start=start, enum_values=values)
    more, post_errors = crawl.submit_empty(client, forms, user=who, enum_values=values)
    findings += more
    problems = sorted({str(f) for f in findings}) + errors + post_errors
    assert not problems, "\n".join(problems)
    assert pages >= (10 if username is None else 25)
    assert forms or username is None


def test_the_checks_catch_what_they_are_for():
    """The crawl's checks on a page made of the strings issue 13 found on screens."""
    html = """<html><body><main>
      <label for="x">Entry *</label>
      <ul class="errorlist"><li>status：当前状态不允许此操作。</li></ul>
      <p>上传时在“关联对象”填写 cases.case:6</p>
      <a class="button">调阅审批（[&lt;RetrievalRequest: 调阅 YX00000012&gt;]）</a>
      <p>紧急措施 · sealing — 2026-12-14</p>
      <p>具有本单位列明的其他情形（social_impact）</p>
      <p>张三 · </p>
      <p>检查方案须经负责人批准（JL-TXT-3a）。</p>
      <p><code>sha256 ab12_cd</code> 摘要</p>
    </main></body></html>"""
    kinds = {
        f.kind
        for f in crawl.inspect_page(html, user="t", url="/", enum_values=frozenset({"sealing"}))
    }
    assert kinds == {
        "label without Chinese",
        "field-name prefix",
        "object reference",
        "Python repr",
        "English value",
        "snake_case token",
        "dangling separator",
        "clause code",
    }
    clean = "<p>紧急措施 · 查封、扣押 · 《实施办法》五（二）1 · <code>cases.case:6</code></p>"
    assert crawl.inspect_page(clean, user="t", url="/", enum_values=frozenset({"sealing"})) == []
