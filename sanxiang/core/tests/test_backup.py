"""Backup → restore into a fresh instance → ``ledger_verify`` and fixity clean; a backup older
than the published checkpoint is refused (ADR 0182). Runs on both databases."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from sanxiang.ledger.models import Checkpoint
from sanxiang.ledger.services import checkpoint_sign
from sanxiang.testing import factories

ROOT = Path(settings.BASE_DIR)

# The fresh instance: its own process, database, storage folder and key folder (test settings
# give it throw-away ones); restore, then the operator's two checks, in that process.
FRESH_INSTANCE = """
import sys, django
django.setup()
from django.core.management import call_command
backup, published, keyfile, signing_keys = sys.argv[1:5]
call_command("restore", backup, "--published-checkpoint", published, "--signing-keys", signing_keys)
call_command("ledger_verify", "--checkpoint", published, "--key", keyfile, "--workers", "1")
call_command("evidence_fixity")
"""


@pytest.fixture
def fresh_database():
    """A database URL nobody has used: a new SQLite file, or a new PostgreSQL database."""
    created = []

    def make(tmp_path: Path) -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{tmp_path / f'fresh-{uuid.uuid4().hex[:8]}.sqlite3'}"
        name = f"restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"

    yield make
    for name in created:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fresh(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SANXIANG_DATA_DIR": str(tmp_path / f"data-{uuid.uuid4().hex[:6]}"),
    }
    return subprocess.run(
        [sys.executable, "-c", FRESH_INSTANCE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _backup(tmp_path: Path, name: str) -> Path:
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / name), stdout=out)
    return Path(out.getvalue().strip())


@pytest.mark.django_db(transaction=True)
def test_backup_restores_clean_and_a_rolled_back_backup_is_refused(
    tmp_path, province, fresh_database
):
    officer = factories.officer(agency=province["a"])
    first = factories.recording(actor=officer)
    old = _backup(tmp_path, "old")  # signs a checkpoint covering its history
    manifest = json.loads((old / "MANIFEST.json").read_text())
    assert manifest["engine"] == connection.vendor and manifest["store"] == "local"
    objects = json.loads((old / "objects.json").read_text())
    assert {o["sha256"] for o in objects} >= {first.sha256}
    assert (old / "files" / first.blob_path).read_bytes()
    assert sorted(p.name for p in (old / "keys").iterdir()) == [
        "ledger-ed25519.pub.pem",
        "ledger-sm2.pub.pem",
        "witness-ed25519.pub.pem",  # the witness key (ADR 0191) travels with the public half
    ]
    assert not list(old.rglob("*.key")) and not list(old.rglob("*private*"))

    factories.recording(actor=officer)
    published_checkpoint = checkpoint_sign()
    published = tmp_path / "published-checkpoint.txt"  # what the portal showed, kept
    published.write_text(published_checkpoint.note)
    new = _backup(tmp_path, "new")
    keyfile = tmp_path / "verifier-keys.txt"
    keyfile.write_text(_verifier_file())
    signing_keys = tmp_path / "offline-keys"  # the separate, offline half of the backup
    call_command("backup", "--signing-keys", str(signing_keys), stdout=StringIO())
    assert (signing_keys / "ledger-mac.key").exists()

    restored = _fresh(
        tmp_path,
        fresh_database(tmp_path),
        str(new),
        str(published),
        str(keyfile),
        str(signing_keys),
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "账本核验与固定性核验均通过" in restored.stdout
    assert "发现 0 个问题" in restored.stdout

    rolled_back = _fresh(
        tmp_path,
        fresh_database(tmp_path),
        str(old),
        str(published),
        str(keyfile),
        str(signing_keys),
    )
    assert rolled_back.returncode != 0
    assert "备份早于已发布的检查点" in rolled_back.stderr
    assert Checkpoint.objects.filter(tree_size=published_checkpoint.tree_size).exists()


def _verifier_file() -> str:
    from sanxiang.ledger.keys import verifier_key_file

    return verifier_key_file()


@pytest.mark.django_db(transaction=True)
def test_restore_takes_the_checkpoint_from_the_transparency_page(live_server, province):
    from sanxiang.core.backup import published_checkpoint_read

    factories.officer(agency=province["a"])
    checkpoint = checkpoint_sign()
    assert published_checkpoint_read(live_server.url + "/transparency/") == checkpoint.note
