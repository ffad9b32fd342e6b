"""RFC 6962 / RFC 9162 Merkle tree math that stays O(log n) per operation.

Why this shape: the ledger keeps every *complete perfect subtree* hash in storage, keyed by
``(level, index)`` — the node covering leaves ``[index * 2**level, (index + 1) * 2**level)``.
Such a node never changes once written, so storage is append-only. Everything else is derived:

* Appending a leaf touches only the right edge of the tree (the :class:`Frontier`): amortised
  O(1) hashes, at most log2(n) new perfect nodes to store.
* A proof for any tree size ``m <= n`` needs O(log n) stored nodes. Where the RFC 6962 tree of
  size ``m`` has an incomplete right subtree, its hash is the right fold of the O(log n)
  perfect nodes that cover it, so nothing size-specific is ever stored.
* Proof generation is two steps: a pure *plan* (which node ids, grouped per proof element),
  then one batched ``get_nodes(ids)`` call, so a database needs a single query per proof.

Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency) literally and
raises :class:`ProofError` on any failure.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .hashing import Hasher

__all__ = [
    "Frontier",
    "MemoryNodeStore",
    "Node",
    "NodeID",
    "NodeReader",
    "ProofError",
    "ProofPlan",
    "consistency_plan",
    "consistency_proof",
    "frontier_from_leaves",
    "frontier_ids",
    "inclusion_plan",
    "inclusion_proof",
    "range_ids",
    "root_at",
    "root_from_inclusion_proof",
    "root_from_leaves",
    "verify_consistency",
    "verify_inclusion",
]

NodeID = tuple[int, int]
"""``(level, index)`` of a complete perfect subtree; level 0 is the leaf hashes."""

NodeReader = Callable[[Sequence[NodeID]], Sequence[bytes]]
"""Batch getter: returns the stored hashes of the given node ids, in the same order."""

ProofPlan = list[tuple[NodeID, ...]]
"""One tuple per proof element, node ids left to right; the element is their right fold."""


@dataclass(frozen=True, slots=True)
class Node:
    """A complete perfect subtree hash, as produced by appends and read back by proofs."""

    level: int
    index: int
    hash: bytes


class ProofError(ValueError):
    """A Merkle proof (or the parameters given with it) does not verify."""


def range_ids(begin: int, end: int) -> list[NodeID]:
    """Ids of the maximal perfect subtrees exactly covering leaves ``[begin, end)``, left to right.

    For ``begin == 0`` these are the frontier of a tree of size ``end``; for the incomplete right
    sibling of a proof path they are the nodes whose right fold is that sibling's hash.
    """
    if not 0 <= begin <= end:
        raise ValueError(f"bad leaf range [{begin}, {end})")
    ids: list[NodeID] = []
    while begin < end:
        level = (end - begin).bit_length() - 1
        if begin:
            level = min(level, (begin & -begin).bit_length() - 1)
        ids.append((level, begin >> level))
        begin += 1 << level
    return ids


def frontier_ids(size: int) -> list[NodeID]:
    """Ids of the perfect subtrees on the right edge of a tree of ``size`` leaves, largest first."""
    return range_ids(0, size)


def _fold(hasher: Hasher, hashes: Sequence[bytes]) -> bytes:
    """RFC 6962 MTH of consecutive perfect subtrees given left to right, largest first."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = hasher.node(left, result)
    return result


def _path_plan(index: int, level: int, size: int) -> ProofPlan:
    """Sibling plan from node ``(level, index)`` up to the root of a tree of ``size`` leaves.

    Walks the ancestors bottom-up, as RFC 9162 verifiers consume proofs. A sibling lying wholly
    beyond ``size`` does not exist in the RFC 6962 tree (the node is promoted), so it is skipped;
    a sibling cut by ``size`` is represented by the perfect nodes that cover its leaves.
    """
    plan: ProofPlan = []
    for lvl in range(level, (size - 1).bit_length()):
        start = (index ^ 1) << lvl
        if start < size:
            plan.append(tuple(range_ids(start, min(start + (1 << lvl), size))))
        index >>= 1
    return plan


