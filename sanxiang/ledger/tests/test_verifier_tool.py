"""tools/sanxiang_verify.py: standard-library only, agrees with the ledger's own crypto.

The command-line tests run the script with ``python -I`` from a temporary directory, so it
cannot import anything from the project.
"""

import ast
import importlib.util
import json
import secrets
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.checkpoint import Checkpoint, NoteSigner, sign_checkpoint
from sanxiang.ledger.hashing import get_hasher
from sanxiang.ledger.merkle import MemoryNodeStore, consistency_proof, inclusion_proof, root_at
from sanxiang.ledger.signing import Ed25519SigningKey, SM2SigningKey, generate_signing_key

TOOL = Path(__file__).resolve().parents[3] / "tools" / "sanxiang_verify.py"
VECTORS = Path(__file__).parent / "vectors"
ORIGIN = "mkaq.example.gov.cn/ledger"


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sanxiang_verify", TOOL)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def test_tool_imports_only_the_standard_library() -> None:
    tree = ast.parse(TOOL.read_text(encoding="utf-8"))
    modules = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    modules |= {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert modules
    assert {name.split(".")[0] for name in modules} <= sys.stdlib_module_names


# --- pure-Python signature verification against the real libraries ----------------------------


def test_ed25519_rfc8032_vectors() -> None:
    for vector in json.loads((VECTORS / "ed25519_rfc8032.json").read_text())["vectors"]:
        public, message, signature = (
            bytes.fromhex(vector[k]) for k in ("public_key", "message", "signature")
        )
        assert tool.ed25519_verify(public, message, signature)
        assert not tool.ed25519_verify(public, message + b"\x00", signature)


def test_ed25519_accepts_cryptography_signatures_and_rejects_changes() -> None:
    for i in range(5):
        key = Ed25519SigningKey.generate()
        public, message = key.verifying_key.public_bytes, f"message {i}".encode()
        signature = key.sign(message)
        assert tool.ed25519_verify(public, message, signature)
        assert not tool.ed25519_verify(public, message + b".", signature)
        for index in (0, 31, 32, 63):
            bad = bytearray(signature)
            bad[index] ^= 0x04
            assert not tool.ed25519_verify(public, message, bytes(bad))
        assert not tool.ed25519_verify(
            Ed25519SigningKey.generate().verifying_key.public_bytes, message, signature
        )
        # S + L is the same scalar mod L but a non-canonical encoding: RFC 8032 rejects it.
        s = int.from_bytes(signature[32:], "little") + tool._ED_L
        assert not tool.ed25519_verify(public, message, signature[:32] + s.to_bytes(32, "little"))
    assert not tool.ed25519_verify(b"\xff" * 32, b"", bytes(64))
    assert not tool.ed25519_verify(bytes(31), b"", bytes(64))


def test_sm2_accepts_openssl_vector() -> None:
    vector = json.loads((VECTORS / "sm2_openssl.json").read_text())
    public = bytes.fromhex(vector["public_key_hex"])
    signature = bytes.fromhex(vector["signature_rs_hex"])
    message = vector["message"].encode()
    assert tool.sm2_verify(public, message, signature)
    assert not tool.sm2_verify(public, message, signature, user_id=b"")
    assert not tool.sm2_verify(public, message + b"\n", signature)


def test_sm2_accepts_gmssl_signatures_and_rejects_changes() -> None:
    for i in range(4):
        key = SM2SigningKey.generate()
        public, message = key.verifying_key.public_bytes, f"检查点 {i}".encode()
        signature = key.sign(message)
        assert tool.sm2_verify(public, message, signature)
        assert not tool.sm2_verify(public, message + b".", signature)
        for index in (0, 31, 32, 63):
            bad = bytearray(signature)
            bad[index] ^= 0x80
            assert not tool.sm2_verify(public, message, bytes(bad))
        assert not tool.sm2_verify(
            SM2SigningKey.generate().verifying_key.public_bytes, message, signature
        )
    n = tool._SM2_N.to_bytes(32, "big")
    assert not tool.sm2_verify(public, message, bytes(32) + signature[32:])
    assert not tool.sm2_verify(public, message, signature[:32] + n)
    assert not tool.sm2_verify(public[:-1] + bytes([public[-1] ^ 1]), message, signature)
    assert not tool.sm2_verify(public[1:], message, signature)


def test_sm2_point_at_infinity_rejected() -> None:
    d = secrets.randbelow(tool._SM2_N - 2) + 1
    public = SM2SigningKey(d).verifying_key.public_bytes
    t = 12345
    s = -t * d % tool._SM2_N
    signature = ((t - s) % tool._SM2_N).to_bytes(32, "big") + s.to_bytes(32, "big")
    assert not tool.sm2_verify(public, b"m", signature)


def test_note_verification_matches_go_vector() -> None:
    vectors = json.loads((VECTORS / "go_note.json").read_text())
    key = tool.parse_verifier_key(vectors["peter_vkey"])
    note = vectors["text"] + "\n" + vectors["peter_sig_line"] + vectors["enoch_sig_line"]
    assert tool.verify_note(note, [key]) == vectors["text"]
    with pytest.raises(tool.VerifyError):
        tool.parse_verifier_key(vectors["bad_vkeys"][0])


# --- command line ------------------------------------------------------------------------------


class Log:
    """A small SM3 log with signed checkpoints and proofs, written as the tool's input files."""

    def __init__(self, directory: Path, key_algorithm: str = "sm2", size: int = 37) -> None:
        self.dir = directory
        self.hasher = get_hasher("sm3")
        self.entries = [
            canonical_json({"seq": i + 1, "action": "公示", "n": i}) for i in range(size)
        ]
        self.store = MemoryNodeStore(self.hasher)
        for entry in self.entries:
            self.store.append(self.hasher.leaf(entry))
        self.signer = NoteSigner(ORIGIN, generate_signing_key(key_algorithm))
        self.key_file = self.write("log.vkey", f"# {ORIGIN}\n{self.signer.verifier.vkey()}\n")

    def write(self, name: str, content: str) -> Path:
        path = self.dir / name
        path.write_text(content, encoding="utf-8")
        return path

    def checkpoint(self, size: int, origin: str = ORIGIN) -> str:
        root = root_at(self.hasher, size, self.store.get_nodes)
        return sign_checkpoint(Checkpoint(origin, size, root), [self.signer])

    def inclusion(self, index: int, size: int) -> dict:
        proof = inclusion_proof(self.hasher, index, size, self.store.get_nodes)
        return {
            "hash": "sm3",
            "leaf_index": index,
            "tree_size": size,
            "entry": self.entries[index].decode("utf-8"),
            "leaf_hash": self.hasher.leaf(self.entries[index]).hex(),
            "proof": [p.hex() for p in proof],
            "checkpoint": self.checkpoint(size),
        }

    def consistency(self, size1: int, size2: int) -> dict:
        proof = consistency_proof(self.hasher, size1, size2, self.store.get_nodes)
        return {
            "hash": "sm3",
            "old_checkpoint": self.checkpoint(size1),
            "new_checkpoint": self.checkpoint(size2),
            "proof": [p.hex() for p in proof],
        }


def run(log: Log, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", str(TOOL), *map(str, args)],
        cwd=log.dir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def assert_ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "验证通过" in result.stdout and "VERIFIED" in result.stdout


def assert_failed(result: subprocess.CompletedProcess[str], reason: str = "") -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "验证失败" in result.stderr and "FAILED" in result.stderr
    assert reason in result.stderr


@pytest.mark.parametrize("algorithm", ["sm2", "ed25519"])
def test_cli_checkpoint(tmp_path: Path, algorithm: str) -> None:
    log = Log(tmp_path, algorithm)
    note = log.write("cp.note", log.checkpoint(37))
    result = run(log, "checkpoint", "--key", log.key_file, note)
    assert_ok(result)
    assert ORIGIN in result.stdout and "37" in result.stdout

    tampered = log.write("bad.note", log.checkpoint(37).replace("\n37\n", "\n38\n"))
    assert_failed(run(log, "checkpoint", "--key", log.key_file, tampered), "invalid signature")

    (tmp_path / "other").mkdir()
    other = Log(tmp_path / "other", algorithm)
    assert_failed(run(log, "checkpoint", "--key", other.key_file, note), "trusted key")
    assert_failed(run(log, "checkpoint", "--key", log.key_file, tmp_path / "missing.note"))


def test_cli_inclusion(tmp_path: Path) -> None:
    log = Log(tmp_path)
    good = log.inclusion(21, 37)
    proof_file = log.write("inc.json", json.dumps(good))
    result = run(log, "inclusion", "--key", log.key_file, proof_file)
    assert_ok(result)
    assert "21" in result.stdout

    only_hash = {k: v for k, v in good.items() if k != "entry"}
    assert_ok(
        run(log, "inclusion", "--key", log.key_file, log.write("h.json", json.dumps(only_hash)))
    )
    null_entry = {**only_hash, "entry": None}  # as a proof for someone who may not read it
    assert_ok(
        run(log, "inclusion", "--key", log.key_file, log.write("n.json", json.dumps(null_entry)))
    )
    only_entry = {k: v for k, v in good.items() if k != "leaf_hash"}
    assert_ok(
        run(log, "inclusion", "--key", log.key_file, log.write("e.json", json.dumps(only_entry)))
    )

    flipped = good["proof"][2][:-1] + ("0" if good["proof"][2][-1] != "0" else "1")
    mismatch = "does not match the root"
    corrupt_cases = {
        "proof": ({**good, "proof": [*good["proof"][:2], flipped, *good["proof"][3:]]}, mismatch),
        "truncated": ({**good, "proof": good["proof"][:-1]}, mismatch),
        "index": ({**good, "leaf_index": 22}, mismatch),
        "entry": ({**only_entry, "entry": good["entry"].replace("公示", "撤销")}, mismatch),
        "hash": ({**only_hash, "hash": "sha256"}, mismatch),
        "disagree": ({**good, "entry": good["entry"] + " "}, "agreeing"),
        "size": ({**good, "tree_size": 36}, "differs from the checkpoint"),
        "unknown-hash": ({**good, "hash": "md5"}, "unsupported hash"),
        "checkpoint": ({**good, "checkpoint": log.checkpoint(36)}, "differs from the checkpoint"),
        "index-type": ({**good, "leaf_index": "21"}, "wrong type"),
        "nothing": ({**null_entry, "leaf_hash": None}, "need entry or leaf_hash"),
        "hash-only-wrong": (
            {
                **only_hash,
                "leaf_hash": ("0" if good["leaf_hash"][0] != "0" else "1") + good["leaf_hash"][1:],
            },
            mismatch,
        ),
    }
    for name, (case, reason) in corrupt_cases.items():
        path = log.write(f"bad-{name}.json", json.dumps(case))
        assert_failed(run(log, "inclusion", "--key", log.key_file, path), reason)
    assert_failed(run(log, "inclusion", "--key", log.key_file, log.write("x.json", "not json")))


def test_cli_consistency(tmp_path: Path) -> None:
    log = Log(tmp_path, "ed25519")
    good = log.consistency(13, 37)
    proof_file = log.write("cons.json", json.dumps(good))
    result = run(log, "consistency", "--key", log.key_file, proof_file)
    assert_ok(result)
    assert "13" in result.stdout and "37" in result.stdout
    same = log.write("same.json", json.dumps(log.consistency(37, 37)))
    assert_ok(run(log, "consistency", "--key", log.key_file, same))

    swapped = {
        **good,
        "old_checkpoint": good["new_checkpoint"],
        "new_checkpoint": good["old_checkpoint"],
    }
    other_origin = {**good, "old_checkpoint": log.checkpoint(13, origin="elsewhere.example.cn")}
    reordered = [good["proof"][1], good["proof"][0], *good["proof"][2:]]
    corrupt_cases = {
        "proof": ({**good, "proof": reordered}, "log rewritten"),
        "truncated": ({**good, "proof": good["proof"][:-1]}, "log rewritten"),
        "extra": ({**good, "proof": [*good["proof"], good["proof"][0]]}, "too long"),
        "swapped": (swapped, "larger than the new one"),
        "origin": (other_origin, "different logs"),
        "old": ({**good, "old_checkpoint": log.checkpoint(12)}, "consistency proof"),
    }
    for name, (case, reason) in corrupt_cases.items():
        path = log.write(f"bad-{name}.json", json.dumps(case))
        assert_failed(run(log, "consistency", "--key", log.key_file, path), reason)


def test_cli_usage_and_key_file_errors(tmp_path: Path) -> None:
    log = Log(tmp_path, "ed25519", size=1)
    assert run(log, "checkpoint").returncode == 2
    assert run(log).returncode == 2
    bad_key = log.write("bad.vkey", "not a key\n")
    note = log.write("cp.note", log.checkpoint(1))
    assert_failed(run(log, "checkpoint", "--key", bad_key, note), "malformed verifier key")
    empty_key = log.write("empty.vkey", "# nothing\n")
    assert_failed(run(log, "checkpoint", "--key", empty_key, note), "no verifier key")
