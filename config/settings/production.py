"""Production hardening on top of the env-driven base: TLS-only cookies, HSTS, no debug.

``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS`` must be given explicitly here.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool

DEBUG = False
if not os.environ.get("DJANGO_SECRET_KEY"):
    raise ImproperlyConfigured("生产环境必须设置 DJANGO_SECRET_KEY")
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

SECURE_SSL_REDIRECT = env_bool("SANXIANG_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SANXIANG_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SANXIANG_HSTS_PRELOAD", True)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
}
# 四性检测: scan with the database the intranet mirror keeps current, and refuse the test
# database or a stale one (ADR 0117).
SANXIANG_CLAMAV_DB_DIR = Path(env("SANXIANG_CLAMAV_DB_DIR", "/var/lib/clamav")).resolve()
SANXIANG_CLAMAV_REQUIRE_CURRENT_DB = env_bool("SANXIANG_CLAMAV_REQUIRE_CURRENT_DB", True)
