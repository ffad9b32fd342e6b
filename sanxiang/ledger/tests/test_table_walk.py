"""Tampering the table walk finds (issue P8 item 1, JL-USE-3, JL-ARC-4; ADR 0060–0062).

Each case writes the database by SQL, as an attacker with database access would, and checks
that ``manage.py ledger_verify`` exits non-zero and names the table and the row. They run on
SQLite and, with ``DATABASE_URL`` pointing at PostgreSQL, on PostgreSQL.
"""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from sanxiang.ledger import keys, lag, services, triggers
from sanxiang.ledger.models import Checkpoint, LedgerEntry
from sanxiang.ledger.verification import (
    DERIVED_MISMATCH,
    ENTRY_MISSING,
    OBJECT_CHANGED,
    OBJECT_UNRECORDED,
    ROLE_UNGRANTED,
    verify_ledger,
)
from sanxiang.org.models import Staff
from sanxiang.org.roles import Role
from sanxiang.publicity.fields import LICENCE_CATEGORIES
from sanxiang.testing import factories
from sanxiang.testing.auth import enrol, sign_in

LICENCE_CATEGORY = LICENCE_CATEGORIES[0][0]


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def verify_command() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("ledger_verify", "--skip-fixity", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def assert_named(table: str, row_id, *kinds: str) -> str:
    """``ledger_verify`` fails, and a problem of one of ``kinds`` names ``table`` and the row."""
    status, out = verify_command()
    assert status == 1, out
    report = verify_ledger()
    named = [
        p
        for p in report.problems
        if p.kind in kinds
        and p.detail.get("table") == table
        and str(p.detail.get("object_id", p.detail.get("staff_id"))) == str(row_id)
    ]
    assert named, report.text()
    assert table in out and str(row_id) in out
    return out


@pytest.fixture
def crew(province):
    sub = province["a"]
    return {
        "officer": factories.officer(agency=sub, full_name="李明"),
        "officer2": factories.officer(agency=sub, full_name="王强"),
        "head": factories.head(agency=sub, full_name="赵局长"),
        "mine": factories.mine(agency=sub),
        **factories.publicity_team(agency=sub),
    }


@pytest.fixture
def released(crew):
    """A licensing result, released through the pipeline: a version and a search entry."""
    from sanxiang.publicity import services as publicity

    publication = publicity.publication_manual_create(
        actor=crew["editor"],
        agency=crew["mine"].supervising_agency,
        category="licensing",
        decided_on=timezone.localdate(),
        mine=crew["mine"],
        fields={
            "party_name": crew["mine"].name,
            "licence_content": "核发安全生产许可证",
            "decision_number": "测许〔2026〕1号",
            "licence_document_name": "安全生产许可证核发决定书",
            "licence_category": LICENCE_CATEGORY,
            "valid_from": "2026-01-01",
            "valid_to": "2028-12-31",
            "current_status": "有效",
        },
    )
    publication = publicity.publication_confirm(
        actor=crew["editor"], publication=publication, confirmed=True
    )
    publication = publicity.publication_review(actor=crew["reviewer"], publication=publication)
    return publicity.publication_approve(actor=crew["head"], publication=publication)


def test_clean_world_verifies(released, crew):
    report = verify_ledger()
    assert report.ok, report.text()
    assert verify_command()[0] == 0


def test_publication_version_public_fields_updated(released):
    version = released.live_version
    sql(
        f"UPDATE publicity_publicationversion SET {q('public_fields')} = %s WHERE id = %s",
        ['{"party_name": "冒名煤矿"}', version.pk],
    )
    assert_named("publicity_publicationversion", version.pk, OBJECT_CHANGED)


@pytest.mark.parametrize("column", ["party_name", "outcome"])
def test_public_entry_updated(released, column):
    entry = released.public_entry
    sql(
        f"UPDATE publicity_publicentry SET {q(column)} = %s WHERE id = %s",
        ["被改写的公示内容", entry.pk],
    )
    out = assert_named("publicity_publicentry", entry.pk, DERIVED_MISMATCH)
    assert column in out


def test_head_role_inserted_used_and_removed_again(crew, mines_case):
    officer, case = crew["officer"], mines_case
    enrol(officer)  # his authenticator, set up while he was an officer
    sql("INSERT INTO org_staffrole (staff_id, role) VALUES (%s, %s)", [officer.pk, Role.HEAD])
    # While the row is there, it is a row without an event.
    assert_named("org_staffrole", _role_row(officer, Role.HEAD), OBJECT_UNRECORDED)

    # The officer approves his own case filing through the API, as head.
    client = sign_in(Client(enforce_csrf_checks=True), officer)  # password and code
    client.get("/org/password/")  # a page with a form: the CSRF cookie a browser holds
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/cases/cases/{case.pk}/approve-filing",
        {"opinion": "同意立案。", "expected_status": case.status},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200, response.content
    approval = LedgerEntry.objects.filter(action="case.approve_filing").latest("seq")
    assert approval.actor_id == officer.pk

    # The row is removed again: the table is clean, the approval is not.
    sql("DELETE FROM org_staffrole WHERE staff_id = %s AND role = %s", [officer.pk, Role.HEAD])
    out = assert_named("org_staffrole", officer.pk, ROLE_UNGRANTED)
    assert f"#{approval.seq}" in out
    problems = verify_ledger().of_kind(ROLE_UNGRANTED)  # the approval and its document
    assert approval.seq in {p.seq for p in problems}
    assert all(p.detail["roles_not_granted"] == [Role.HEAD] for p in problems)


def _role_row(staff: Staff, role: str) -> int:
    return staff.role_grants.get(role=role).pk


@pytest.fixture
def mines_case(crew, province):
    factories.enforcement_catalogs(agency=province["provincial"])
    return factories.filed_case(
        officers=[crew["officer"], crew["officer2"]],
        mine=crew["mine"],
        head=crew["head"],
        approve=False,
    )


def test_case_row_inserted_without_event(mines_case):
    columns = [f.column for f in type(mines_case)._meta.concrete_fields if not f.primary_key]
    listed = ", ".join(q(c) for c in columns)
    new_id = mines_case.pk + 1000
    sql(
        f"INSERT INTO cases_case (id, {listed}) SELECT %s, {listed} FROM cases_case WHERE id = %s",
        [new_id, mines_case.pk],
    )
    assert_named("cases_case", new_id, OBJECT_UNRECORDED)


def test_password_hash_copied_between_staff(crew):
    victim, attacker = crew["head"], crew["officer"]
    sql(
        "UPDATE org_staff SET password = (SELECT password FROM org_staff WHERE id = %s) "
        "WHERE id = %s",
        [attacker.pk, victim.pk],
    )
    assert_named("org_staff", victim.pk, OBJECT_CHANGED)


def test_password_rehash_at_login_is_recorded_and_verifies(crew, settings):
    officer = crew["officer"]
    # A stronger hasher first in the list: Django re-encodes the hash at the next login.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = Staff.objects.get(pk=officer.pk).password
    response = Client().post(
        "/login/", {"username": officer.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    new_hash = Staff.objects.get(pk=officer.pk).password
    assert new_hash != old_hash and new_hash.startswith("pbkdf2_sha256$")
    rehash = LedgerEntry.objects.filter(action="staff.password_rehash").get()
    assert rehash.object_id == str(officer.pk) and rehash.actor_id == officer.pk
    assert new_hash not in rehash.body and old_hash not in rehash.body
    assert verify_ledger().ok


def test_catalog_entry_description_changed(province):
    factories.enforcement_catalogs(agency=province["provincial"])
    from sanxiang.catalog.models import ViolationEntry

    entry = ViolationEntry.objects.order_by("pk").first()
    sql(
        f"UPDATE catalog_violationentry SET {q('description')} = %s WHERE id = %s",
        ["被改写的违法行为描述", entry.pk],
    )
    assert_named("catalog_violationentry", entry.pk, OBJECT_CHANGED)


def _cut_tail(size: int) -> None:
    for statement in triggers.drop_statements(connection.vendor):
        sql(statement)
    sql("DELETE FROM ledger_ledgerentry WHERE seq > %s", [size])
    for level in range(64):  # every node that covers a deleted leaf
        sql(
            f"DELETE FROM ledger_treenode WHERE {q('level')} = %s AND {q('index')} >= %s",
            [level, size >> level],
        )


def test_tail_truncated_after_the_last_checkpoint(crew, django_capture_on_commit_callbacks):
    """The entries after the last checkpoint and their leaves are deleted: the rows they
    touched are reported (a mine created, an officer's record changed)."""
    with django_capture_on_commit_callbacks(execute=True):
        size = services.checkpoint_sign().tree_size
    mine = factories.mine(agency=crew["mine"].supervising_agency)
    from sanxiang.org import services as org

    org.staff_update(actor=factories.superuser(), staff=crew["officer2"], position="副科长")
    _cut_tail(size)
    report = verify_ledger()
    assert not report.of_kind(ENTRY_MISSING)  # nothing signed covers the cut-off part
    assert_named("registry_coalmine", mine.pk, OBJECT_UNRECORDED)
    assert_named("org_staff", crew["officer2"].pk, OBJECT_CHANGED)


def test_tail_truncated_with_its_checkpoint_rows(crew, django_capture_on_commit_callbacks):
    """The tail is cut below a checkpoint, and the checkpoint rows are deleted too: the
    checkpoint remembered beside the keys still shows the log was longer."""
    with django_capture_on_commit_callbacks(execute=True):
        early = services.checkpoint_sign().tree_size
    factories.mine(agency=crew["mine"].supervising_agency)
    with django_capture_on_commit_callbacks(execute=True):
        late = services.checkpoint_sign().tree_size
    assert keys.remembered_checkpoint() == Checkpoint.objects.get(tree_size=late).note
    _cut_tail(early)
    sql("DELETE FROM ledger_checkpoint WHERE tree_size > %s", [early])
    report = verify_ledger()
    missing = report.of_kind(ENTRY_MISSING)
    assert missing and missing[0].detail["last_missing"] == late
    status, out = verify_command()
    assert status == 1 and "密钥目录中保存的最新检查点" in out and "记录缺失" in out


def test_checkpoint_signed_after_the_maximum_lag(
    crew, settings, django_capture_on_commit_callbacks
):
    settings.SANXIANG_CHECKPOINT_MAX_LAG = 0
    lag._pending_since = None
    before = Checkpoint.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        factories.mine(agency=crew["mine"].supervising_agency)
    latest = Checkpoint.objects.order_by("-tree_size").first()
    assert Checkpoint.objects.count() == before + 1
    assert latest.tree_size == services.tree_size()
    # and on shutdown: nothing new since, so nothing to sign; after an append, signed.
    assert lag.sign_on_shutdown() is None
    settings.SANXIANG_CHECKPOINT_MAX_LAG = 600
    with django_capture_on_commit_callbacks(execute=True):
        factories.mine(agency=crew["mine"].supervising_agency)
    assert lag.sign_on_shutdown() == services.tree_size()


def test_worker_signer_enqueues_the_lag_checkpoint_instead_of_signing(
    crew, settings, django_capture_on_commit_callbacks, monkeypatch
):
    """ADR 0184: with SANXIANG_CHECKPOINT_SIGNER=worker the web process signs nothing itself;
    the task it enqueues signs (here the immediate backend runs it on the spot)."""
    from sanxiang.ledger import tasks

    settings.SANXIANG_CHECKPOINT_MAX_LAG = 0
    settings.SANXIANG_CHECKPOINT_SIGNER = "worker"
    lag._pending_since = None
    lag._pending_seq = 0  # the process's high-water mark from earlier tests' appends
    enqueued = []
    real = tasks.checkpoint_catch_up
    monkeypatch.setattr(tasks, "checkpoint_catch_up", SimpleNamespace(enqueue=enqueued.append))
    before = Checkpoint.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        factories.mine(agency=crew["mine"].supervising_agency)
    assert Checkpoint.objects.count() == before
    assert enqueued == [services.tree_size()]
    assert real.enqueue(enqueued[0]).return_value == enqueued[0]
    assert Checkpoint.objects.order_by("-tree_size").first().tree_size == services.tree_size()
    settings.SANXIANG_CHECKPOINT_MAX_LAG = 600
