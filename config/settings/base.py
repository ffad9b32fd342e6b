"""Settings shared by every deployment, driven by environment variables.

The embedded defaults (SQLite in WAL mode, files under ``data/``, the database task
worker) let ``make run`` start on a bare machine; production overrides them through the
variables documented in README.md and hardens the rest in ``config.settings.production``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DATA_DIR = Path(env("SANXIANG_DATA_DIR", str(BASE_DIR / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _persistent_secret_key() -> str:
    """A development key kept beside the data so sessions survive restarts."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env("DJANGO_SECRET_KEY") or _persistent_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sanxiang.core",
    "sanxiang.ledger",
    "sanxiang.org",
    "sanxiang.registry",
    "sanxiang.catalog",
    "sanxiang.portal",
    "sanxiang.documents",
    "sanxiang.evidence",
    "sanxiang.inspections",
    "sanxiang.cases",
    "sanxiang.publicity",
    "sanxiang.review",
    "sanxiang.archive",
    "sanxiang.complaints",
    "sanxiang.licensing",
    "sanxiang.enterprise",
    "sanxiang.supervision",
    "sanxiang.api",
    "sanxiang.demo",
]

MIDDLEWARE = [
    "sanxiang.core.health.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sanxiang.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sanxiang.core.stepup.SecondFactorMiddleware",
    "sanxiang.enterprise.realm.EnterpriseRealmMiddleware",
    "sanxiang.core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanxiang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxiang.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sanxiang.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # the start of every atomic block, which serialises ledger appends (ADR 0003).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Staff"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "sanxiang.org.passwords.NotFromAccountNamesValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account/address pair after five failures for 30 minutes (django-axes). The hard
# lock stays per (login, address), so nobody can lock a known head account out from elsewhere;
# spraying is slowed instead by a growing wait per login and per address (ADR 0073).
AXES_FAILURE_LIMIT = int(env("SANXIANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "sanxiang.core.clientip.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
SANXIANG_TRUSTED_PROXIES = env_list("SANXIANG_TRUSTED_PROXIES", "")
# Progressive slow-down: after this many failures within the window for one login (from any
# address) or from one address (for any login), each further attempt must wait, doubling
# from the base delay up to the cap.
SANXIANG_LOGIN_SLOWDOWN_FREE = int(env("SANXIANG_LOGIN_SLOWDOWN_FREE", "3"))
SANXIANG_LOGIN_SLOWDOWN_BASE_SECONDS = int(env("SANXIANG_LOGIN_SLOWDOWN_BASE_SECONDS", "2"))
SANXIANG_LOGIN_SLOWDOWN_MAX_SECONDS = int(env("SANXIANG_LOGIN_SLOWDOWN_MAX_SECONDS", "300"))
SANXIANG_LOGIN_SLOWDOWN_WINDOW_SECONDS = int(env("SANXIANG_LOGIN_SLOWDOWN_WINDOW_SECONDS", "3600"))

# Second factor (django-otp TOTP, recovery codes) and step-up (ADR 0071).
SANXIANG_SECOND_FACTOR_ROLES = env_list(
    "SANXIANG_SECOND_FACTOR_ROLES",
    "head,legal_reviewer,custodian,publicity_editor,system_admin",
)
SANXIANG_STEP_UP_MINUTES = int(env("SANXIANG_STEP_UP_MINUTES", "10"))
# ADR 0233: working days after the on-site day within which the scan of a document signed by
# hand on paper is attached; later, it is on the officers' home page as overdue (the agency's
# own rule, not law).
SANXIANG_PAPER_SCAN_WORKING_DAYS = int(env("SANXIANG_PAPER_SCAN_WORKING_DAYS", "3"))
OTP_TOTP_ISSUER = "三项制度执法平台"
OTP_TOTP_THROTTLE_FACTOR = 1
# Accept codes within one step either side of the server's clock, without django-otp's drift
# learning, which would shift that window further with each early or late code (ADR 0071).
OTP_TOTP_SYNC = False

SESSION_COOKIE_AGE = int(env("SANXIANG_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every response (django-csp, ADR 0077). No inline script and no
# eval: behaviour lives in static files, chart data arrives through json_script. WebAssembly
# (in-browser hashing of evidence before upload) needs 'wasm-unsafe-eval', its Web Worker
# worker-src 'self' (blob: for libraries that build the worker from a blob). Style elements
# come from files only; style attributes stay allowed (they cannot run script, and charting
# libraries write them into their tooltips).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

LANGUAGE_CODE = "zh-hans"
# Each language in its own name, untranslated: a reader looks for the name he can read.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "sanxiang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env("SANXIANG_STORAGE_DIR", str(DATA_DIR / "files"))).resolve()
# No URL serves stored files directly: every download goes through an access check.
MEDIA_URL = "/files-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Originals on S3-compatible object storage with Object Lock (ADR 0180) when a bucket is named;
# partial uploads then stay in SANXIANG_STAGING_DIR, a volume shared by the nodes (ADR 0181).
if env("SANXIANG_S3_BUCKET"):
    from sanxiang.core.objectstore import storage_options_from_env

    STORAGES["default"] = {
        "BACKEND": "sanxiang.core.objectstore.ObjectStore",
        "OPTIONS": storage_options_from_env(env),
    }

TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
TASKS = {"default": TASK_BACKENDS[env("SANXIANG_TASK_BACKEND", "db")]}

# Who may read /metrics without signing in (a Prometheus server's address; ADR 0183).
SANXIANG_METRICS_ALLOWED = env_list("SANXIANG_METRICS_ALLOWED", "127.0.0.1,::1")

# Where signing keys live: outside the database, so that a database administrator
# cannot re-sign a rewritten ledger (ADR 0004).
SANXIANG_KEY_DIR = Path(env("SANXIANG_KEY_DIR", str(DATA_DIR / "keys"))).resolve()
SANXIANG_LEDGER_HASH = env("SANXIANG_LEDGER_HASH", "sm3")
# Issued documents are signed (PAdES, ADR 0200) with the document CA in SANXIANG_KEY_DIR/signing
# (manage.py signing_ca); each signature carries an RFC 3161 timestamp from the in-process
# time-stamping unit unless SANXIANG_SIGNING_TIMESTAMP is off (the test suite, for speed).
SANXIANG_DOCUMENT_SIGNING = env_bool("SANXIANG_DOCUMENT_SIGNING", True)
SANXIANG_SIGNING_TIMESTAMP = env_bool("SANXIANG_SIGNING_TIMESTAMP", True)
SANXIANG_LEDGER_ORIGIN = env("SANXIANG_LEDGER_ORIGIN", "sanxiang.example/ledger")
# Witnessing (ADR 0191): the witnesses asked to cosign each checkpoint, separated by ";" —
# each "<witness verifier key> <submission URL prefix>" — and this instance's own witness name.
SANXIANG_WITNESSES = [w for w in env("SANXIANG_WITNESSES", "").split(";") if w.strip()]
SANXIANG_WITNESS_NAME = env("SANXIANG_WITNESS_NAME", f"{SANXIANG_LEDGER_ORIGIN}/witness")
# How often the periodic job signs a checkpoint when the log has grown (ADR 0004).
SANXIANG_CHECKPOINT_INTERVAL_SECONDS = int(env("SANXIANG_CHECKPOINT_INTERVAL_SECONDS", "3600"))
# The longest stretch of activity (seconds) the log may run ahead of a signed checkpoint;
# checkpoints are also signed when the worker and the periodic loop stop (ADR 0062).
SANXIANG_CHECKPOINT_MAX_LAG = int(env("SANXIANG_CHECKPOINT_MAX_LAG", "600"))
# Who signs the lag-triggered checkpoint: "process" (the appending process itself) or "worker"
# (enqueued for the task worker, the one place that then needs the signing key; ADR 0184).
SANXIANG_CHECKPOINT_SIGNER = env("SANXIANG_CHECKPOINT_SIGNER", "process")
# The background worker (ADR 0082): a running task's lease, renewed by a heartbeat every sixth
# of it; only a task whose lease lapsed is taken over by another worker.
SANXIANG_TASK_LEASE_SECONDS = float(env("SANXIANG_TASK_LEASE_SECONDS", "300"))
# Self-rescheduling chains the worker keeps alive (each call enqueues a tick unless one is pending).
SANXIANG_TASK_CHAINS = [
    "sanxiang.ledger.tasks.checkpoint_schedule",
    "sanxiang.publicity.tasks.tick_schedule",
    "sanxiang.archive.tasks.fixity_schedule",
]
# Periodic 四性检测 of filed units (ADR 0136): units checked per nightly run, oldest check first.
SANXIANG_ARCHIVE_FIXITY_BATCH = int(env("SANXIANG_ARCHIVE_FIXITY_BATCH", "50"))
# Called when a worker stops gracefully (SIGTERM/SIGINT), after its current task.
# The ledger signs a checkpoint over the newest entries (ADR 0062).
SANXIANG_WORKER_SHUTDOWN_HOOKS: list[str] = ["sanxiang.ledger.lag.sign_on_shutdown"]

# 四性检测 virus scan (ADR 0117). Agencies have no internet: the ClamAV signature database is a
# directory an intranet mirror keeps current. The default is the project's TEST database (EICAR
# only), fit for tests and the demo; production points to the real one (/var/lib/clamav).
SANXIANG_CLAMAV_DB_DIR = Path(
    env("SANXIANG_CLAMAV_DB_DIR", str(BASE_DIR / "sanxiang" / "archive" / "data" / "clamav"))
).resolve()
# Scan through a running clamd instead of starting clamscan (a Unix socket path), if set.
SANXIANG_CLAMD_SOCKET = env("SANXIANG_CLAMD_SOCKET", "")
# Whether the check fails on a database with no version and date (only the test database) or
# older than SANXIANG_CLAMAV_MAX_AGE_DAYS; on under production settings.
SANXIANG_CLAMAV_REQUIRE_CURRENT_DB = env_bool("SANXIANG_CLAMAV_REQUIRE_CURRENT_DB", False)
SANXIANG_CLAMAV_MAX_AGE_DAYS = int(env("SANXIANG_CLAMAV_MAX_AGE_DAYS", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "sanxiang.core.health.JsonFormatter"},
    },
    # SANXIANG_LOG_FORMAT=json: one JSON object a line, for a log collector (ADR 0183).
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if env("SANXIANG_LOG_FORMAT") == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("SANXIANG_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every step of a PDF at INFO; only their problems matter.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
