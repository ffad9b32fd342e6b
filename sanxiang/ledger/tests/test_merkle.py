"""Merkle tree math: published RFC 6962 vectors, corrupted proofs, and a reference model."""

import functools
import json
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanxiang.ledger import merkle
from sanxiang.ledger.hashing import Hasher, get_hasher
from sanxiang.ledger.merkle import (
    Frontier,
    MemoryNodeStore,
    NodeID,
    ProofError,
    consistency_plan,
    consistency_proof,
    frontier_from_leaves,
    inclusion_plan,
    inclusion_proof,
    root_at,
    root_from_inclusion_proof,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "vectors" / "rfc6962_sha256.json").read_text())
SHA256 = get_hasher("sha256")
SM3 = get_hasher("sm3")
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


VECTOR_LEAVES = [SHA256.leaf(h(x)) for x in VECTORS["leaves"]]
VECTOR_ROOTS = [h(x) for x in VECTORS["roots"]]


# --- reference implementation: RFC 6962 §2.1 definitions, recursive, for cross-checks ---------


def _split(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def ref_root(hasher: Hasher, leaves: list[bytes]) -> bytes:
    if not leaves:
        return hasher.empty_root()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return hasher.node(ref_root(hasher, leaves[:k]), ref_root(hasher, leaves[k:]))


def ref_path(hasher: Hasher, m: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*ref_path(hasher, m, leaves[:k]), ref_root(hasher, leaves[k:])]
    return [*ref_path(hasher, m - k, leaves[k:]), ref_root(hasher, leaves[:k])]


def ref_subproof(hasher: Hasher, m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [ref_root(hasher, leaves)]
    k = _split(n)
    if m <= k:
        return [*ref_subproof(hasher, m, leaves[:k], complete), ref_root(hasher, leaves[k:])]
    return [*ref_subproof(hasher, m - k, leaves[k:], False), ref_root(hasher, leaves[:k])]


def ref_consistency(hasher: Hasher, m: int, leaves: list[bytes]) -> list[bytes]:
    return ref_subproof(hasher, m, leaves, True) if 0 < m < len(leaves) else []


@functools.cache
def big_tree(name: str, size: int = 300) -> tuple[list[bytes], MemoryNodeStore]:
    hasher = get_hasher(name)
    leaves = [hasher.leaf(f"entry {i}".encode()) for i in range(size)]
    store = MemoryNodeStore(hasher)
    for leaf in leaves:
        store.append(leaf)
    return leaves, store


@functools.cache
def vector_store() -> MemoryNodeStore:
    store = MemoryNodeStore(SHA256)
    for leaf in VECTOR_LEAVES:
        store.append(leaf)
    return store


# --- published vectors -------------------------------------------------------------------------


def test_roots_of_all_prefixes() -> None:
    store = vector_store()
    for size, root in enumerate(VECTOR_ROOTS):
        assert root_from_leaves(SHA256, VECTOR_LEAVES[:size]) == root
        assert root_at(SHA256, size, store.get_nodes) == root
        assert ref_root(SHA256, VECTOR_LEAVES[:size]) == root
    assert VECTOR_ROOTS[0] == h(VECTORS["empty_root"]) == SHA256.empty_root()


def test_store_holds_exactly_the_perfect_subtrees() -> None:
    expected = {
        (level, index): h(node)
        for level, nodes in enumerate(VECTORS["node_hashes"])
        for index, node in enumerate(nodes)
    }
    assert vector_store().nodes == expected


def test_frontiers_match_compact_trees() -> None:
    nodes = VECTORS["node_hashes"]
    frontier = Frontier()
    for size in range(1, 9):
        frontier, _ = frontier.append(SHA256, VECTOR_LEAVES[size - 1])
        assert frontier.root(SHA256) == VECTOR_ROOTS[size]
        assert all(n.hash == h(nodes[n.level][n.index]) for n in frontier.nodes())
    assert [(n.level, n.index) for n in Frontier(7, (b"a" * 32, b"b" * 32, b"c" * 32)).nodes()] == [
        (2, 0),
        (1, 2),
        (0, 6),
    ]


@pytest.mark.parametrize(
    "vec", VECTORS["inclusion_proofs"], ids=lambda v: f"{v['index']}:{v['size']}"
)
def test_inclusion_vectors(vec: dict) -> None:
    index, size, expected = vec["index"], vec["size"], [h(x) for x in vec["proof"]]
    assert inclusion_proof(SHA256, index, size, vector_store().get_nodes) == expected
    verify_inclusion(SHA256, index, size, VECTOR_LEAVES[index], expected, VECTOR_ROOTS[size])


@pytest.mark.parametrize(
    "vec", VECTORS["consistency_proofs"], ids=lambda v: f"{v['size1']}:{v['size2']}"
)
def test_consistency_vectors(vec: dict) -> None:
    size1, size2, expected = vec["size1"], vec["size2"], [h(x) for x in vec["proof"]]
    assert consistency_proof(SHA256, size1, size2, vector_store().get_nodes) == expected
    verify_consistency(SHA256, size1, size2, expected, VECTOR_ROOTS[size1], VECTOR_ROOTS[size2])


def _as_vector_groups(plan: merkle.ProofPlan) -> list[list[list[int]]]:
    # proof_test.go lists each rehashed group right to left.
    return [[list(node_id) for node_id in reversed(group)] for group in plan]


@pytest.mark.parametrize(
    "vec", VECTORS["inclusion_plans"], ids=lambda v: f"{v['index']}:{v['size']}"
)
def test_inclusion_plans_fetch_the_published_nodes(vec: dict) -> None:
    assert _as_vector_groups(inclusion_plan(vec["index"], vec["size"])) == vec["groups"]


@pytest.mark.parametrize(
    "vec", VECTORS["consistency_plans"], ids=lambda v: f"{v['size1']}:{v['size2']}"
)
def test_consistency_plans_fetch_the_published_nodes(vec: dict) -> None:
    assert _as_vector_groups(consistency_plan(vec["size1"], vec["size2"])) == vec["groups"]


@pytest.mark.parametrize(("index", "size"), [(0, 0), (1, 0), (1, 1), (2, 1), (8, 7), (-1, 5)])
def test_inclusion_plan_rejects_bad_parameters(index: int, size: int) -> None:
    with pytest.raises(ValueError):
        inclusion_plan(index, size)


@pytest.mark.parametrize(("size1", "size2"), [(5, 0), (9, 8), (-1, 3)])
def test_consistency_plan_rejects_bad_parameters(size1: int, size2: int) -> None:
    with pytest.raises(ValueError):
        consistency_plan(size1, size2)


def test_proofs_need_logarithmically_many_stored_nodes() -> None:
    size = 1_000_003
    bound = 2 * math.ceil(math.log2(size)) + 1
    for index in (0, 1, 524_287, 524_288, 999_999, size - 1):
        assert sum(map(len, inclusion_plan(index, size))) <= bound
    for size1 in (1, 2, 3, 524_288, 777_777, size - 1):
        assert sum(map(len, consistency_plan(size1, size))) <= bound


# --- corrupted proofs --------------------------------------------------------------------------


def inclusion_probes(
    index: int, size: int, leaf: bytes, proof: list[bytes], root: bytes
) -> Iterator[tuple[str, tuple]]:
    yield "index - 1", (index - 1, size, leaf, proof, root)
    yield "index + 1", (index + 1, size, leaf, proof, root)
    yield "index ^ 2", (index ^ 2, size, leaf, proof, root)
    yield "size * 2", (index, size * 2, leaf, proof, root)
    yield "size // 2", (index, size // 2, leaf, proof, root)
    yield "wrong leaf", (index, size, SOME_HASH, proof, root)
    yield "short leaf", (index, size, b"WrongLeaf", proof, root)
    yield "empty root", (index, size, leaf, proof, SHA256.empty_root())
    yield "random root", (index, size, leaf, proof, SOME_HASH)
    yield "trailing empty", (index, size, leaf, [*proof, b""], root)
    yield "trailing hash", (index, size, leaf, [*proof, SOME_HASH], root)
    yield "trailing root", (index, size, leaf, [*proof, root], root)
    yield "preceding empty", (index, size, leaf, [b"", *proof], root)
    yield "preceding root", (index, size, leaf, [root, *proof], root)
    for i in range(len(proof)):
        for bit in (0, 3, 255):
            flipped = bytearray(proof[i])
            flipped[bit // 8] ^= 1 << (bit % 8)
            yield (
                f"proof[{i}] bit {bit}",
                (index, size, leaf, [*proof[:i], bytes(flipped), *proof[i + 1 :]], root),
            )
    if proof:
        yield "truncated", (index, size, leaf, proof[:-1], root)
        yield "first removed", (index, size, leaf, proof[1:], root)
    if len(proof) > 1:
        yield "inserted", (index, size, leaf, [proof[0], SOME_HASH, *proof[1:]], root)
        yield "reversed", (index, size, leaf, proof[::-1], root)


def consistency_probes(
    size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes
) -> Iterator[tuple[str, tuple]]:
    yield "size1 - 1", (size1 - 1, size2, proof, root1, root2)
    yield "size1 + 1", (size1 + 1, size2, proof, root1, root2)
    yield "size1 ^ 2", (size1 ^ 2, size2, proof, root1, root2)
    yield "size2 * 2", (size1, size2 * 2, proof, root1, root2)
    yield "size2 // 2", (size1, size2 // 2, proof, root1, root2)
    yield "wrong root1", (size1, size2, proof, SOME_HASH, root2)
    yield "wrong root2", (size1, size2, proof, root1, SOME_HASH)
    yield "short root", (size1, size2, proof, b"WrongRoot", root2)
    yield "swapped roots", (size1, size2, proof, root2, root1)
    yield "empty proof", (size1, size2, [], root1, root2)
    yield "trailing empty", (size1, size2, [*proof, b""], root1, root2)
    yield "trailing root1", (size1, size2, [*proof, root1], root1, root2)
    yield "trailing root2", (size1, size2, [*proof, root2], root1, root2)
    yield "preceding empty", (size1, size2, [b"", *proof], root1, root2)
    yield "preceding root1", (size1, size2, [root1, *proof], root1, root2)
    yield "preceding root2", (size1, size2, [root2, *proof], root1, root2)
    yield "preceding proof[0]", (size1, size2, [proof[0], *proof], root1, root2)
    yield "truncated", (size1, size2, proof[:-1], root1, root2)
    for i in range(len(proof)):
        for bit in (0, 4, 255):
            flipped = bytearray(proof[i])
            flipped[bit // 8] ^= 1 << (bit % 8)
            yield (
                f"proof[{i}] bit {bit}",
                (size1, size2, [*proof[:i], bytes(flipped), *proof[i + 1 :]], root1, root2),
            )


def _inclusion_cases() -> Iterator[tuple[int, int]]:
    yield from ((v["index"], v["size"]) for v in VECTORS["inclusion_proofs"])
    yield from ((i, n) for n in (7, 13, 32, 33, 100) for i in range(n))


def _consistency_cases() -> Iterator[tuple[int, int]]:
    yield from ((v["size1"], v["size2"]) for v in VECTORS["consistency_proofs"])
    yield from ((m, n) for n in (8, 13, 33, 100) for m in range(1, n))


def _accepted(verify: Callable[..., None], probes: list[tuple[str, tuple]]) -> list[str]:
    """Descriptions of the probes that ``verify`` wrongly accepted."""
    accepted = []
    for desc, args in probes:
        try:
            verify(SHA256, *args)
        except ProofError:
            continue
        accepted.append(desc)
    return accepted


def test_corrupted_inclusion_proofs_fail() -> None:
    leaves, store = big_tree("sha256")
    checked, accepted = 0, []
    for index, size in _inclusion_cases():
        proof = inclusion_proof(SHA256, index, size, store.get_nodes)
        root = root_at(SHA256, size, store.get_nodes)
        verify_inclusion(SHA256, index, size, leaves[index], proof, root)
        probes = list(inclusion_probes(index, size, leaves[index], proof, root))
        accepted += [f"{desc} @ {index}/{size}" for desc in _accepted(verify_inclusion, probes)]
        checked += len(probes)
    assert not accepted
    assert checked > 5000


def test_corrupted_consistency_proofs_fail() -> None:
    _, store = big_tree("sha256")
    checked, accepted = 0, []
    for size1, size2 in _consistency_cases():
        proof = consistency_proof(SHA256, size1, size2, store.get_nodes)
        if not proof:
            continue
        root1, root2 = (root_at(SHA256, n, store.get_nodes) for n in (size1, size2))
        verify_consistency(SHA256, size1, size2, proof, root1, root2)
        probes = list(consistency_probes(size1, size2, proof, root1, root2))
        accepted += [f"{desc} @ {size1}->{size2}" for desc in _accepted(verify_consistency, probes)]
        checked += len(probes)
    assert not accepted
    assert checked > 3000


def test_inclusion_single_entry_and_degenerate_inputs() -> None:
    leaf = SHA256.leaf(b"data")
    verify_inclusion(SHA256, 0, 1, leaf, [], leaf)
    assert root_from_inclusion_proof(SHA256, 0, 1, leaf, []) == leaf
    for index, size in [(0, 0), (1, 0), (1, 1), (2, 1)]:
        with pytest.raises(ProofError):
            verify_inclusion(SHA256, index, size, leaf, [], leaf)
    for bad_leaf, bad_root in [(leaf, b""), (b"", leaf), (b"", b"")]:
        with pytest.raises(ProofError):
            verify_inclusion(SHA256, 0, 1, bad_leaf, [], bad_root)


def test_consistency_trivial_cases() -> None:
    empty = SHA256.empty_root()
    root1, root2 = VECTOR_ROOTS[1], VECTOR_ROOTS[2]
    verify_consistency(SHA256, 0, 0, [], empty, empty)
    verify_consistency(SHA256, 0, 5, [], empty, VECTOR_ROOTS[5])
    verify_consistency(SHA256, 1, 1, [], root1, root1)
    failing = [
        (0, 0, [], empty, root1),  # same size, different roots
        (1, 1, [], root1, root2),
        (0, 1, [], root1, root1),  # size 0 must have the empty-tree root
        (1, 0, [], root1, root2),  # time travel
        (2, 1, [], root2, root1),
        (1, 2, [], root1, root2),  # missing proof
        (0, 0, [empty], empty, empty),  # proof where none is needed
        (0, 1, [empty], empty, root1),
        (1, 1, [empty], root1, root1),
    ]
    for args in failing:
        with pytest.raises(ProofError):
            verify_consistency(SHA256, *args)


# --- reference model and properties ------------------------------------------------------------


def test_exhaustive_small_trees_match_reference() -> None:
    leaves, store = big_tree("sha256")
    for size in range(1, 34):
        prefix = leaves[:size]
        root = ref_root(SHA256, prefix)
        assert root_at(SHA256, size, store.get_nodes) == root
        for index in range(size):
            proof = inclusion_proof(SHA256, index, size, store.get_nodes)
            assert proof == ref_path(SHA256, index, prefix)
        for size1 in range(size + 1):
            proof = consistency_proof(SHA256, size1, size, store.get_nodes)
            assert proof == ref_consistency(SHA256, size1, prefix)
            verify_consistency(SHA256, size1, size, proof, ref_root(SHA256, leaves[:size1]), root)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(["sm3", "sha256"]), data=st.data())
def test_inclusion_proofs_verify_for_any_index_and_size(name: str, data: st.DataObject) -> None:
    leaves, store = big_tree(name)
    hasher = store.hasher
    size = data.draw(st.integers(1, len(leaves)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(hasher, index, size, store.get_nodes)
    assert proof == ref_path(hasher, index, leaves[:size])
    verify_inclusion(hasher, index, size, leaves[index], proof, ref_root(hasher, leaves[:size]))


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(["sm3", "sha256"]), data=st.data())
def test_consistency_proofs_verify_between_any_sizes(name: str, data: st.DataObject) -> None:
    leaves, store = big_tree(name)
    hasher = store.hasher
    size2 = data.draw(st.integers(1, len(leaves)), label="size2")
    size1 = data.draw(st.integers(1, size2), label="size1")
    proof = consistency_proof(hasher, size1, size2, store.get_nodes)
    assert proof == ref_consistency(hasher, size1, leaves[:size2])
    root1, root2 = ref_root(hasher, leaves[:size1]), ref_root(hasher, leaves[:size2])
    verify_consistency(hasher, size1, size2, proof, root1, root2)


# --- frontier and store ------------------------------------------------------------------------


def test_append_reports_completed_nodes() -> None:
    frontier, nodes = Frontier().append(SHA256, VECTOR_LEAVES[0])
    assert [(n.level, n.index) for n in nodes] == [(0, 0)]
    for leaf in VECTOR_LEAVES[1:7]:
        frontier, nodes = frontier.append(SHA256, leaf)
    frontier, nodes = frontier.append(SHA256, VECTOR_LEAVES[7])  # the 8th leaf completes 3 levels
    assert [(n.level, n.index) for n in nodes] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert frontier.size == 8
    assert frontier.hashes == (VECTOR_ROOTS[8],)


def test_frontier_load_and_resume() -> None:
    leaves, store = big_tree("sm3")
    for size in (0, 1, 77, 128, 299):
        loaded = Frontier.load(SM3, size, store.get_nodes)
        assert loaded == frontier_from_leaves(SM3, leaves[:size])
        resumed = frontier_from_leaves(SM3, leaves[size:], start=loaded)
        assert resumed == store.frontier
        assert resumed.root(SM3) == ref_root(SM3, leaves)


def test_frontier_validation() -> None:
    with pytest.raises(ValueError):
        Frontier(3, (SOME_HASH,))
    with pytest.raises(ValueError):
        Frontier().append(SHA256, b"short")
    with pytest.raises(ValueError):
        frontier_from_leaves(SHA256, [SOME_HASH, b"short"])


def test_store_errors_surface() -> None:
    store = MemoryNodeStore(SHA256)
    store.append(SOME_HASH)
    with pytest.raises(KeyError):
        inclusion_proof(SHA256, 0, 2, store.get_nodes)
    with pytest.raises(LookupError, match="malformed"):
        inclusion_proof(SHA256, 0, 2, lambda ids: [b"x"] * len(ids))
    with pytest.raises(LookupError):
        Frontier.load(SHA256, 3, lambda ids: [])


def test_one_store_read_per_proof() -> None:
    _, store = big_tree("sha256")
    calls: list[int] = []

    def counting(ids: Sequence[NodeID]) -> list[bytes]:
        calls.append(len(ids))
        return store.get_nodes(ids)

    inclusion_proof(SHA256, 81, 95, counting)
    consistency_proof(SHA256, 81, 95, counting)
    root_at(SHA256, 95, counting)
    assert calls == [8, 9, 6]
    assert inclusion_proof(SHA256, 0, 1, counting) == [] and len(calls) == 3


def test_range_ids() -> None:
    assert merkle.range_ids(0, 0) == []
    assert merkle.range_ids(0, 13) == [(3, 0), (2, 2), (0, 12)]
    assert merkle.range_ids(88, 95) == [(2, 22), (1, 46), (0, 94)]
    assert merkle.range_ids(3, 9) == [(0, 3), (2, 1), (0, 8)]
    with pytest.raises(ValueError):
        merkle.range_ids(5, 4)
