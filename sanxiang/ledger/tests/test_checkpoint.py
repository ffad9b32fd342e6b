"""C2SP checkpoints and signed notes: Go's note-package vectors, SM2 notes, hostile inputs."""

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sanxiang.ledger import checkpoint as checkpoint_module
from sanxiang.ledger.checkpoint import (
    SM2_SIGNATURE_TYPE,
    Checkpoint,
    NoteError,
    NoteSigner,
    NoteVerifier,
    key_id,
    open_checkpoint,
    open_note,
    parse_note,
    sign_checkpoint,
    sign_note,
)
from sanxiang.ledger.signing import Ed25519SigningKey, SigningKey, SM2SigningKey

GO = json.loads((Path(__file__).parent / "vectors" / "go_note.json").read_text())
TEXT, PETER_SIG, ENOCH_SIG = GO["text"], GO["peter_sig_line"], GO["enoch_sig_line"]
PETER = NoteVerifier.from_vkey(GO["peter_vkey"])
ENOCH = NoteVerifier.from_vkey(GO["enoch_vkey"])
ORIGIN = "mkaq.example.gov.cn/ledger"
ROOT = hashlib.new("sm3", b"root").digest()


def peter_signer() -> NoteSigner:
    seed = base64.b64decode(GO["peter_skey"].split("+", 4)[4])[1:]
    return NoteSigner("PeterNeumann", Ed25519SigningKey.from_seed(seed))


# --- Go golang.org/x/mod/sumdb/note vectors ----------------------------------------------------


def test_go_verifier_keys_round_trip() -> None:
    assert PETER.vkey() == GO["peter_vkey"]
    assert ENOCH.vkey() == GO["enoch_vkey"]
    assert PETER.key_id == 0xC74F20A3
    assert peter_signer().verifier == PETER


def test_go_sign_reproduces_published_note() -> None:
    assert sign_note(TEXT, [peter_signer()]) == TEXT + "\n" + PETER_SIG


def test_go_open_known_and_unknown_signatures() -> None:
    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER])
    assert note.text == TEXT
    assert [s.name for s in note.signatures] == ["PeterNeumann"]
    assert [(s.name, s.key_id) for s in note.unverified] == [("EnochRoot", 0xAF0CFE78)]

    note = open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER, ENOCH, ENOCH])
    assert [s.name for s in note.signatures] == ["PeterNeumann", "EnochRoot"]
    assert note.unverified == ()

    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])


def test_go_duplicates_and_limits() -> None:
    enoch_bad = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    note = open_note(
        TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_bad, [PETER]
    )
    assert len(note.signatures) == 1
    assert len(note.unverified) == 2
    with pytest.raises(NoteError, match="more than 100"):
        open_note(TEXT + "\n" + PETER_SIG * 101, [PETER])
    open_note(TEXT + "\n" + PETER_SIG * 100, [PETER])


def test_go_bad_signature_by_known_key_rejects_note() -> None:
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(NoteError, match="invalid signature for key PeterNeumann\\+c74f20a3"):
        open_note(TEXT + "\n" + bad, [PETER])
    # ... even when another known key's signature is fine.
    with pytest.raises(NoteError, match="invalid signature"):
        open_note(TEXT + "\n" + ENOCH_SIG + bad, [PETER, ENOCH])


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT.replace("\n", "\r\n") + "\n" + PETER_SIG,
        TEXT + "\n" + "— Bad Name " + PETER_SIG.split(" ")[2],
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG.replace("— ", "- "),
        TEXT + "\n" + PETER_SIG.replace("=\n", "\n"),
        TEXT + "\n" + "— PeterNeumann AAAA\n",
    ],
)
def test_go_malformed_notes(note: str) -> None:
    with pytest.raises(NoteError):
        open_note(note, [PETER])


def test_go_verifier_key_manglings_rejected() -> None:
    vkey = GO["peter_vkey"]
    mangled = {vkey[i:j] for i in range(len(vkey)) for j in range(i + 1, len(vkey) + 1)}
    mangled |= {vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1 :] for i in range(len(vkey))}
    mangled |= set(GO["bad_vkeys"])
    mangled.discard(vkey)
    for text in mangled:
        with pytest.raises(NoteError):
            NoteVerifier.from_vkey(text)


# --- key IDs and SM2 ---------------------------------------------------------------------------


def test_ed25519_key_id_is_the_spec_formula() -> None:
    key = Ed25519SigningKey.generate().verifying_key
    digest = hashlib.sha256(b"example.com/log\n\x01" + key.public_bytes).digest()
    assert key_id("example.com/log", key) == int.from_bytes(digest[:4], "big")


def test_sm2_key_id_and_vkey_use_the_0xff_type() -> None:
    assert SM2_SIGNATURE_TYPE == b"\xffsanxiang/sm2-sm3-v1"
    signer = NoteSigner(ORIGIN, SM2SigningKey.generate())
    public = signer.key.verifying_key.public_bytes
    digest = hashlib.sha256(ORIGIN.encode() + b"\n" + SM2_SIGNATURE_TYPE + public).digest()
    assert signer.verifier.key_id == int.from_bytes(digest[:4], "big")
    name, id_hex, blob = signer.verifier.vkey().split("+", 2)
    assert (name, int(id_hex, 16)) == (ORIGIN, signer.verifier.key_id)
    assert base64.b64decode(blob) == SM2_SIGNATURE_TYPE + public
    assert NoteVerifier.from_vkey(signer.verifier.vkey()) == signer.verifier