def inclusion_plan(index: int, size: int) -> ProofPlan:
    """Node ids needed for the inclusion proof of leaf ``index`` in the tree of ``size``."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} out of range for tree size {size}")
    return _path_plan(index, 0, size)


def consistency_plan(size1: int, size2: int) -> ProofPlan:
    """Node ids needed for the consistency proof from tree size ``size1`` to ``size2``.

    The proof is the largest perfect subtree ending at ``size1`` followed by its inclusion path
    in the tree of ``size2``; the subtree itself is omitted when it is the whole old tree
    (``size1`` a power of two), because the verifier already holds that root (RFC 9162 §2.1.4).
    """
    if not 0 <= size1 <= size2:
        raise ValueError(f"bad consistency sizes {size1} -> {size2}")
    if size1 in (0, size2):
        return []
    level = (size1 & -size1).bit_length() - 1
    index = (size1 - 1) >> level
    path = _path_plan(index, level, size2)
    return path if index == 0 else [((level, index),), *path]


def _read(hasher: Hasher, get_nodes: NodeReader, ids: list[NodeID]) -> list[bytes]:
    """One batched store read, checked; buffers (e.g. ``memoryview`` from a DB) become bytes."""
    hashes = [bytes(h) for h in get_nodes(ids)] if ids else []
    if len(hashes) != len(ids) or any(len(h) != hasher.digest_size for h in hashes):
        raise LookupError("node store returned missing or malformed hashes")
    return hashes


def _materialize(hasher: Hasher, plan: ProofPlan, get_nodes: NodeReader) -> list[bytes]:
    hashes = _read(hasher, get_nodes, [node_id for group in plan for node_id in group])
    proof: list[bytes] = []
    pos = 0
    for group in plan:
        proof.append(_fold(hasher, hashes[pos : pos + len(group)]))
        pos += len(group)
    return proof


def inclusion_proof(hasher: Hasher, index: int, size: int, get_nodes: NodeReader) -> list[bytes]:
    """RFC 9162 inclusion proof for leaf ``index`` in the tree of ``size`` from stored nodes."""
    return _materialize(hasher, inclusion_plan(index, size), get_nodes)


def consistency_proof(hasher: Hasher, size1: int, size2: int, get_nodes: NodeReader) -> list[bytes]:
    """RFC 9162 consistency proof between tree sizes ``size1 <= size2`` from stored nodes."""
    return _materialize(hasher, consistency_plan(size1, size2), get_nodes)


def root_at(hasher: Hasher, size: int, get_nodes: NodeReader) -> bytes:
    """Root hash of the tree of ``size`` leaves, from its O(log n) frontier nodes."""
    if size == 0:
        return hasher.empty_root()
    return _materialize(hasher, [tuple(frontier_ids(size))], get_nodes)[0]


@dataclass(frozen=True, slots=True)
class Frontier:
    """Right edge of a tree: hashes of ``frontier_ids(size)``, largest subtree first.

    This is all the state an appender needs: O(log n) hashes from which both the current root
    and the perfect nodes completed by the next append follow.
    """

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise ValueError(f"frontier of size {self.size} needs {self.size.bit_count()} hashes")

    @classmethod
    def load(cls, hasher: Hasher, size: int, get_nodes: NodeReader) -> "Frontier":
        """Rebuild the frontier of ``size`` from stored perfect nodes (e.g. after a restart)."""
        return cls(size, tuple(_read(hasher, get_nodes, frontier_ids(size))))

    def nodes(self) -> list[Node]:
        """The frontier as ``(level, index, hash)`` nodes."""
        return [
            Node(lvl, idx, h)
            for (lvl, idx), h in zip(frontier_ids(self.size), self.hashes, strict=True)
        ]

    def root(self, hasher: Hasher) -> bytes:
        """RFC 6962 root hash of the tree this frontier describes."""
        return _fold(hasher, self.hashes) if self.hashes else hasher.empty_root()

    def append(self, hasher: Hasher, leaf_hash: bytes) -> tuple["Frontier", list[Node]]:
        """Add one leaf; return the new frontier and the perfect nodes it completed.

        The returned nodes start with the leaf itself at ``(0, size)`` and go up, so storing
        all of them keeps the store complete for every later proof.
        """
        if len(leaf_hash) != hasher.digest_size:
            raise ValueError("leaf hash has the wrong length")
        hashes = list(self.hashes)
        index, level, node_hash = self.size, 0, leaf_hash
        completed = [Node(0, index, leaf_hash)]
        while index & 1:
            node_hash = hasher.node(hashes.pop(), node_hash)
            index >>= 1
            level += 1
            completed.append(Node(level, index, node_hash))
        hashes.append(node_hash)
        return Frontier(self.size + 1, tuple(hashes)), completed


def frontier_from_leaves(
    hasher: Hasher, leaf_hashes: Iterable[bytes], start: Frontier | None = None
) -> Frontier:
    """Stream leaf hashes onto ``start`` (default: empty tree): O(n) hashing, O(log n) memory.

    Used to audit a whole log (or the part after an already audited frontier) by recomputing
    every leaf, without materialising the tree.
    """
    if start is None:
        start = Frontier()
    hashes = list(start.hashes)
    size = start.size
    node = hasher.node
    digest_size = hasher.digest_size
    for leaf_hash in leaf_hashes:
        if len(leaf_hash) != digest_size:
            raise ValueError(f"leaf hash {size} has the wrong length")
        node_hash, index = leaf_hash, size
        while index & 1:
            node_hash = node(hashes.pop(), node_hash)
            index >>= 1
        hashes.append(node_hash)
        size += 1
    return Frontier(size, tuple(hashes))


def root_from_leaves(hasher: Hasher, leaf_hashes: Iterable[bytes]) -> bytes:
    """RFC 6962 MTH of a stream of leaf hashes with O(log n) memory."""
    return frontier_from_leaves(hasher, leaf_hashes).root(hasher)


class MemoryNodeStore:
    """In-memory store of every complete perfect subtree hash; a model for the database layer."""

    def __init__(self, hasher: Hasher) -> None:
        self.hasher = hasher
        self.frontier = Frontier()
        self.nodes: dict[NodeID, bytes] = {}

    @property
    def size(self) -> int:
        return self.frontier.size

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Append a leaf hash and store the perfect nodes it completed."""
        self.frontier, completed = self.frontier.append(self.hasher, leaf_hash)
        for node in completed:
            self.nodes[node.level, node.index] = node.hash
        return completed

    def get_nodes(self, ids: Sequence[NodeID]) -> list[bytes]:
        """:data:`NodeReader` over this store; raises ``KeyError`` for a node never stored."""
        return [self.nodes[node_id] for node_id in ids]


