"""SM2 and Ed25519 signing keys for ledger checkpoints, and their key files.

SM2 (GM/T 0003-2012 / GB/T 32918) is the default because national-algorithm signatures are
what Chinese supervisory bodies expect; Ed25519 is offered for interoperability with the
transparency-log ecosystem (C2SP signed notes, Go's ``note`` package).

The public interface deals in bytes only:

* Ed25519: 32-byte raw public key, 64-byte RFC 8032 signature (via ``cryptography``).
* SM2: 65-byte uncompressed public key ``04 || x || y``; 64-byte signature ``r || s``
  (big-endian, 32 bytes each) over ``e = SM3(Z_A || M)``, where
  ``Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)`` and ``ID_A`` defaults to
  ``"1234567812345678"``. The curve arithmetic is gmssl's ``CryptSM2``, wrapped because:

  - its constructor strips the ``04`` prefix with ``str.lstrip("04")``, which also eats leading
    ``0``/``4`` hex digits of x, so the public key is assigned after construction;
  - its default nonce comes from ``random.choice`` (not a CSPRNG), so nonces are drawn here
    with :mod:`secrets`;
  - it takes and returns hex strings and does not range-check ``r``/``s`` or validate the
    public point, which is done here; ``Z_A`` is computed here with ``hashlib`` so that the
    user ID is configurable (gmssl hard-codes the default ID).

Key files are PEM: PKCS#8 private keys and SubjectPublicKeyInfo public keys. ``cryptography``
has no SM2 curve, so SM2 keys are DER-encoded here with the standard identifiers
(id-ecPublicKey + curve OID 1.2.156.10197.1.301), the layout OpenSSL 3 and GmSSL use.
"""

import base64
import hashlib
import os
import re
import secrets
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from gmssl.sm2 import CryptSM2, default_ecc_table

__all__ = [
    "ALGORITHMS",
    "ED25519",
    "PRIVATE_SUFFIX",
    "PUBLIC_SUFFIX",
    "SM2",
    "SM2_DEFAULT_USER_ID",
    "Ed25519SigningKey",
    "Ed25519VerifyingKey",
    "SM2SigningKey",
    "SM2VerifyingKey",
    "SigningKey",
    "VerifyingKey",
    "generate_signing_key",
    "load_signing_key",
    "load_signing_keys",
    "load_verifying_key",
    "signing_key_from_pem",
    "verifying_key_from_bytes",
    "verifying_key_from_pem",
    "write_key_pair",
]

SM2 = "sm2"
ED25519 = "ed25519"
ALGORITHMS = (SM2, ED25519)
SM2_DEFAULT_USER_ID = b"1234567812345678"

_P = int(default_ecc_table["p"], 16)
_N = int(default_ecc_table["n"], 16)
_A = int(default_ecc_table["a"], 16)
_B = int(default_ecc_table["b"], 16)
_G_HEX = default_ecc_table["g"]
_CURVE_BYTES = b"".join(
    v.to_bytes(32, "big") for v in (_A, _B, int(_G_HEX[:64], 16), int(_G_HEX[64:], 16))
)


class VerifyingKey(ABC):
    """A public key that checks signatures; ``public_bytes`` is its raw encoding."""

    algorithm: ClassVar[str]
    public_bytes: bytes

    @abstractmethod
    def verify(self, message: bytes, signature: bytes) -> bool:
        """True iff ``signature`` is valid for ``message``; never raises for bad input."""

    @abstractmethod
    def to_pem(self) -> bytes:
        """SubjectPublicKeyInfo PEM."""

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, VerifyingKey)
            and other.algorithm == self.algorithm
            and other.public_bytes == self.public_bytes
        )

    def __hash__(self) -> int:
        return hash((self.algorithm, self.public_bytes))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.public_bytes.hex()})"


