"""Witness cosigning (issue 17, item 5; ADR 0191): the c2sp.org/tlog-witness protocol on the
witness side — every status code of the spec — and, with two instances on loopback, a log
that gets its checkpoints cosigned, publishes them and is verified with a quorum by the
standalone tool; a split view is refused and reported."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from sanxiang.ledger import cosigning, keys, services, witness
from sanxiang.ledger.checkpoint import Checkpoint as TreeHead
from sanxiang.ledger.checkpoint import NoteSigner, sign_checkpoint
from sanxiang.ledger.cosignature import witness_verifier
from sanxiang.ledger.merkle import consistency_proof
from sanxiang.ledger.models import LedgerEntry, WitnessConflict, WitnessedLog
from sanxiang.ledger.signing import ED25519, generate_signing_key
from sanxiang.testing import factories

ROOT = Path(__file__).resolve().parents[3]
TOOL = ROOT / "tools" / "sanxiang_verify.py"
URL = "/transparency/witness/add-checkpoint"


def _grow() -> None:
    factories.agency(name=f"见证测试分局{LedgerEntry.objects.count()}")


def _post(body: str | bytes) -> tuple[int, str, str]:
    data = body.encode() if isinstance(body, str) else body
    response = Client().post(URL, data=data, content_type="text/plain")
    return response.status_code, response.content.decode(), response["Content-Type"]


def _request(old: int, checkpoint, proof: list[bytes] = ()) -> str:
    lines = [f"old {old}", *(base64.b64encode(p).decode() for p in proof)]
    return "\n".join(lines) + "\n\n" + checkpoint


def _forged(size: int, root: bytes) -> str:
    return sign_checkpoint(TreeHead(keys.key_name(), size, root), keys.note_signers())


@pytest.fixture
def our_log_witnessed(db):
    """This instance witnesses its own log: the protocol is the same as for a province's."""
    return witness.register_log(
        origin=keys.key_name(), name="测试省局", verifier_keys=keys.verifier_key_file()
    )


def test_add_checkpoint_follows_the_witness_protocol(our_log_witnessed):
    _grow()
    first = services.checkpoint_sign()
    status, body, _type = _post(_request(0, first.note))
    assert status == 200
    text = first.note[: first.note.rfind("\n\n") + 1]
    assert witness_verifier().timestamp_of(text, body.rstrip("\n")) is not None

    _grow()
    second = services.checkpoint_sign()
    hasher = services.ledger_hasher()
    proof = consistency_proof(hasher, first.tree_size, second.tree_size, services.read_nodes)
    # A stale old size: 409 with the size the witness holds, as text/x.tlog.size.
    assert _post(_request(0, second.note)) == (409, f"{first.tree_size}\n", "text/x.tlog.size")
    status, _body, _type = _post(_request(first.tree_size, second.note, proof))
    assert status == 200
    our_log_witnessed.refresh_from_db()
    assert our_log_witnessed.tree_size == second.tree_size

    # Malformed, larger old size, unknown log, a key the witness does not trust.
    assert _post("old x\n\n" + second.note)[0] == 400
    assert _post(_request(second.tree_size + 5, second.note))[0] == 400
    other = second.note.replace(keys.key_name(), "other.example/log", 1)
    assert _post(_request(0, other))[0] == 404
    stranger = NoteSigner(keys.key_name(), generate_signing_key(ED25519))
    untrusted = sign_checkpoint(
        TreeHead(keys.key_name(), second.tree_size, bytes(second.root_hash)), [stranger]
    )
    assert _post(_request(second.tree_size, untrusted))[0] == 403
    assert WitnessConflict.objects.count() == 0


