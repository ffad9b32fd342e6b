"""Key rotation (issue 17, item 4; ADR 0190): a statement signed by the old and the new keys,
new checkpoints under the new keys, old ones still verifying, a retired key's reach limited.
Checked by the platform (``ledger_verify``, the transparency page) and by the standalone
``tools/sanxiang_verify.py`` run as a citizen would run it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client

from sanxiang.ledger import keys, rotation, services
from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
from sanxiang.ledger.checkpoint import NoteError, NoteSigner, open_checkpoint, sign_checkpoint
from sanxiang.ledger.models import LedgerEntry
from sanxiang.ledger.report import CHECKPOINT_SIGNATURE_INVALID
from sanxiang.ledger.signing import PRIVATE_SUFFIX, load_signing_key
from sanxiang.ledger.verification import verify_ledger
from sanxiang.testing import factories

TOOL = Path(__file__).resolve().parents[3] / "tools" / "sanxiang_verify.py"


@pytest.fixture
def key_dir(settings, tmp_path):
    """A key directory of its own: rotating must not touch the session's keys."""
    settings.SANXIANG_KEY_DIR = str(tmp_path / "keys")
    keys.clear_caches()
    keys.ensure_keys()
    yield Path(settings.SANXIANG_KEY_DIR)
    keys.clear_caches()


def _grow() -> None:
    factories.agency(name=f"测试分局{LedgerEntry.objects.count()}")


def _tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_rotation_hands_over_to_new_keys_and_old_checkpoints_still_verify(key_dir, tmp_path):
    _grow()
    before = services.checkpoint_sign()
    old_keys = _write(tmp_path / "old-keys.txt", keys.verifier_key_file())
    old_verifiers = keys.current_verifiers()
    _grow()

    with open(tmp_path / "out.txt", "w") as out:
        call_command("ledger_keys", rotate=True, stdout=out)
    (number, statement), *_rest = rotation.statements()
    assert number == 1 and "sanxiang/key-rotation/v1" in statement
    last_size = rotation.retired_generations()[0].last_size
    assert last_size == LedgerEntry.objects.count() - 1  # the rotation event came after
    event = LedgerEntry.objects.get(action="ledger.key_rotated")
    assert f'"last_size":{last_size}' in event.body

    _grow()
    after = services.checkpoint_sign()
    with pytest.raises(NoteError):  # the retired keys no longer sign
        open_checkpoint(after.note, old_verifiers)
    assert open_checkpoint(after.note, keys.current_verifiers()).size == after.tree_size
    assert open_checkpoint(before.note, keys.note_verifiers()).size == before.tree_size

    report = verify_ledger(workers=1)
    assert report.problems == [], report.problems

    # Someone who saved the old keys follows the statement to the new ones.
    new_note = _write(tmp_path / "new.txt", after.note)
    statement_file = _write(tmp_path / "rotation-1.txt", statement)
    assert _tool("checkpoint", "--key", old_keys, new_note).returncode == 1
    chained = _tool("checkpoint", "--key", old_keys, "--rotation", statement_file, new_note)
    assert chained.returncode == 0, chained.stderr
    old_note = _write(tmp_path / "old.txt", before.note)
    assert _tool("checkpoint", "--key", old_keys, old_note).returncode == 0
    # The published key file carries both generations.
    published = _write(tmp_path / "keys.txt", keys.verifier_key_file())
    assert _tool("checkpoint", "--key", published, old_note).returncode == 0
    assert _tool("checkpoint", "--key", published, new_note).returncode == 0

    page = Client().get("/transparency/")
    assert "已停用的公钥" in page.content.decode()
    served = Client().get("/transparency/rotations/1.txt")
    assert served.status_code == 200 and served.content.decode() == statement


@pytest.mark.django_db
def test_a_head_forged_with_a_retired_key_is_reported(key_dir, tmp_path):
    _grow()
    old_keys = _write(tmp_path / "old-keys.txt", keys.verifier_key_file())
    number, statement = rotation.rotate_keys()
    _grow()
    _grow()
    real = services.checkpoint_sign()
    retired = key_dir / rotation.RETIRED / f"{number:04d}"
    old_signers = [
        NoteSigner(keys.key_name(), load_signing_key(path))
        for path in sorted(retired.glob(f"*{PRIVATE_SUFFIX}"))
    ]
    forged = sign_checkpoint(
        TreeHead(keys.key_name(), real.tree_size, bytes(real.root_hash)), old_signers
    )
    assert rotation.epoch_problem(forged, real.tree_size)
    report = verify_ledger(workers=1, external_checkpoints=[("保存的检查点", forged)])
    assert [p.kind for p in report.problems] == [CHECKPOINT_SIGNATURE_INVALID]

    statement_file = _write(tmp_path / "rotation-1.txt", statement)
    refused = _tool(
        "checkpoint",
        "--key",
        old_keys,
        "--rotation",
        statement_file,
        _write(tmp_path / "f", forged),
    )
    assert refused.returncode == 1 and "retired" in refused.stderr


@pytest.mark.django_db
def test_an_edited_statement_is_refused_by_both_verifiers(key_dir, tmp_path):
    old_keys = _write(tmp_path / "old-keys.txt", keys.verifier_key_file())
    number, statement = rotation.rotate_keys()
    _grow()
    note = _write(tmp_path / "new.txt", services.checkpoint_sign().note)
    lines = statement.split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith("last-size "))
    lines[index] = "last-size 999999"  # widening the old keys' reach breaks their signatures
    edited = "\n".join(lines)
    honest = _tool(
        "checkpoint", "--key", old_keys, "--rotation", _write(tmp_path / "s0", statement), note
    )
    assert honest.returncode == 0, honest.stderr
    refused = _tool(
        "checkpoint", "--key", old_keys, "--rotation", _write(tmp_path / "s", edited), note
    )
    assert refused.returncode == 1, refused.stderr
    (key_dir / rotation.ROTATIONS / f"{number:04d}.txt").write_text(edited, encoding="utf-8")
    assert rotation.retired_generations() == []
    report = verify_ledger(workers=1)
    assert CHECKPOINT_SIGNATURE_INVALID in {p.kind for p in report.problems}


@pytest.mark.django_db
def test_a_rotation_cut_off_half_way_is_finished_not_replaced(key_dir, monkeypatch):
    real_finish = rotation.finish_pending
    monkeypatch.setattr(rotation, "finish_pending", lambda: None)  # "crash" after staging
    rotation.rotate_keys()
    monkeypatch.setattr(rotation, "finish_pending", real_finish)
    assert list((key_dir / rotation.ROTATIONS).glob("*.pending"))
    keys.ensure_keys()  # what `ledger_keys` / `make run` does on the next start
    assert not list((key_dir / rotation.ROTATIONS).glob("*.pending"))
    assert [n for n, _note in rotation.statements()] == [1]
    assert len(rotation.retired_generations()) == 1


@pytest.mark.django_db
def test_missing_keys_after_a_rotation_fail_loudly(key_dir):
    rotation.rotate_keys()
    for path in key_dir.glob(f"ledger-*{PRIVATE_SUFFIX}"):
        path.unlink()
    with pytest.raises(ImproperlyConfigured):
        keys.ensure_keys()