class SigningKey(ABC):
    """A private key; ``verifying_key`` is the matching public key."""

    algorithm: ClassVar[str]
    verifying_key: VerifyingKey

    @abstractmethod
    def sign(self, message: bytes) -> bytes:
        """Signature over ``message`` in this algorithm's byte encoding."""

    @abstractmethod
    def to_pem(self) -> bytes:
        """Unencrypted PKCS#8 PEM. Treat as secret."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(public={self.verifying_key.public_bytes.hex()})"


# --- Ed25519 -----------------------------------------------------------------------------------


class Ed25519VerifyingKey(VerifyingKey):
    algorithm = ED25519

    def __init__(self, public_bytes: bytes) -> None:
        self._key = ed25519.Ed25519PublicKey.from_public_bytes(public_bytes)
        self.public_bytes = bytes(public_bytes)

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def to_pem(self) -> bytes:
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


class Ed25519SigningKey(SigningKey):
    algorithm = ED25519

    def __init__(self, key: ed25519.Ed25519PrivateKey) -> None:
        self._key = key
        self.verifying_key = Ed25519VerifyingKey(
            key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

    @classmethod
    def generate(cls) -> "Ed25519SigningKey":
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> "Ed25519SigningKey":
        """Key from its 32-byte RFC 8032 private seed."""
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def to_pem(self) -> bytes:
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


# --- SM2 ---------------------------------------------------------------------------------------


def _new_crypt(private_hex: str, public_hex: str) -> CryptSM2:
    crypt = CryptSM2(private_key=private_hex, public_key="")
    crypt.public_key = public_hex  # bypass the constructor's lstrip("04"), see module docstring
    return crypt


class SM2VerifyingKey(VerifyingKey):
    algorithm = SM2

    def __init__(self, public_bytes: bytes, user_id: bytes = SM2_DEFAULT_USER_ID) -> None:
        if len(public_bytes) != 65 or public_bytes[0] != 4:
            raise ValueError("SM2 public key must be 65 bytes: 04 || x || y")
        x = int.from_bytes(public_bytes[1:33], "big")
        y = int.from_bytes(public_bytes[33:], "big")
        if x >= _P or y >= _P or (y * y - x * x * x - _A * x - _B) % _P:
            raise ValueError("SM2 public key is not a point on the SM2 curve")
        if len(user_id) >= 8192:
            raise ValueError("SM2 user ID is too long")
        self.public_bytes = bytes(public_bytes)
        self.user_id = bytes(user_id)
        entl = (len(user_id) * 8).to_bytes(2, "big")
        self._z = hashlib.new("sm3", entl + user_id + _CURVE_BYTES + public_bytes[1:]).digest()
        self._crypt = _new_crypt("", public_bytes[1:].hex())

    def digest(self, message: bytes) -> bytes:
        """The signed value ``e = SM3(Z_A || message)``."""
        return hashlib.new("sm3", self._z + message).digest()

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        r = int.from_bytes(signature[:32], "big")
        s = int.from_bytes(signature[32:], "big")
        if not (0 < r < _N and 0 < s < _N):
            return False
        try:
            return bool(self._crypt.verify(signature.hex(), self.digest(message)))
        except TypeError:  # gmssl fails on sG + tP = O, which GM/T 0003 says is invalid
            return False

    def to_pem(self) -> bytes:
        spki = _der(0x30, _SM2_ALGORITHM_ID + _der(0x03, b"\x00" + self.public_bytes))
        return _pem("PUBLIC KEY", spki)


class SM2SigningKey(SigningKey):
    algorithm = SM2
    verifying_key: SM2VerifyingKey

    def __init__(self, private_value: int, user_id: bytes = SM2_DEFAULT_USER_ID) -> None:
        if not 0 < private_value < _N - 1:
            raise ValueError("SM2 private key must be in [1, n-2]")
        self._d = private_value
        private_hex = f"{private_value:064x}"
        # gmssl has no public API for d·G; _kg is its scalar multiplication.
        public_hex = _new_crypt(private_hex, "")._kg(private_value, _G_HEX)
        self.verifying_key = SM2VerifyingKey(b"\x04" + bytes.fromhex(public_hex), user_id)
        self._crypt = _new_crypt(private_hex, public_hex)

    @classmethod
    def generate(cls, user_id: bytes = SM2_DEFAULT_USER_ID) -> "SM2SigningKey":
        return cls(secrets.randbelow(_N - 2) + 1, user_id)

    def sign(self, message: bytes) -> bytes:
        e = self.verifying_key.digest(message)
        while True:  # gmssl returns None for the (negligible) r = 0, r + k = n, s = 0 cases
            signature = self._crypt.sign(e, f"{secrets.randbelow(_N - 1) + 1:064x}")
            if signature:
                return bytes.fromhex(signature)

    def to_pem(self) -> bytes:
        ec_private_key = _der(
            0x30,
            _der(0x02, b"\x01")
            + _der(0x04, self._d.to_bytes(32, "big"))
            + _der(0xA1, _der(0x03, b"\x00" + self.verifying_key.public_bytes)),
        )
        pkcs8 = _der(0x30, _der(0x02, b"\x00") + _SM2_ALGORITHM_ID + _der(0x04, ec_private_key))
        return _pem("PRIVATE KEY", pkcs8)


# --- minimal DER / PEM for SM2 keys ------------------------------------------------------------


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(length))) + length + content


def _der_items(data: bytes) -> list[tuple[int, bytes]]:
    """Split concatenated DER TLVs into ``(tag, content)`` pairs (one nesting level)."""
    items = []
    pos = 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated DER")
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            size = length & 0x7F
            length = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        content = data[pos : pos + length]
        if len(content) != length:
            raise ValueError("truncated DER")
        items.append((tag, content))
        pos += length
    return items


_EC_PUBLIC_KEY_OID = bytes.fromhex("06072a8648ce3d0201")  # 1.2.840.10045.2.1
_SM2_CURVE_OID = bytes.fromhex("06082a811ccf5501822d")  # 1.2.156.10197.1.301
_SM2_ALGORITHM_ID = _der(0x30, _EC_PUBLIC_KEY_OID + _SM2_CURVE_OID)


def _pem(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def _unpem(data: bytes, label: str) -> bytes:
    match = re.search(
        rf"-----BEGIN {label}-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END {label}-----".encode(), data
    )
    if not match:
        raise ValueError(f"no PEM {label} block found")
    return base64.b64decode(b"".join(match.group(1).split()), validate=True)


def _single(data: bytes, tag: int) -> bytes:
    items = _der_items(data)
    if len(items) != 1 or items[0][0] != tag:
        raise ValueError("unexpected DER structure")
    return items[0][1]


def signing_key_from_pem(data: bytes) -> SigningKey:
    """Load an unencrypted PKCS#8 SM2 or Ed25519 private key."""
    der = _unpem(data, "PRIVATE KEY")
    fields = _der_items(_single(der, 0x30))
    if len(fields) >= 3 and _der(*fields[1]) == _SM2_ALGORITHM_ID:
        ec_fields = _der_items(_single(fields[2][1], 0x30))
        if len(ec_fields) < 2 or ec_fields[1][0] != 0x04 or len(ec_fields[1][1]) != 32:
            raise ValueError("malformed SM2 ECPrivateKey")
        return SM2SigningKey(int.from_bytes(ec_fields[1][1], "big"))
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"unsupported private key type {type(key).__name__}")
    return Ed25519SigningKey(key)