def test_unknown_signature_type_rejected() -> None:
    blob = b"\xfeother" + bytes(32)
    digest = hashlib.sha256(b"x\n" + blob).digest()
    with pytest.raises(NoteError, match="unknown signature type"):
        NoteVerifier.from_vkey(f"x+{digest[:4].hex()}+{base64.b64encode(blob).decode()}")


# --- checkpoints -------------------------------------------------------------------------------


def test_checkpoint_body_format() -> None:
    root_b64 = base64.b64encode(ROOT).decode()
    assert Checkpoint(ORIGIN, 0, ROOT).body() == f"{ORIGIN}\n0\n{root_b64}\n"
    with_ext = Checkpoint(ORIGIN, 20852163, ROOT, ("ext one", "ext two"))
    assert with_ext.body() == f"{ORIGIN}\n20852163\n{root_b64}\next one\next two\n"
    assert Checkpoint.parse(with_ext.body()) == with_ext


@pytest.mark.parametrize(
    "body",
    [
        "origin\n5\n",
        "origin\n05\nAAAA\n",
        "origin\n-1\nAAAA\n",
        "origin\n+5\nAAAA\n",
        "origin\n٥\nAAAA\n",
        "\n5\nAAAA\n",
        "origin\n5\nAAA\n",
        "origin\n5\nAAB=\n",
        "origin\n5\nAAAA\n\n",
        "origin\n5\nAAAA",
    ],
)
def test_malformed_checkpoint_bodies(body: str) -> None:
    with pytest.raises(NoteError):
        Checkpoint.parse(body)


def test_checkpoint_construction_validated() -> None:
    for bad in (
        lambda: Checkpoint("", 1, ROOT),
        lambda: Checkpoint("a\nb", 1, ROOT),
        lambda: Checkpoint(ORIGIN, -1, ROOT),
        lambda: Checkpoint(ORIGIN, 1, b""),
        lambda: Checkpoint(ORIGIN, 1, ROOT, ("",)),
    ):
        with pytest.raises(NoteError):
            bad()


def test_sign_and_open_checkpoint_with_sm2_and_ed25519() -> None:
    sm2 = NoteSigner(ORIGIN, SM2SigningKey.generate())
    ed = NoteSigner("witness.example.cn", Ed25519SigningKey.generate())
    cp = Checkpoint(ORIGIN, 42, ROOT)
    note = sign_checkpoint(cp, [sm2, ed])
    assert note.startswith(cp.body() + "\n— " + ORIGIN + " ")
    text, signatures = parse_note(note)
    assert text == cp.body()
    assert [len(s.signature) for s in signatures] == [64, 64]
    for verifiers in ([sm2.verifier], [ed.verifier], [sm2.verifier, ed.verifier]):
        assert open_checkpoint(note, verifiers) == cp
    vkeys = [NoteVerifier.from_vkey(v.vkey()) for v in (sm2.verifier, ed.verifier)]
    assert open_checkpoint(note, vkeys) == cp


@pytest.mark.parametrize("make_key", [SM2SigningKey.generate, Ed25519SigningKey.generate])
def test_tampered_checkpoint_rejected(make_key: Callable[[], SigningKey]) -> None:
    signer = NoteSigner(ORIGIN, make_key())
    note = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), [signer])
    for tampered in (note.replace("\n42\n", "\n43\n"), note.replace(ORIGIN, ORIGIN + "x", 1)):
        with pytest.raises(NoteError, match="invalid signature"):
            open_checkpoint(tampered, [signer.verifier])
    other = NoteSigner(ORIGIN, make_key())
    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_checkpoint(note, [other.verifier])
    renamed = NoteVerifier("other.example.cn", signer.key.verifying_key)
    with pytest.raises(NoteError, match="no verifiable signatures"):
        open_checkpoint(note, [renamed])


def test_signed_note_must_carry_a_checkpoint() -> None:
    signer = peter_signer()
    with pytest.raises(NoteError, match="malformed checkpoint"):
        open_checkpoint(sign_note(TEXT, [signer]), [signer.verifier])


def test_sign_note_input_validation() -> None:
    signer = peter_signer()
    for text in ("no newline", "", "tab\there\n"):
        with pytest.raises(NoteError):
            sign_note(text, [signer])
    with pytest.raises(ValueError):
        sign_note(TEXT, [])
    for name in ("", "a b", "a+b", "全\u3000角"):
        with pytest.raises(NoteError):
            NoteSigner(name, signer.key)


def test_ambiguous_verifiers_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpoint_module, "key_id", lambda name, key: 7)
    first = NoteVerifier(ORIGIN, Ed25519SigningKey.generate().verifying_key)
    second = NoteVerifier(ORIGIN, Ed25519SigningKey.generate().verifying_key)
    note = sign_note(TEXT, [NoteSigner(ORIGIN, Ed25519SigningKey.generate())])
    with pytest.raises(NoteError, match="ambiguous key"):
        open_note(note, [first, second])
