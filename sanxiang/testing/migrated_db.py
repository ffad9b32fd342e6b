"""The test database, migrated once and copied for every worker and pass (ADR 0259).

Migrating from nothing costs about 35 s of CPU per database, and CI migrated five of them (two
xdist workers on SQLite, two on PostgreSQL, the S3 pass). A copy is as good as a migration when
it was made by the same code, so the first worker that needs one migrates a *template* and every
worker copies it: PostgreSQL with ``CREATE DATABASE … TEMPLATE`` (the server copies files), SQLite
by loading a cached file into the worker's in-memory database with the backup API (what Django's
own parallel runner does for its spawned workers).

The template is named by a digest of every source and data file of the project (migrations
import the ledger's trigger code and data files, so the migration files alone would not do): a
change anywhere makes a new one. A file lock serialises making and copying it, since PostgreSQL
copies only a template that nobody is connected to.
"""

from __future__ import annotations

import fcntl
import hashlib
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PREFIX = "sanxiang_migrated_"


def source_digest() -> str:
    """A digest of the project's code and data (tests excluded), naming a migrated copy."""
    digest = hashlib.sha256()
    for path in sorted(ROOT.rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".json", ".sql", ".csv", ".yaml"}:
            continue
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "__pycache__" in relative.parts:
            continue
        digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    lock_path = Path(tempfile.gettempdir()) / f"sanxiang-test-db-{name}.lock"
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _migrate() -> None:
    call_command("migrate", verbosity=0, interactive=False, run_syncdb=True)
    call_command("createcachetable", verbosity=0)


def setup_default_database() -> list[tuple]:
    """Give this process its test database; return what ``teardown`` needs. A database other
    than PostgreSQL or an in-memory SQLite is migrated as Django does."""
    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    if connection.vendor == "postgresql":
        _postgres_copy(connection, old_name, test_name)
    elif connection.vendor == "sqlite" and connection.creation.is_in_memory_db(test_name):
        _sqlite_copy(connection, test_name)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return [(connection.creation, old_name)]


def _point_at(connection, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _postgres_server(connection) -> str:
    return f"pg-{connection.settings_dict.get('HOST')}-{connection.settings_dict.get('PORT')}"


def _ensure_postgres_template(connection, old_name: str) -> str:
    """The template's name, made first if missing; call with the server's lock held."""
    quote = connection.ops.quote_name
    template = f"{TEMPLATE_PREFIX}{source_digest()}"
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is not None:
            return template
    building = f"{template}_building"
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
        cursor.execute(f"CREATE DATABASE {quote(building)}")
    _point_at(connection, building)
    _migrate()
    _point_at(connection, old_name)
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
        _drop_other_templates(cursor, quote, keep=template)
    return template


def _postgres_copy(connection, old_name: str, test_name: str) -> None:
    quote = connection.ops.quote_name
    with _locked(_postgres_server(connection)):
        template = _ensure_postgres_template(connection, old_name)
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(test_name)}")
            cursor.execute(f"CREATE DATABASE {quote(test_name)} TEMPLATE {quote(template)}")
    _point_at(connection, test_name)
    connection.ensure_connection()


def _drop_other_templates(cursor, quote, *, keep: str) -> None:
    """Templates of older code are dropped; one another run is copying right now stays."""
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
        [f"{TEMPLATE_PREFIX}%", keep],
    )
    for (name,) in cursor.fetchall():
        with suppress(DatabaseError):  # in use by another run's copy: it goes next time
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")


def _ensure_sqlite_template(connection) -> Path:
    """The cached migrated file, made first if missing (under its own lock)."""
    cache = Path(tempfile.gettempdir()) / "sanxiang-test-db"
    cache.mkdir(exist_ok=True)
    digest = source_digest()
    template = cache / f"migrated-{digest}.sqlite3"
    with _locked(f"sqlite-{digest}"):
        if not template.exists():
            old_name = connection.settings_dict["NAME"]
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            _point_at(connection, str(building))
            _migrate()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            _point_at(connection, old_name)
            building.replace(template)
            for stale in cache.glob("migrated-*.sqlite3"):
                if stale != template:
                    stale.unlink(missing_ok=True)
    return template


def _sqlite_copy(connection, memory_name: str) -> None:
    template = _ensure_sqlite_template(connection)
    _point_at(connection, memory_name)
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def build_template() -> None:
    """Make the template of the configured database ahead of the test run (``tools/run-tests.sh``
    makes the PostgreSQL one while the SQLite pass starts, when one core would wait idle)."""
    connection = connections["default"]
    if connection.vendor == "postgresql":
        with _locked(_postgres_server(connection)):
            _ensure_postgres_template(connection, connection.settings_dict["NAME"])
    elif connection.vendor == "sqlite":
        _ensure_sqlite_template(connection)
    connection.close()


def teardown(database_config: list[tuple]) -> None:
    for creation, old_name in database_config:
        creation.destroy_test_db(old_name, verbosity=0)