def verifying_key_from_pem(data: bytes) -> VerifyingKey:
    """Load a SubjectPublicKeyInfo SM2 or Ed25519 public key."""
    der = _unpem(data, "PUBLIC KEY")
    fields = _der_items(_single(der, 0x30))
    if len(fields) == 2 and _der(*fields[0]) == _SM2_ALGORITHM_ID and fields[1][0] == 0x03:
        bits = fields[1][1]
        if bits[:1] != b"\x00":
            raise ValueError("malformed SM2 public key bit string")
        return SM2VerifyingKey(bits[1:])
    key = serialization.load_der_public_key(der)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError(f"unsupported public key type {type(key).__name__}")
    return Ed25519VerifyingKey(
        key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


# --- construction and key files ----------------------------------------------------------------


def generate_signing_key(algorithm: str = SM2) -> SigningKey:
    """Fresh key from the OS CSPRNG."""
    if algorithm == SM2:
        return SM2SigningKey.generate()
    if algorithm == ED25519:
        return Ed25519SigningKey.generate()
    raise ValueError(f"unknown signature algorithm {algorithm!r}; expected one of {ALGORITHMS}")


def verifying_key_from_bytes(algorithm: str, public_bytes: bytes) -> VerifyingKey:
    """Public key from its raw encoding (32 bytes Ed25519, 65 bytes ``04||x||y`` SM2)."""
    if algorithm == SM2:
        return SM2VerifyingKey(public_bytes)
    if algorithm == ED25519:
        return Ed25519VerifyingKey(public_bytes)
    raise ValueError(f"unknown signature algorithm {algorithm!r}; expected one of {ALGORITHMS}")


_STEM = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PRIVATE_SUFFIX = ".key.pem"
PUBLIC_SUFFIX = ".pub.pem"


def write_key_pair(
    key: SigningKey, directory: str | os.PathLike[str], stem: str
) -> tuple[Path, Path]:
    """Write ``<stem>.key.pem`` (mode 0600) and ``<stem>.pub.pem`` into ``directory``.

    The private file is created with ``O_EXCL`` so an existing key is never overwritten (losing
    a checkpoint key would break the ability to prove continuity), and with mode 0600 from the
    start so it is never readable by others, not even briefly. A missing directory is created
    with mode 0700.
    """
    if not _STEM.fullmatch(stem):
        raise ValueError(f"bad key file stem {stem!r}")
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path = directory / f"{stem}{PRIVATE_SUFFIX}"
    public_path = directory / f"{stem}{PUBLIC_SUFFIX}"
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.to_pem())
    public_path.write_bytes(key.verifying_key.to_pem())
    return private_path, public_path


def load_signing_key(path: str | os.PathLike[str]) -> SigningKey:
    return signing_key_from_pem(Path(path).read_bytes())


def load_verifying_key(path: str | os.PathLike[str]) -> VerifyingKey:
    return verifying_key_from_pem(Path(path).read_bytes())


def load_signing_keys(directory: str | os.PathLike[str]) -> dict[str, SigningKey]:
    """All ``*.key.pem`` private keys in ``directory``, keyed by file stem."""
    return {
        path.name.removesuffix(PRIVATE_SUFFIX): load_signing_key(path)
        for path in sorted(Path(directory).glob(f"*{PRIVATE_SUFFIX}"))
    }
