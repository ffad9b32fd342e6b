#!/usr/bin/env python3
"""sanxiang_verify — 独立验证工具 / standalone verifier for the sanxiang ledger.

Anyone holding the published verifier key can check, without the platform's code or database,
that a checkpoint was signed by the agency, that an entry is in the log, and that the log only
grew between two checkpoints. Uses only the Python standard library (3.11+; SM3 comes from
``hashlib``, i.e. OpenSSL 3): Ed25519 (RFC 8032) and SM2 (GM/T 0003) verification are
implemented here in plain Python.

Usage::

    python3 sanxiang_verify.py checkpoint  --key KEYFILE [--rotation STATEMENT ...]
                                           [--witness WITNESSKEYS --cosignatures N] NOTE
    python3 sanxiang_verify.py inclusion   --key KEYFILE PROOF.json
    python3 sanxiang_verify.py consistency --key KEYFILE PROOF.json
    python3 sanxiang_verify.py bag [--key KEYFILE] BAG_DIRECTORY

``bag`` checks a transfer package (移交包) end to end; it lives in ``sanxiang_verify_bag.py``,
which must lie beside this file (see that file for what it checks).

Exit status: 0 verified, 1 verification failed or bad input, 2 command-line usage error.

KEYFILE holds one or more verifier keys, one per line (blank lines and ``#`` comments are
ignored), as published by the agency: ``<name>+<8 hex key ID>+<base64(type || public key)>``.
Type ``0x01`` is Ed25519 (32-byte key); type ``0xff || "sanxiang/sm2-sm3-v1"`` is SM2 (65-byte
key ``04||x||y``, signature ``r||s`` over SM3(Z_A || text), user ID "1234567812345678").

NOTE is a C2SP signed note (c2sp.org/signed-note) whose text is a C2SP checkpoint
(c2sp.org/tlog-checkpoint): origin, tree size, base64 root hash, optional extension lines.
It verifies if at least one signature is by a key in KEYFILE and no such signature is bad.

``--rotation STATEMENT`` (repeatable, oldest first) moves trust along the agency's key
rotations: a statement ``sanxiang/key-rotation/v1`` names old and new verifier keys and the
size of the last checkpoint the old keys signed (``last-size``); it must be signed by every
old key (all trusted already) and every new key. Retired keys then verify checkpoints only up
to their ``last-size``.

``--witness WITNESSKEYS --cosignatures N`` also requires cosignatures (c2sp.org/tlog-cosignature,
``cosignature/v1``, Ed25519, key type 0x04) by at least N of the witnesses in WITNESSKEYS among
the note's signature lines.

Merkle trees follow RFC 6962 (leaf = H(0x00 || entry), node = H(0x01 || left || right));
proofs are checked per RFC 9162 §2.1.3.2 and §2.1.4.2. In the JSON files all hashes are
lowercase or uppercase hex strings, and ``hash`` names the tree hash: ``"sm3"`` or ``"sha256"``.

Inclusion proof file::

    {
      "hash": "sm3",
      "leaf_index": 41,                 // 0-based position of the entry in the log
      "tree_size": 1000,                // must equal the checkpoint's tree size
      "entry": "{...}",                 // the entry text (its UTF-8 bytes are hashed), and/or
      "leaf_hash": "ab12...",           // its leaf hash; if both are given they must agree
                                        // (the platform gives the entry text only to those who
                                        // may read it: absent or null, the leaf hash is checked)
      "proof": ["hex", ...],            // audit path, from the leaf upwards
      "checkpoint": "<signed note>"     // checkpoint of size tree_size
    }

Consistency proof file::

    {
      "hash": "sm3",
      "old_checkpoint": "<signed note>",
      "new_checkpoint": "<signed note>", // same origin, tree size >= the old one's
      "proof": ["hex", ...]              // RFC 9162 consistency path
    }
"""

import argparse
import base64
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

# --- errors ------------------------------------------------------------------------------------


