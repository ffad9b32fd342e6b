"""Project-wide pytest fixtures."""

from __future__ import annotations

import pytest
from django.core.management.commands import flush as flush_command
from django.db import connection

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
    from sanxiang.ledger import keys

    keys.ensure_keys()
    return keys.key_dir()


@pytest.fixture(autouse=True)
def _forget_the_remembered_checkpoint(ledger_signing_keys):
    """Each test's database starts without checkpoints; so must the copy kept beside the keys."""
    from sanxiang.ledger import keys

    yield
    (ledger_signing_keys / keys.REMEMBERED_CHECKPOINT).unlink(missing_ok=True)