def _check_hash(hasher: Hasher, value: bytes, what: str) -> None:
    if len(value) != hasher.digest_size:
        raise ProofError(f"{what} is {len(value)} bytes, expected {hasher.digest_size}")


def root_from_inclusion_proof(
    hasher: Hasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """Root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1-5 without the compare)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} out of range for tree size {size}")
    _check_hash(hasher, leaf_hash, "leaf hash")
    for element in proof:
        _check_hash(hasher, element, "proof element")
    fn, sn, result = index, size - 1, leaf_hash
    for element in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            result = hasher.node(element, result)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            result = hasher.node(result, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return result


def verify_inclusion(
    hasher: Hasher, index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root``."""
    _check_hash(hasher, root, "root hash")
    if root_from_inclusion_proof(hasher, index, size, leaf_hash, proof) != root:
        raise ProofError("inclusion proof does not lead to the expected root")


def verify_consistency(
    hasher: Hasher,
    size1: int,
    size2: int,
    proof: Sequence[bytes],
    root1: bytes,
    root2: bytes,
) -> None:
    """Check that the tree ``(size1, root1)`` is a prefix of ``(size2, root2)`` (RFC 9162 §2.1.4.2).

    Edge cases the RFC leaves to the caller: equal sizes need an empty proof and equal roots;
    from size 0 the proof is empty and ``root1`` must be the empty-tree hash.
    """
    _check_hash(hasher, root1, "old root hash")
    _check_hash(hasher, root2, "new root hash")
    for element in proof:
        _check_hash(hasher, element, "proof element")
    if not 0 <= size1 <= size2:
        raise ProofError(f"bad consistency sizes {size1} -> {size2}")
    if size1 == 0 or size1 == size2:
        if proof:
            raise ProofError("consistency proof must be empty")
        if size1 == 0 and root1 != hasher.empty_root():
            raise ProofError("old root is not the empty-tree hash")
        if size1 == size2 and root1 != root2:
            raise ProofError("roots differ for the same tree size")
        return
    if not proof:
        raise ProofError("consistency proof is empty")

    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for element in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = hasher.node(element, fr)
            sr = hasher.node(element, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = hasher.node(sr, element)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the new root")