class VerifyError(Exception):
    """A failed check, with a Chinese and an English explanation."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def _require_hash(name: str) -> None:
    if name not in hashlib.algorithms_available:
        raise VerifyError(
            f"此 Python 的 hashlib 不支持 {name}，请使用基于 OpenSSL 3 的 Python",
            f"this Python's hashlib has no {name}; use a Python built with OpenSSL 3",
        )


# --- Ed25519 (RFC 8032 §5.1) -------------------------------------------------------------------

_ED_P = 2**255 - 19
_ED_L = 2**252 + 27742317777372353535851937790883648493
_ED_D = -121665 * pow(121666, -1, _ED_P) % _ED_P
_ED_SQRT_M1 = pow(2, (_ED_P - 1) // 4, _ED_P)

EdPoint = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z


def _ed_add(p: EdPoint, q: EdPoint) -> EdPoint:
    """Complete addition on edwards25519 (RFC 8032 §5.1.4); also doubles."""
    a = (p[1] - p[0]) * (q[1] - q[0]) % _ED_P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _ED_P
    c = 2 * p[3] * q[3] * _ED_D % _ED_P
    d = 2 * p[2] * q[2] % _ED_P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _ED_P, g * h % _ED_P, f * g % _ED_P, e * h % _ED_P)


def _ed_mul(k: int, p: EdPoint) -> EdPoint:
    result: EdPoint = (0, 1, 1, 0)
    while k:
        if k & 1:
            result = _ed_add(result, p)
        p = _ed_add(p, p)
        k >>= 1
    return result


def _ed_decode(data: bytes) -> EdPoint | None:
    """Decode a point (RFC 8032 §5.1.3); None if not a canonical encoding of a curve point."""
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    if y >= _ED_P:
        return None
    u, v = (y * y - 1) % _ED_P, (_ED_D * y * y + 1) % _ED_P
    x = u * pow(v, 3, _ED_P) * pow(u * pow(v, 7, _ED_P), (_ED_P - 5) // 8, _ED_P) % _ED_P
    if (v * x * x - u) % _ED_P:
        if (v * x * x + u) % _ED_P:
            return None
        x = x * _ED_SQRT_M1 % _ED_P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _ED_P - x
    return (x, y, 1, x * y % _ED_P)


_ED_BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202
_ED_BY = 46316835694926478169428394003475163141307993866256225615783033603165251855960
_ED_B: EdPoint = (_ED_BX, _ED_BY, 1, _ED_BX * _ED_BY % _ED_P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """RFC 8032 Ed25519 verification (cofactorless equation [S]B = R + [k]A, as OpenSSL)."""
    if len(signature) != 64:
        return False
    a, r = _ed_decode(public_key), _ed_decode(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _ED_L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    left, right = _ed_mul(s, _ED_B), _ed_add(r, _ed_mul(k % _ED_L, a))
    return (left[0] * right[2] - right[0] * left[2]) % _ED_P == 0 and (
        left[1] * right[2] - right[1] * left[2]
    ) % _ED_P == 0


# --- SM2 (GM/T 0003.2-2012 §7, recommended curve from GM/T 0003.5) -----------------------------

_SM2_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_SM2_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_SM2_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_SM2_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_SM2_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_SM2_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0
SM2_DEFAULT_USER_ID = b"1234567812345678"


class _Affine(NamedTuple):
    x: int
    y: int


def _sm2_add(p: _Affine | None, q: _Affine | None) -> _Affine | None:
    """Affine point addition; None is the point at infinity."""
    if p is None:
        return q
    if q is None:
        return p
    if p.x == q.x:
        if (p.y + q.y) % _SM2_P == 0:
            return None
        slope = (3 * p.x * p.x + _SM2_A) * pow(2 * p.y, -1, _SM2_P)
    else:
        slope = (q.y - p.y) * pow(q.x - p.x, -1, _SM2_P)
    x = (slope * slope - p.x - q.x) % _SM2_P
    return _Affine(x, (slope * (p.x - x) - p.y) % _SM2_P)


def _sm2_mul(k: int, p: _Affine) -> _Affine | None:
    result: _Affine | None = None
    addend: _Affine | None = p
    while k:
        if k & 1:
            result = _sm2_add(result, addend)
        addend = _sm2_add(addend, addend)
        k >>= 1
    return result


def sm2_verify(
    public_key: bytes, message: bytes, signature: bytes, user_id: bytes = SM2_DEFAULT_USER_ID
) -> bool:
    """SM2 verification of ``r || s`` over ``SM3(Z_A || message)`` with key ``04 || x || y``."""
    if len(public_key) != 65 or public_key[0] != 4 or len(signature) != 64:
        return False
    point = _Affine(int.from_bytes(public_key[1:33], "big"), int.from_bytes(public_key[33:], "big"))
    if max(point) >= _SM2_P or (point.y**2 - point.x**3 - _SM2_A * point.x - _SM2_B) % _SM2_P:
        return False
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < _SM2_N and 0 < s < _SM2_N):
        return False
    curve = b"".join(v.to_bytes(32, "big") for v in (_SM2_A, _SM2_B, _SM2_GX, _SM2_GY))
    entl = (len(user_id) * 8).to_bytes(2, "big")
    z = hashlib.new("sm3", entl + user_id + curve + public_key[1:]).digest()
    e = int.from_bytes(hashlib.new("sm3", z + message).digest(), "big")
    t = (r + s) % _SM2_N
    if t == 0:
        return False
    total = _sm2_add(_sm2_mul(s, _Affine(_SM2_GX, _SM2_GY)), _sm2_mul(t, point))
    return total is not None and (e + total.x) % _SM2_N == r


# --- signed notes and checkpoints (c2sp.org/signed-note, c2sp.org/tlog-checkpoint) --------------

ED25519_TYPE = b"\x01"
SM2_TYPE = b"\xff" + b"sanxiang/sm2-sm3-v1"
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_MAX_SIGNATURES = 100


class VerifierKey(NamedTuple):
    name: str
    key_id: int
    key_type: bytes
    public_key: bytes

    def verify(self, message: bytes, signature: bytes) -> bool:
        if self.key_type == ED25519_TYPE:
            return ed25519_verify(self.public_key, message, signature)
        return sm2_verify(self.public_key, message, signature)


class Checkpoint(NamedTuple):
    origin: str
    size: int
    root_hash: bytes


def _b64decode(text: str, what: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
        if base64.b64encode(data).decode() == text:
            return data
    except ValueError:
        pass
    raise VerifyError(f"{what}不是有效的 base64", f"{what} is not valid base64")


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def parse_verifier_key(text: str) -> VerifierKey:
    bad = VerifyError(f"公钥格式错误：{text!r}", f"malformed verifier key: {text!r}")
    parts = text.split("+", 2)
    if len(parts) != 3 or not _valid_name(parts[0]) or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        raise bad
    blob = _b64decode(parts[2], "公钥 / verifier key")
    if blob.startswith(SM2_TYPE) and len(blob) == len(SM2_TYPE) + 65:
        key_type = SM2_TYPE
    elif blob.startswith(ED25519_TYPE) and len(blob) == len(ED25519_TYPE) + 32:
        key_type = ED25519_TYPE
    else:
        raise bad
    if key_type == SM2_TYPE:
        _require_hash("sm3")
    digest = hashlib.sha256(parts[0].encode() + b"\n" + blob).digest()
    if int(parts[1], 16) != int.from_bytes(digest[:4], "big"):
        raise VerifyError("公钥标识与公钥不符", "verifier key ID does not match the key")
    return VerifierKey(parts[0], int(parts[1], 16), key_type, blob[len(key_type) :])


def load_keys(path: Path) -> list[VerifierKey]:
    lines = [line.strip() for line in _read_text(path).splitlines()]
    keys = [parse_verifier_key(line) for line in lines if line and not line.startswith("#")]
    if not keys:
        raise VerifyError(f"{path} 中没有公钥", f"no verifier key in {path}")
    return keys


def verify_note(note: str, keys: Sequence[VerifierKey]) -> str:
    """Return the note text if a known key signed it and no known key's signature is bad."""
    return verify_note_by(note, keys)[0]


