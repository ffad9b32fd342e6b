import hashlib

import pytest

from sanxiang.ledger.hashing import DEFAULT_HASH, Hasher, get_hasher

# GB/T 32905-2016 Appendix A, examples 1 and 2.
SM3_KATS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("message", "digest"), SM3_KATS)
def test_sm3_known_answers(message: bytes, digest: str) -> None:
    assert get_hasher("sm3").hash(message).hex() == digest


def test_default_is_sm3() -> None:
    assert DEFAULT_HASH == "sm3"
    assert get_hasher().name == "sm3"
    assert get_hasher() is get_hasher("sm3")


@pytest.mark.parametrize("name", ["sm3", "sha256"])
def test_rfc6962_prefixes(name: str) -> None:
    hasher = get_hasher(name)
    assert hasher.digest_size == 32
    assert hasher.empty_root() == hashlib.new(name, b"").digest()
    assert hasher.leaf(b"data") == hashlib.new(name, b"\x00data").digest()
    assert (
        hasher.node(b"L" * 32, b"R" * 32)
        == hashlib.new(name, b"\x01" + b"L" * 32 + b"R" * 32).digest()
    )
    # The prefixes keep a leaf from being mistaken for a node over the same bytes.
    assert hasher.leaf(b"L" * 32 + b"R" * 32) != hasher.node(b"L" * 32, b"R" * 32)


def test_sha256_empty_and_leaf_vectors() -> None:
    # RFC 6962 roots for the empty tree and the one-leaf tree over the empty entry
    # (transparency-dev/merkle testonly/constants.go).
    sha256 = get_hasher("sha256")
    assert sha256.empty_root().hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert sha256.leaf(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


def test_unknown_hash_rejected() -> None:
    with pytest.raises(ValueError, match="unsupported hash"):
        Hasher("md5")
    with pytest.raises(ValueError):
        get_hasher("SM3")
