"""Test settings: tasks run immediately, fast hashing, files in a throw-away folder.

``DATABASE_URL`` still decides the database, so the same suite runs on SQLite and on
PostgreSQL (``make test`` runs both when ``SANXIANG_TEST_POSTGRES`` is set).
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": TASK_BACKENDS["immediate"]}  # noqa: F405
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="sanxiang-test-files-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="sanxiang-test-static-"))
WHITENOISE_AUTOREFRESH = True
SANXIANG_KEY_DIR = Path(tempfile.mkdtemp(prefix="sanxiang-test-keys-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