def verify_note_by(note: str, keys: Sequence[VerifierKey]) -> tuple[str, list[VerifierKey]]:
    """Like :func:`verify_note`, and also the keys whose signatures verified."""
    malformed = VerifyError(
        "签名文件格式错误（须为 UTF-8 文本、LF 换行）",
        "malformed signed note (must be UTF-8 text with LF line endings)",
    )
    if _CONTROL.search(note) or not note.endswith("\n"):
        raise malformed
    split = note.rfind("\n\n")
    if split < 0 or split + 2 == len(note):
        raise malformed
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise malformed
    known = {(key.name, key.key_id): key for key in keys}
    verified: list[VerifierKey] = []
    for line in lines:
        if not line.startswith("— "):
            raise malformed
        name, _, payload_b64 = line.removeprefix("— ").partition(" ")
        if not _valid_name(name):
            raise malformed
        payload = _b64decode(payload_b64, "签名 / signature")
        if len(payload) < 5:
            raise malformed
        key = known.get((name, int.from_bytes(payload[:4], "big")))
        if key is None:
            continue
        if not key.verify(text.encode(), payload[4:]):
            raise VerifyError(f"密钥 {name} 的签名无效", f"invalid signature by key {name}")
        verified.append(key)
    if not verified:
        raise VerifyError("没有可信密钥的有效签名", "no signature by a trusted key")
    return text, verified


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise VerifyError("检查点格式错误", "malformed checkpoint")
    if any(not line for line in lines[3:]):
        raise VerifyError("检查点扩展行为空", "empty checkpoint extension line")
    return Checkpoint(lines[0], int(lines[1]), _b64decode(lines[2], "根哈希 / root hash"))


