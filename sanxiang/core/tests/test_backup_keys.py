"""Backups carry the whole key history (issues 17 items 3–5): after a rotation the public half
holds the retired verifier keys and the statement, so a published checkpoint signed before
the rotation still verifies on restore; the offline half holds the retired private keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanxiang.core import backup
from sanxiang.ledger import keys, rotation, services
from sanxiang.ledger.checkpoint import open_checkpoint
from sanxiang.testing import factories


@pytest.mark.django_db
def test_backup_keys_after_a_rotation(settings, tmp_path):
    settings.SANXIANG_KEY_DIR = str(tmp_path / "keys")
    keys.clear_caches()
    keys.ensure_keys()
    factories.agency(name="备份测试分局")
    before = services.checkpoint_sign()
    rotation.rotate_keys()

    public = [str(p.relative_to(keys.key_dir())) for p in backup._public_key_files(keys.key_dir())]
    assert "rotations/0001.txt" in public and "witness-ed25519.pub.pem" in public
    assert any(name.startswith("retired/0001/") for name in public)
    assert not any(name.endswith(".key.pem") or name.endswith(".key") for name in public)

    folder = tmp_path / "backup"
    for name in public:
        (folder / "keys" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "keys" / name).write_bytes((keys.key_dir() / name).read_bytes())
    assert open_checkpoint(before.note, backup._verifiers(folder)).size == before.tree_size

    offline = backup.signing_keys_copy(Path(tmp_path / "offline"))
    assert any(name.startswith("retired/0001/") and name.endswith(".key.pem") for name in offline)
    keys.clear_caches()