def test_a_split_view_and_a_rewritten_history_are_refused_and_kept(our_log_witnessed):
    _grow()
    head = services.checkpoint_sign()
    assert _post(_request(0, head.note))[0] == 200
    forked = _forged(head.tree_size, bytes(32))
    assert _post(_request(head.tree_size, forked)) == (
        409,
        f"{head.tree_size}\n",
        "text/x.tlog.size",
    )
    _grow()
    bigger = services.checkpoint_sign()
    assert _post(_request(head.tree_size, bigger.note, [bytes(32)]))[0] == 422
    kinds = sorted(WitnessConflict.objects.values_list("kind", flat=True))
    assert kinds == [WitnessConflict.Kind.BAD_PROOF, WitnessConflict.Kind.SPLIT_VIEW]
    assert LedgerEntry.objects.filter(action="witness.conflict").count() == 2
    page = Client().get("/transparency/").content.decode()
    assert "分叉视图" in page and "一致性证明不成立" in page
    our_log_witnessed.refresh_from_db()
    assert our_log_witnessed.tree_size == head.tree_size  # nothing was rolled forward


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def witness_instance(tmp_path):
    """A second instance — own database, own key directory — serving on loopback."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'witness.sqlite3'}",
        "SANXIANG_TEST_KEY_DIR": str(tmp_path / "witness-keys"),
        "SANXIANG_LEDGER_ORIGIN": "national.example/ledger",
        "SANXIANG_WITNESS_NAME": "national.example/witness",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=600)
    subprocess.run([*manage, "ledger_keys"], env=env, check=True, capture_output=True)
    keyfile = tmp_path / "province-keys.txt"
    keyfile.write_text(keys.verifier_key_file(), encoding="utf-8")
    registered = subprocess.run(
        [
            *manage,
            *("witness_log", "--origin", keys.key_name(), "--name", "测试省局"),
            *("--keys", str(keyfile), "--hash", services.ledger_hasher().name),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    vkey = registered.stdout.strip().splitlines()[-1]
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(200):
        try:
            urllib.request.urlopen(f"{base}/transparency/witness-key.txt", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield {"vkey": vkey, "url": f"{base}/transparency/witness", "base": base}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.single_pass
@pytest.mark.django_db(transaction=True)
def test_two_instances_cosign_and_the_tool_requires_a_quorum(witness_instance, settings, tmp_path):
    settings.SANXIANG_WITNESSES = [f"{witness_instance['vkey']} {witness_instance['url']}"]
    _grow()
    first = services.checkpoint_sign()
    assert cosigning.request_cosignatures(first) == {"national.example/witness": 200}
    for _round in range(2):
        _grow()
    latest = services.checkpoint_sign()
    assert cosigning.request_cosignatures(latest) == {"national.example/witness": 200}

    published = Client().get("/transparency/checkpoint.txt").content.decode()
    assert published.startswith(latest.note) and "national.example/witness" in published
    note = tmp_path / "checkpoint.txt"
    note.write_text(published, encoding="utf-8")
    key_file = tmp_path / "keys.txt"
    key_file.write_text(keys.verifier_key_file(), encoding="utf-8")
    witness_keys = tmp_path / "witness-keys.txt"
    witness_keys.write_text(witness_instance["vkey"] + "\n", encoding="utf-8")

    def tool(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-I", str(TOOL), "checkpoint", "--key", str(key_file), *extra],
            capture_output=True,
            text=True,
        )

    ok = tool("--witness", str(witness_keys), "--cosignatures", "1", str(note))
    assert ok.returncode == 0 and "cosignatures:   1" in ok.stdout, ok.stderr
    assert tool("--witness", str(witness_keys), "--cosignatures", "2", str(note)).returncode == 1
    bare = tmp_path / "bare.txt"
    bare.write_text(latest.note, encoding="utf-8")
    assert tool("--witness", str(witness_keys), str(bare)).returncode == 1

    # A split view sent to the witness: refused, and the witness's page reports it.
    forked = _forged(latest.tree_size, bytes(32))
    request = urllib.request.Request(
        f"{witness_instance['url']}/add-checkpoint",
        data=_request(latest.tree_size, forked).encode(),
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 409
    page = urllib.request.urlopen(f"{witness_instance['base']}/transparency/", timeout=10)
    assert "分叉视图" in page.read().decode()
    assert not WitnessedLog.objects.exists()  # the witness's state lives in its own database