def open_checkpoint(
    note: str, keys: Sequence[VerifierKey], limits: dict[int, int] | None = None
) -> Checkpoint:
    """Verify and parse a checkpoint; ``limits`` (key ID → largest tree size) are the retired
    keys of a rotation chain: a head beyond a retired key's limit needs a newer key."""
    text, verified = verify_note_by(note, keys)
    checkpoint = parse_checkpoint(text)
    if limits and all(
        limits.get(key.key_id, checkpoint.size) < checkpoint.size for key in verified
    ):
        raise VerifyError(
            f"检查点（树大小 {checkpoint.size}）仅由已停用的密钥签署，超出其有效范围",
            f"checkpoint of size {checkpoint.size} is signed only by retired keys beyond their limit",
        )
    return checkpoint


# --- key rotation statements (sanxiang/key-rotation/v1) -----------------------------------------

ROTATION_HEADER = "sanxiang/key-rotation/v1"


def apply_rotations(
    keys: Sequence[VerifierKey], statements: Sequence[Path]
) -> tuple[list[VerifierKey], dict[int, int]]:
    """Follow a chain of key rotation statements from the keys one trusts.

    Each statement must be signed by every old key it names — all of them trusted already —
    and by every new key (proof that the announcer holds them). Returns the trusted keys
    (old and new) and the limits of the retired ones: the size of the last checkpoint they
    signed."""
    trusted = list(keys)
    limits: dict[int, int] = {}
    for path in statements:
        note = _read_text(path)
        text = verify_note(note, trusted)
        lines = text[:-1].split("\n")
        bad = VerifyError(
            f"{path} 不是有效的密钥更替声明", f"{path} is not a key rotation statement"
        )
        if len(lines) < 6 or lines[0] != ROTATION_HEADER:
            raise bad
        fields: dict[str, list[str]] = {}
        for line in lines[1:]:
            name, _sep, value = line.partition(" ")
            fields.setdefault(name, []).append(value)
        if set(fields) != {"origin", "sequence", "last-size", "old", "new"}:
            raise bad
        if not re.fullmatch(r"0|[1-9][0-9]*", fields["last-size"][0]):
            raise bad
        old = [parse_verifier_key(v) for v in fields["old"]]
        new = [parse_verifier_key(v) for v in fields["new"]]
        for key in old:
            if key not in trusted:
                raise VerifyError(
                    f"{path} 中的旧公钥不是您信任的公钥", f"an old key in {path} is not trusted"
                )
        for key in old + new:
            verify_note(note, [key])  # each old and new key signed the statement
        for key in old:
            limits[key.key_id] = min(limits.get(key.key_id, 1 << 62), int(fields["last-size"][0]))
        trusted += [key for key in new if key not in trusted]
    return trusted, limits


