"""Hash functions for the ledger's Merkle tree (RFC 6962 / RFC 9162 §2.1.1).

The ledger hashes with SM3 (GB/T 32905) by default because Chinese government systems are
expected to use the national algorithms; SHA-256 stays selectable so the tree math can be
checked against the published RFC 6962 test vectors and other transparency-log tooling.

Leaves and interior nodes are hashed with distinct one-byte prefixes (0x00 / 0x01) so that a
leaf can never be passed off as an interior node (second-preimage protection).
"""

import hashlib

__all__ = ["DEFAULT_HASH", "HASH_NAMES", "Hasher", "get_hasher"]

DEFAULT_HASH = "sm3"
HASH_NAMES = ("sm3", "sha256")

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class Hasher:
    """RFC 6962 tree hasher over one hashlib algorithm.

    Hash objects are cloned from a pre-built template with ``copy()``: for SM3 this avoids an
    OpenSSL algorithm lookup per call, which matters when a million-entry log is re-hashed.
    """

    __slots__ = ("_template", "digest_size", "name")

    def __init__(self, name: str) -> None:
        if name not in HASH_NAMES:
            raise ValueError(f"unsupported hash {name!r}; expected one of {HASH_NAMES}")
        try:
            self._template = hashlib.new(name)
        except ValueError as exc:  # OpenSSL built without SM3
            raise RuntimeError(f"hashlib has no {name!r}; OpenSSL 3 is required") from exc
        self.name = name
        self.digest_size: int = self._template.digest_size

    def __repr__(self) -> str:
        return f"Hasher({self.name!r})"

    def hash(self, data: bytes) -> bytes:
        """Plain digest of ``data`` (no domain-separation prefix)."""
        h = self._template.copy()
        h.update(data)
        return h.digest()

    def leaf(self, data: bytes) -> bytes:
        """Leaf hash ``H(0x00 || data)``."""
        h = self._template.copy()
        h.update(_LEAF_PREFIX)
        h.update(data)
        return h.digest()

    def node(self, left: bytes, right: bytes) -> bytes:
        """Interior node hash ``H(0x01 || left || right)``."""
        h = self._template.copy()
        h.update(_NODE_PREFIX)
        h.update(left)
        h.update(right)
        return h.digest()

    def empty_root(self) -> bytes:
        """Root of the empty tree, ``H("")``."""
        return self._template.copy().digest()


_HASHERS: dict[str, Hasher] = {}


def get_hasher(name: str = DEFAULT_HASH) -> Hasher:
    """Return the shared :class:`Hasher` for ``"sm3"`` or ``"sha256"``."""
    hasher = _HASHERS.get(name)
    if hasher is None:
        hasher = _HASHERS[name] = Hasher(name)
    return hasher
