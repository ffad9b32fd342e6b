"""Passwords and the ledger (ADR 0004, ADR 0061): the hash enters the staff digest only as a
keyed MAC, every password change (and re-encoding at login) is an event without it, and every
staff column is covered (JL-USE-3)."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.services import ledger_append, object_digest
from sanxiang.ledger.verification import OBJECT_CHANGED, verify_ledger
from sanxiang.org import services
from sanxiang.org.models import Staff
from sanxiang.testing import factories
from sanxiang.testing.auth import sign_in

NEW_PASSWORD = "Another-pass-2026"


class CheapArgon2(Argon2PasswordHasher):
    """Argon2 with the parameters an agency started with (small, so the test is quick)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


class CostlierArgon2(CheapArgon2):
    """The same algorithm with a raised time cost: Django re-encodes old hashes at login."""

    time_cost = 2


CHEAP = [f"{__name__}.CheapArgon2"]
COSTLIER = [f"{__name__}.CostlierArgon2"]


@pytest.fixture
def admin(province):
    return factories.staff(agency=province["provincial"], roles=["system_admin"])


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


def password_events(staff: Staff) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            action="staff.password_change", object_type="org.staff", object_id=str(staff.pk)
        ).order_by("seq")
    )


def test_a_hash_upgrade_at_login_leaves_the_ledger_clean(province):
    with override_settings(PASSWORD_HASHERS=CHEAP):
        staff = factories.officer(agency=province["a"])
    old_hash = staff.password
    assert ",t=1," in old_hash
    with override_settings(PASSWORD_HASHERS=COSTLIER):
        response = Client().post(
            "/login/", {"username": staff.username, "password": factories.PASSWORD}
        )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.password != old_hash and ",t=2," in staff.password
    assert staff.last_login is not None
    assert password_events(staff) == []  # an upgrade is not a change of password
    assert verify_ledger().ok


def test_changing_ones_own_password_is_an_event_without_the_hash(officer):
    with pytest.raises(ValidationError) as exc:
        services.staff_password_set(
            actor=officer, staff=officer, password=NEW_PASSWORD, current_password="wrong"
        )
    assert "current_password" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.staff_password_set(
            actor=officer, staff=officer, password="12345", current_password=factories.PASSWORD
        )
    assert "password" in exc.value.message_dict
    assert password_events(officer) == []

    staff = services.staff_password_set(
        actor=officer, staff=officer, password=NEW_PASSWORD, current_password=factories.PASSWORD
    )
    assert staff.check_password(NEW_PASSWORD)
    (event,) = password_events(officer)
    assert event.actor_id == officer.pk and '"reset":false' in event.body
    assert staff.password not in event.body and NEW_PASSWORD not in event.body
    assert event.object_digest == object_digest(staff)
    assert verify_ledger().ok


def test_an_org_admin_resets_a_password_in_scope_only(admin, officer, province):
    outsider_admin = factories.staff(agency=province["b"], roles=["system_admin"])
    for actor in (outsider_admin, factories.officer(agency=province["a"])):
        with pytest.raises(PermissionDenied):
            services.staff_password_set(actor=actor, staff=officer, password=NEW_PASSWORD)
    services.staff_password_set(actor=admin, staff=officer, password=NEW_PASSWORD)
    (event,) = password_events(officer)
    assert event.actor_id == admin.pk and '"reset":true' in event.body
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD) and verify_ledger().ok


def test_password_pages_go_through_the_service(admin, officer):
    client = Client()
    sign_in(client, officer)
    response = client.post(
        "/org/password/",
        {
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": "Different-pass-2026",
        },
    )
    assert response.status_code == 400 and "两次输入的新密码不一致" in response.content.decode()
    response = client.post(
        "/org/password/",
        {
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # still signed in: the session hash follows
    assert len(password_events(officer)) == 1

    client = Client()
    sign_in(client, admin)
    assert (
        f"/org/staff/{officer.pk}/password/"
        in client.get(f"/org/staff/{officer.pk}/").content.decode()
    )
    response = client.post(
        f"/org/staff/{officer.pk}/password/",
        {"password": "Third-pass-2026x", "password_confirm": "Third-pass-2026x"},
    )
    assert response.status_code == 302
    assert [e.actor_id for e in password_events(officer)] == [officer.pk, admin.pk]
    assert verify_ledger().ok


def test_djangos_changepassword_command_is_recorded_too(officer, monkeypatch):
    monkeypatch.setattr(
        "django.contrib.auth.management.commands.changepassword.Command._get_pass",
        lambda self, prompt="Password: ": NEW_PASSWORD,
    )
    call_command("changepassword", officer.username, stdout=io.StringIO())
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    (event,) = password_events(officer)
    assert event.actor_id is None and '"outside_services":true' in event.body
    assert officer.password not in event.body
    assert verify_ledger().ok


def test_password_or_any_other_staff_column_changed_with_sql_is_detected(officer):
    """ADR 0061: the hash is covered by its own keyed digest; so is every other column."""
    table, q = Staff._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {q('password')} = %s WHERE id = %s", ["x", officer.pk])
    report = verify_ledger()
    assert report.kinds() == {OBJECT_CHANGED}
    assert f"{table} 的第 {officer.pk} 行" in report.first.message
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {q('full_name')} = %s WHERE id = %s", ["冒名", officer.pk]
        )
        cursor.execute(
            f"UPDATE {table} SET {q('is_superuser')} = %s WHERE id = %s", [True, officer.pk]
        )
    report = verify_ledger()
    assert report.kinds() == {OBJECT_CHANGED}
    assert f"{table} 的第 {officer.pk} 行" in report.first.message


def test_upgrade_migrations_rebase_untouched_staff_and_keep_tampered_ones(province):
    """Rows recorded with the digest of org 0002 (password left out) verify clean after
    migration ledger 0003 (password as keyed MAC, ADR 0061), except one changed outside the
    services before the upgrade."""
    from sanxiang.ledger import upgrade

    kept, tampered = (factories.officer(agency=province["a"]) for _ in range(2))
    for staff in (kept, tampered):
        ledger_append(
            actor=None,
            action="staff.update",
            object_type="org.staff",
            object_id=str(staff.pk),
            digest=object_digest(staff, excluded=("last_login", "password"), secret=()),
        )
    Staff.objects.filter(pk=tampered.pk).update(position="篡改")
    before = verify_ledger()  # the new digest scope, the old digests: both rows reported
    assert before.kinds() == {OBJECT_CHANGED} and before.problems_total == 2

    upgrade.register_existing(apps, None)

    rebased = set(
        LedgerEntry.objects.filter(action="ledger.digest_rebase").values_list(
            "object_id", flat=True
        )
    )
    assert str(kept.pk) in rebased and str(tampered.pk) not in rebased
    report = verify_ledger()
    assert report.kinds() == {OBJECT_CHANGED} and report.problems_total == 1
    assert f"org_staff 的第 {tampered.pk} 行" in report.first.message