def _trusted(args: argparse.Namespace) -> tuple[list[VerifierKey], dict[int, int]]:
    return apply_rotations(load_keys(args.key), args.rotation or [])


# --- witness cosignatures (c2sp.org/tlog-cosignature, cosignature/v1, Ed25519) ------------------

COSIGNATURE_TYPE = b"\x04"


def load_witness_keys(path: Path) -> list[VerifierKey]:
    """Witness keys ``<name>+<key ID>+<base64(0x04 || Ed25519 key)>``, one a line."""
    found = []
    for line in _read_text(path).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        bad = VerifyError(f"见证方公钥格式错误：{line!r}", f"malformed witness key: {line!r}")
        parts = line.split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]):
            raise bad
        blob = _b64decode(parts[2], "见证方公钥 / witness key")
        if not blob.startswith(COSIGNATURE_TYPE) or len(blob) != 33:
            raise bad
        digest = hashlib.sha256(parts[0].encode() + b"\n" + blob).digest()
        if parts[1] != digest[:4].hex():
            raise VerifyError("见证方公钥标识与公钥不符", "witness key ID does not match the key")
        found.append(VerifierKey(parts[0], int(parts[1], 16), ED25519_TYPE, blob[1:]))
    if not found:
        raise VerifyError(f"{path} 中没有见证方公钥", f"no witness key in {path}")
    return found


def count_cosignatures(note: str, witnesses: Sequence[VerifierKey]) -> int:
    """How many of ``witnesses`` cosigned the checkpoint in ``note`` (each counted once)."""
    split = note.rfind("\n\n")
    text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
    cosigned = set()
    for line in lines:
        name, _sep, payload_b64 = line.removeprefix("— ").partition(" ")
        try:
            payload = base64.b64decode(payload_b64, validate=True)
        except ValueError:
            continue
        if len(payload) != 4 + 8 + 64:
            continue
        for key in witnesses:
            if key.name == name and key.key_id == int.from_bytes(payload[:4], "big"):
                timestamp = int.from_bytes(payload[4:12], "big")
                message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
                if not ed25519_verify(key.public_key, message, payload[12:]):
                    raise VerifyError(f"见证方 {name} 的联署签名无效", f"bad cosignature by {name}")
                cosigned.add((key.name, key.key_id))
    return len(cosigned)


def _require_cosignatures(args: argparse.Namespace, note: str) -> str:
    if not getattr(args, "witness", None):
        return ""
    count = count_cosignatures(note, load_witness_keys(args.witness))
    if count < args.cosignatures:
        raise VerifyError(
            f"联署签名 {count} 个，少于要求的 {args.cosignatures} 个",
            f"{count} cosignatures, fewer than the {args.cosignatures} required",
        )
    return f"\n  联署 cosignatures:   {count}"


# --- Merkle proofs (RFC 6962 hashing, RFC 9162 verification) -----------------------------------


class TreeHasher:
    def __init__(self, name: str) -> None:
        if name not in ("sm3", "sha256"):
            raise VerifyError(f"不支持的哈希算法：{name!r}", f"unsupported hash: {name!r}")
        _require_hash(name)
        self.name = name

    def leaf(self, data: bytes) -> bytes:
        return hashlib.new(self.name, b"\x00" + data).digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        return hashlib.new(self.name, b"\x01" + left + right).digest()

    def empty_root(self) -> bytes:
        return hashlib.new(self.name).digest()


def _inner_step(fn: int, sn: int) -> tuple[int, int]:
    while not fn & 1 and fn:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn


