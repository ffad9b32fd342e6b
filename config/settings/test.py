"""Test settings: tasks run immediately, fast hashing, files in a throw-away folder.

``DATABASE_URL`` still decides the database, so the same suite runs on SQLite and on
PostgreSQL (``make test`` runs both when ``SANXIANG_TEST_POSTGRES`` is set).
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": TASK_BACKENDS["immediate"]}  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sanxiang-test-files-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="sanxiang-test-static-"))
WHITENOISE_AUTOREFRESH = True
# A second instance started by a test (the witness, ADR 0191) shares one key directory across
# its commands through SANXIANG_TEST_KEY_DIR; never the real SANXIANG_KEY_DIR of a developer.
SANXIANG_KEY_DIR = Path(
    os.environ.get("SANXIANG_TEST_KEY_DIR") or tempfile.mkdtemp(prefix="sanxiang-test-keys-")
)
# Documents are signed in tests, without the timestamp and DSS; the signature tests turn it on.
SANXIANG_SIGNING_TIMESTAMP = False
# No checkpoint after a lag of the test session's own clock: a test that counts its on-commit
# callbacks must not find a signature in them; the lag test sets its own (ADR 0062).
SANXIANG_CHECKPOINT_MAX_LAG = 10**9
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# The login slow-down (ADR 0073) is tested with its own settings; elsewhere tests sign in and
# fail on purpose more often than a person would.
SANXIANG_LOGIN_SLOWDOWN_FREE = 50
# A test database is thrown away: its commits need not wait for the disk. PostgreSQL keeps every
# guarantee but durability across a server crash (synchronous_commit=off); migrations, the
# transactional tests' flushes and the ledger's own commits stop waiting for the WAL flush.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
