"""SM2 (gmssl) and Ed25519 (cryptography) keys: known answers, interop, tampering, key files."""

import json
import secrets
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from gmssl.sm2 import CryptSM2, default_ecc_table

from sanxiang.ledger.signing import (
    ALGORITHMS,
    ED25519,
    SM2,
    Ed25519SigningKey,
    Ed25519VerifyingKey,
    SM2SigningKey,
    SM2VerifyingKey,
    generate_signing_key,
    load_signing_key,
    load_signing_keys,
    load_verifying_key,
    signing_key_from_pem,
    verifying_key_from_bytes,
    verifying_key_from_pem,
    write_key_pair,
)

VECTORS = Path(__file__).parent / "vectors"
RFC8032 = json.loads((VECTORS / "ed25519_rfc8032.json").read_text())["vectors"]
OPENSSL_SM2 = json.loads((VECTORS / "sm2_openssl.json").read_text())
N = int(default_ecc_table["n"], 16)
MESSAGE = "检查点 checkpoint\n".encode()


def flip(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_round_trip_and_tampering(algorithm: str) -> None:
    key = generate_signing_key(algorithm)
    assert key.algorithm == key.verifying_key.algorithm == algorithm
    signature = key.sign(MESSAGE)
    assert len(signature) == 64
    public = key.verifying_key
    assert public.verify(MESSAGE, signature)
    assert not public.verify(MESSAGE + b" ", signature)
    assert not public.verify(flip(MESSAGE), signature)
    assert not public.verify(MESSAGE, flip(signature))
    assert not public.verify(MESSAGE, flip(signature, 63))
    assert not public.verify(MESSAGE, signature[:-1])
    assert not public.verify(MESSAGE, b"")
    assert not generate_signing_key(algorithm).verifying_key.verify(MESSAGE, signature)


@pytest.mark.parametrize("vector", RFC8032, ids=lambda v: v["name"])
def test_ed25519_rfc8032(vector: dict) -> None:
    key = Ed25519SigningKey.from_seed(bytes.fromhex(vector["secret_key"]))
    message = bytes.fromhex(vector["message"])
    assert key.verifying_key.public_bytes.hex() == vector["public_key"]
    assert key.sign(message).hex() == vector["signature"]
    public = Ed25519VerifyingKey(bytes.fromhex(vector["public_key"]))
    assert public.verify(message, bytes.fromhex(vector["signature"]))
    assert not public.verify(message + b"x", bytes.fromhex(vector["signature"]))


def test_sm2_openssl_vector() -> None:
    key = signing_key_from_pem(OPENSSL_SM2["private_key_pem"].encode())
    public = verifying_key_from_pem(OPENSSL_SM2["public_key_pem"].encode())
    assert public == key.verifying_key
    assert public.public_bytes.hex() == OPENSSL_SM2["public_key_hex"]
    message = OPENSSL_SM2["message"].encode()
    signature = bytes.fromhex(OPENSSL_SM2["signature_rs_hex"])
    assert public.verify(message, signature)
    assert not public.verify(message[:-1], signature)
    # Our PEM encoding is byte-for-byte OpenSSL's.
    assert key.to_pem().decode() == OPENSSL_SM2["private_key_pem"]
    assert public.to_pem().decode() == OPENSSL_SM2["public_key_pem"]


def _gmssl(d: int, key: SM2SigningKey) -> CryptSM2:
    """gmssl's own object for the same key pair (public key set past its lstrip bug)."""
    crypt = CryptSM2(private_key=f"{d:064x}", public_key="")
    crypt.public_key = key.verifying_key.public_bytes[1:].hex()
    return crypt


def test_sm2_interoperates_with_gmssl_sign_with_sm3() -> None:
    d = secrets.randbelow(N - 2) + 1
    key = SM2SigningKey(d)
    crypt = _gmssl(d, key)
    ours = key.sign(MESSAGE)
    assert crypt.verify_with_sm3(ours.hex(), MESSAGE)
    theirs = crypt.sign_with_sm3(MESSAGE, f"{12345678901234567890:064x}")
    assert key.verifying_key.verify(MESSAGE, bytes.fromhex(theirs))
    assert not crypt.verify_with_sm3(ours.hex(), MESSAGE + b"!")


def test_sm2_keys_whose_x_starts_with_0_or_4() -> None:
    # gmssl's constructor would lstrip("04") such keys into garbage; our wrapper must not.
    for _ in range(200):
        d = secrets.randbelow(N - 2) + 1
        key = SM2SigningKey(d)
        if key.verifying_key.public_bytes[1:].hex()[0] in "04":
            break
    else:
        pytest.fail("no key with x starting with hex 0 or 4 in 200 tries")
    signature = key.sign(MESSAGE)
    assert SM2VerifyingKey(key.verifying_key.public_bytes).verify(MESSAGE, signature)
    assert _gmssl(d, key).verify_with_sm3(signature.hex(), MESSAGE)


def test_sm2_rejects_out_of_range_signatures() -> None:
    key = SM2SigningKey.generate()
    signature = key.sign(MESSAGE)
    r, s = signature[:32], signature[32:]
    zero, n = bytes(32), N.to_bytes(32, "big")
    public = key.verifying_key
    for bad in (zero + s, r + zero, n + s, r + n, b"\xff" * 64):
        assert not public.verify(MESSAGE, bad)


def test_sm2_point_at_infinity_is_invalid_not_an_error() -> None:
    # With the private key one can pick (r, s) with sG + tP = O (t = r + s); gmssl raises there.
    d = secrets.randbelow(N - 2) + 1
    t = 12345
    s = -t * d % N
    signature = ((t - s) % N).to_bytes(32, "big") + s.to_bytes(32, "big")
    assert not SM2SigningKey(d).verifying_key.verify(MESSAGE, signature)


def test_sm2_user_id_is_part_of_the_signature() -> None:
    key = SM2SigningKey.generate(user_id=b"alice@example.cn")
    signature = key.sign(MESSAGE)
    assert key.verifying_key.verify(MESSAGE, signature)
    assert not SM2VerifyingKey(key.verifying_key.public_bytes).verify(MESSAGE, signature)


def test_sm2_key_validation() -> None:
    public = SM2SigningKey.generate().verifying_key.public_bytes
    with pytest.raises(ValueError, match="65 bytes"):
        SM2VerifyingKey(public[1:])
    with pytest.raises(ValueError, match="65 bytes"):
        SM2VerifyingKey(b"\x02" + public[1:])
    with pytest.raises(ValueError, match="not a point"):
        SM2VerifyingKey(public[:-1] + bytes([public[-1] ^ 1]))
    for bad in (0, N - 1, N):
        with pytest.raises(ValueError):
            SM2SigningKey(bad)
    SM2SigningKey(N - 2)


def test_verifying_key_from_bytes() -> None:
    for algorithm in ALGORITHMS:
        public = generate_signing_key(algorithm).verifying_key
        assert verifying_key_from_bytes(algorithm, public.public_bytes) == public
    with pytest.raises(ValueError):
        verifying_key_from_bytes(ED25519, bytes(31))
    with pytest.raises(ValueError):
        verifying_key_from_bytes("rsa", bytes(32))
    with pytest.raises(ValueError):
        generate_signing_key("rsa")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_pem_round_trip(algorithm: str) -> None:
    key = generate_signing_key(algorithm)
    loaded = signing_key_from_pem(key.to_pem())
    assert loaded.verifying_key == key.verifying_key
    assert key.verifying_key.verify(MESSAGE, loaded.sign(MESSAGE))
    assert verifying_key_from_pem(key.verifying_key.to_pem()) == key.verifying_key


def test_pem_rejects_other_key_types() -> None:
    p256 = ec.generate_private_key(ec.SECP256R1())
    private_pem = p256.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = p256.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError, match="unsupported"):
        signing_key_from_pem(private_pem)
    with pytest.raises(ValueError, match="unsupported"):
        verifying_key_from_pem(public_pem)
    with pytest.raises(ValueError, match="no PEM"):
        signing_key_from_pem(public_pem)
    truncated = SM2SigningKey.generate().to_pem().replace(b"\n-----END", b"AAAA\n-----END")
    with pytest.raises(ValueError):
        signing_key_from_pem(truncated)


def test_key_files(tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    sm2_key, ed_key = SM2SigningKey.generate(), Ed25519SigningKey.generate()
    private_path, public_path = write_key_pair(sm2_key, directory, "ledger-sm2")
    write_key_pair(ed_key, directory, "ledger-ed25519")
    assert private_path.name == "ledger-sm2.key.pem"
    assert public_path.name == "ledger-sm2.pub.pem"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert load_verifying_key(public_path) == sm2_key.verifying_key
    assert load_signing_key(private_path).verifying_key == sm2_key.verifying_key
    keys = load_signing_keys(directory)
    assert sorted(keys) == ["ledger-ed25519", "ledger-sm2"]
    assert keys["ledger-ed25519"].verifying_key == ed_key.verifying_key
    assert keys["ledger-sm2"].algorithm == SM2
    # An existing private key is never overwritten.
    with pytest.raises(FileExistsError):
        write_key_pair(Ed25519SigningKey.generate(), directory, "ledger-sm2")
    assert load_signing_key(private_path).verifying_key == sm2_key.verifying_key
    for stem in ("", "../escape", "a/b", ".hidden"):
        with pytest.raises(ValueError):
            write_key_pair(ed_key, directory, stem)