def verify_inclusion(
    hasher: TreeHasher, index: int, size: int, leaf_hash: bytes, proof: list[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        raise VerifyError("叶子序号超出树大小", "leaf index is not less than the tree size")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise VerifyError("包含证明过长", "inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = hasher.node(p, r)
            fn, sn = _inner_step(fn, sn)
        else:
            r = hasher.node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise VerifyError("包含证明与检查点根哈希不符", "inclusion proof does not match the root")


def verify_consistency(
    hasher: TreeHasher, size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 §2.1.4.2, plus the trivial cases of equal sizes and the empty old tree."""
    if size1 > size2:
        raise VerifyError("旧检查点大于新检查点", "old checkpoint is larger than the new one")
    if size1 == 0 or size1 == size2:
        if proof:
            raise VerifyError("一致性证明应为空", "consistency proof should be empty")
        if size1 == 0 and root1 != hasher.empty_root():
            raise VerifyError("空树根哈希错误", "wrong root hash for the empty tree")
        if size1 == size2 and root1 != root2:
            raise VerifyError("同一大小的根哈希不同", "different roots for the same size")
        return
    if not proof:
        raise VerifyError("一致性证明为空", "consistency proof is empty")
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else proof
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("一致性证明过长", "consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = hasher.node(c, fr), hasher.node(c, sr)
            fn, sn = _inner_step(fn, sn)
        else:
            sr = hasher.node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise VerifyError(
            "一致性证明无效：日志可能被改写", "consistency proof fails: log rewritten?"
        )


# --- command line ------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise VerifyError(f"无法读取 {path}：{exc.strerror}", f"cannot read {path}") from exc
    except UnicodeDecodeError as exc:
        raise VerifyError(f"{path} 不是 UTF-8 文本", f"{path} is not UTF-8 text") from exc


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise VerifyError(f"{path} 不是有效的 JSON", f"{path} is not valid JSON") from exc
    if not isinstance(data, dict):
        raise VerifyError("证明文件应为 JSON 对象", "proof file must be a JSON object")
    return data


def _field(data: dict[str, Any], name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise VerifyError(f"字段 {name} 缺失或类型错误", f"field {name!r} missing or of wrong type")
    return value


def _hex(value: object, hasher: TreeHasher, what: str) -> bytes:
    size = hashlib.new(hasher.name).digest_size
    if isinstance(value, str) and re.fullmatch(rf"[0-9a-fA-F]{{{2 * size}}}", value):
        return bytes.fromhex(value)
    raise VerifyError(f"{what}不是 {size} 字节的十六进制", f"{what} is not {size} hex bytes")


def _proof(data: dict[str, Any], hasher: TreeHasher) -> list[bytes]:
    return [_hex(item, hasher, "证明哈希 / proof hash") for item in _field(data, "proof", list)]


def _describe(checkpoint: Checkpoint) -> str:
    return (
        f"  来源 origin:        {checkpoint.origin}\n"
        f"  树大小 tree size:   {checkpoint.size}\n"
        f"  根哈希 root hash:   {checkpoint.root_hash.hex()}"
    )


def cmd_checkpoint(args: argparse.Namespace) -> str:
    note = _read_text(args.note)
    checkpoint = open_checkpoint(note, *_trusted(args))
    witnessed = _require_cosignatures(args, note)
    return "检查点签名有效 / checkpoint signature is valid\n" + _describe(checkpoint) + witnessed


def cmd_inclusion(args: argparse.Namespace) -> str:
    keys, limits = _trusted(args)
    data = _load_json(args.proof)
    hasher = TreeHasher(_field(data, "hash", str))
    checkpoint = open_checkpoint(_field(data, "checkpoint", str), keys, limits)
    index, size = _field(data, "leaf_index", int), _field(data, "tree_size", int)
    if size != checkpoint.size:
        raise VerifyError("tree_size 与检查点不符", "tree_size differs from the checkpoint")
    hashes: list[bytes] = []
    if data.get("entry") is not None:  # a proof for someone who may not read the body omits it
        hashes.append(hasher.leaf(_field(data, "entry", str).encode("utf-8")))
    if data.get("leaf_hash") is not None:
        hashes.append(_hex(data["leaf_hash"], hasher, "叶子哈希 / leaf hash"))
    if not hashes or hashes[0] != hashes[-1]:
        raise VerifyError("需要一致的 entry 或 leaf_hash", "need entry or leaf_hash, agreeing")
    root = checkpoint.root_hash
    verify_inclusion(hasher, index, size, hashes[0], _proof(data, hasher), root)
    return (
        f"叶子 {index}（从 0 计）包含在日志中 / leaf {index} (0-based) is in the log\n"
        f"  叶子哈希 leaf hash: {hashes[0].hex()}\n" + _describe(checkpoint)
    )


def cmd_consistency(args: argparse.Namespace) -> str:
    keys, limits = _trusted(args)
    data = _load_json(args.proof)
    hasher = TreeHasher(_field(data, "hash", str))
    old = open_checkpoint(_field(data, "old_checkpoint", str), keys, limits)
    new = open_checkpoint(_field(data, "new_checkpoint", str), keys, limits)
    if old.origin != new.origin:
        raise VerifyError("两个检查点来自不同日志", "checkpoints are from different logs")
    verify_consistency(
        hasher, old.size, new.size, _proof(data, hasher), old.root_hash, new.root_hash
    )
    return (
        f"日志从 {old.size} 条到 {new.size} 条只追加未改写 / "
        f"log grew from {old.size} to {new.size} entries without rewriting\n" + _describe(new)
    )


def _bag_module() -> Any:
    """``sanxiang_verify_bag.py`` from beside this file (also under ``python -I``), sharing
    this module's code: it imports ``sanxiang_verify``, which is registered as this module."""
    import importlib.util

    sys.modules.setdefault("sanxiang_verify", sys.modules[__name__])
    path = Path(__file__).with_name("sanxiang_verify_bag.py")
    spec = importlib.util.spec_from_file_location("sanxiang_verify_bag", path)
    if spec is None or spec.loader is None or not path.is_file():
        raise SystemExit(f"找不到 / missing: {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="sanxiang_verify",
        description="验证账本检查点与证明 / verify ledger checkpoints and proofs",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, arg, help_text in (
        ("checkpoint", cmd_checkpoint, "note", "验证签名检查点 / verify a signed checkpoint"),
        ("inclusion", cmd_inclusion, "proof", "验证包含证明 / verify an inclusion proof"),
        ("consistency", cmd_consistency, "proof", "验证一致性证明 / verify a consistency proof"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--key", required=True, type=Path, help="公钥文件 / verifier key file")
        sub.add_argument(
            "--rotation",
            action="append",
            type=Path,
            metavar="STATEMENT",
            help="密钥更替声明，按先后给出 / key rotation statement, oldest first (repeatable)",
        )
        sub.add_argument(arg, type=Path, metavar=arg.upper())
        sub.set_defaults(handler=handler)
    checkpoint_parser = commands.choices["checkpoint"]
    checkpoint_parser.add_argument(
        "--witness", type=Path, help="见证方公钥文件 / witness key file (cosignature/v1)"
    )
    checkpoint_parser.add_argument(
        "--cosignatures",
        type=int,
        default=1,
        metavar="N",
        help="至少需要的联署签名数 / cosignatures required with --witness (default 1)",
    )
    sub = commands.add_parser("bag", help="离线核验移交包 / verify a transfer package offline")
    sub.add_argument("--key", type=Path, help="另行取得的公钥文件 / separately obtained key file")
    sub.add_argument("path", type=Path, metavar="BAG")
    args = parser.parse_args(argv)
    if args.command == "bag":
        return _bag_module().cmd_bag(args)
    try:
        print("验证通过 / VERIFIED: " + args.handler(args))
    except VerifyError as exc:
        print(f"验证失败 / FAILED: {exc.zh}\n  {exc.en}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
