"""Full verification of the ledger: every entry, every tree node, every checkpoint, every object.

What is checked, and what each break is called (``Problem.kind``):

* ``content_changed`` — an entry's body no longer hashes to its stored leaf hash, or a column
  (actor, action, object, digest, time, …) no longer says what the hashed body says;
* ``entry_missing`` — a sequence number is absent (a row was deleted), or a checkpoint or a
  stored leaf node shows that the log was longer than it is now (the tail was cut off);
* ``tree_node_mismatch`` — a stored perfect-subtree hash differs from the one recomputed from
  the entries (proofs served from it would not verify), is missing, or should not exist;
* ``checkpoint_signature_invalid`` — a checkpoint note does not verify with the public keys;
* ``checkpoint_inconsistent`` — a signed root differs from the root recomputed from the
  entries at its size, two checkpoints fork, or a consistency proof between consecutive
  checkpoints fails. This is how a *fully recomputed* forged log is caught: its hashes all
  agree with each other, but not with the checkpoints signed (and published) before;
* ``object_changed_outside_services`` / ``object_deleted_outside_services`` /
  ``object_without_ledger_event`` — the table walk (``tables.py``, ADR 0060): every row of
  every covered table has the digest of its last event (or of its parent's last listing), no
  row is missing whose last event did not delete it, and no row exists without an event;
* ``derived_row_mismatch`` — a derived public table (the portal's search entries) differs
  from what the ledgered rows it is built from make (``derived.py``);
* ``role_not_granted_in_ledger`` — an entry's actor held, when it was appended, a role that
  the ledger never granted him (a row written into ``org_staffrole`` and maybe removed since).

The order of work: the chunks of the log are re-derived (``scan``, in worker processes when
the log is large), their roots joined; then every checkpoint — those in the database, the one remembered beside the keys
and any held outside — is checked against the roots at its size and against its neighbours;
then every covered table against the ledger, and the derived tables against their sources. The report names the first broken
sequence number and the kind of each break (``report``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from . import derived, keys, rotation, scan, tables
from .checkpoint import Checkpoint as TreeHead
from .checkpoint import NoteError, NoteVerifier, open_checkpoint, parse_note
from .merkle import ProofError, consistency_proof, verify_consistency
from .models import Checkpoint, LedgerEntry, TreeNode
from .report import (
    CHECKPOINT_INCONSISTENT,
    CHECKPOINT_SIGNATURE_INVALID,
    CONTENT_CHANGED,
    DERIVED_MISMATCH,
    ENTRY_MISSING,
    KINDS,
    OBJECT_CHANGED,
    OBJECT_DELETED,
    OBJECT_UNRECORDED,
    ROLE_UNGRANTED,
    TREE_NODE_MISMATCH,
    Problem,
    ProblemLog,
    Report,
)
from .services import ledger_hasher, read_nodes

__all__ = [
    "CHECKPOINT_INCONSISTENT",
    "CHECKPOINT_SIGNATURE_INVALID",
    "CONTENT_CHANGED",
    "DERIVED_MISMATCH",
    "ENTRY_MISSING",
    "KINDS",
    "OBJECT_CHANGED",
    "OBJECT_DELETED",
    "OBJECT_UNRECORDED",
    "ROLE_UNGRANTED",
    "TREE_NODE_MISMATCH",
    "Problem",
    "Report",
    "verify_ledger",
]


def _extra_nodes(size: int, problems: ProblemLog) -> None:
    """Stored nodes beyond the log: a cut-off tail leaves its leaves and nodes behind."""
    query = Q(level__gte=size.bit_length())  # a node that high cannot exist yet
    for level in range(size.bit_length()):
        query |= Q(level=level, index__gte=size >> level)
    extra = list(TreeNode.objects.filter(query).order_by("level", "index")[:1])
    if not extra:
        return
    leaves = TreeNode.objects.filter(level=0, index__gte=size)
    last = leaves.aggregate(last=Max("index"))["last"]
    if last is not None:
        problems.add(
            ENTRY_MISSING,
            size + 1,
            _("日志末尾的记录被删除：存在序号 %(a)s 至 %(b)s 的叶子节点，但没有这些记录。")
            % {"a": size + 1, "b": last + 1},
            first_missing=size + 1,
            last_missing=last + 1,
        )
    else:
        node = extra[0]
        problems.add(
            TREE_NODE_MISMATCH,
            (node.index << node.level) + 1,
            _("多出树节点（%(l)s, %(i)s）：日志中没有它覆盖的记录。")
            % {"l": node.level, "i": node.index},
            level=node.level,
            index=node.index,
        )


@dataclass
class _Head:
    label: str
    size: int
    root: bytes
    checkpoint_id: int | None


def _open_heads(
    notes: Sequence[tuple[str, int | None, int | None, bytes | None, str]],
    verifiers: Sequence[NoteVerifier],
    problems: ProblemLog,
) -> list[_Head]:
    """Verify signatures and columns; return the trustworthy heads."""
    origin = settings.SANXIANG_LEDGER_ORIGIN
    heads = []
    for label, checkpoint_id, size_column, root_column, note in notes:
        detail = {"checkpoint": label, "checkpoint_id": checkpoint_id}
        try:
            head = open_checkpoint(note, verifiers)
            retired_only = rotation.epoch_problem(note, head.size)
        except NoteError as exc:
            problems.add(
                CHECKPOINT_SIGNATURE_INVALID,
                None,
                _("%(label)s 的签名无法用公钥验证（%(error)s）。") % {"label": label, "error": exc},
                **detail,
            )
            continue
        if retired_only:
            problems.add(
                CHECKPOINT_SIGNATURE_INVALID,
                None,
                _("%(label)s %(reason)s") % {"label": label, "reason": retired_only},
                **detail,
            )
            continue
        if head.origin != origin:
            problems.add(
                CHECKPOINT_INCONSISTENT,
                None,
                _("%(label)s 属于另一个日志（来源 %(origin)s）。")
                % {"label": label, "origin": head.origin},
                **detail,
            )
            continue
        if size_column is not None and (
            head.size != size_column or head.root_hash != bytes(root_column or b"")
        ):
            problems.add(
                CHECKPOINT_INCONSISTENT,
                None,
                _("%(label)s 数据库中的树大小或根哈希与其签名内容不符。") % {"label": label},
                **detail,
            )
        heads.append(_Head(label, head.size, head.root_hash, checkpoint_id))
    return heads


def _check_heads(
    heads: list[_Head],
    size: int,
    roots: dict[int, bytes],
    problems: ProblemLog,
    flagged: scan.Flagged,
) -> None:
    hasher = ledger_hasher()
    good = 0  # largest size whose signed root matches the entries
    bad: set[int] = set()
    for head in sorted(heads, key=lambda h: h.size):
        detail = {"checkpoint": head.label, "checkpoint_id": head.checkpoint_id}
        if head.size > size:
            problems.add(
                ENTRY_MISSING,
                size + 1,
                _("%(label)s 证明日志曾有 %(n)s 条记录，现在只有 %(size)s 条：末尾记录被删除。")
                % {"label": head.label, "n": head.size, "size": size},
                first_missing=size + 1,
                last_missing=head.size,
                **detail,
            )
            bad.add(id(head))
            continue
        root = roots.get(head.size, hasher.empty_root() if head.size == 0 else None)
        if root is None:
            continue  # the tree could not be rebuilt up to here; entry_missing says why
        if root != head.root:
            # The break is somewhere after the last matching checkpoint; if changed entries
            # were found there, the first of them is where it is.
            first = flagged.first_in(good, head.size)
            problems.add(
                CHECKPOINT_INCONSISTENT,
                good + 1 if first is None else first + 1,
                _(
                    "%(label)s 的签名根哈希与按现有记录重算的不符：序号 %(a)s 至 %(b)s "
                    "之间的记录被改写（即使各哈希彼此一致，也无法冒充已签署的检查点）。"
                )
                % {"label": head.label, "a": good + 1, "b": head.size},
                first_seq=good + 1,
                last_seq=head.size,
                **detail,
            )
            bad.add(id(head))
        else:
            good = max(good, head.size)
    ordered = sorted(heads, key=lambda h: h.size)
    for old, new in itertools.pairwise(ordered):
        if id(old) in bad or id(new) in bad or new.size > size:
            continue
        detail = {"old": old.label, "new": new.label}
        if old.size == new.size:
            if old.root != new.root:
                problems.add(
                    CHECKPOINT_INCONSISTENT,
                    None,
                    _("%(old)s 与 %(new)s 大小相同而根哈希不同：日志出现分叉。")
                    % {"old": old.label, "new": new.label},
                    **detail,
                )
            continue
        try:
            proof = consistency_proof(hasher, old.size, new.size, read_nodes)
            verify_consistency(hasher, old.size, new.size, proof, old.root, new.root)
        except (ProofError, LookupError) as exc:
            problems.add(
                CHECKPOINT_INCONSISTENT,
                old.size + 1,
                _("%(old)s 与 %(new)s 之间的一致性证明不成立（%(error)s）。")
                % {"old": old.label, "new": new.label, "error": exc},
                **detail,
            )


def _mark_sizes(notes: Sequence[tuple]) -> list[int]:
    sizes = []
    for *_rest, note in notes:
        try:
            sizes.append(TreeHead.parse(parse_note(note)[0]).size)
        except NoteError:
            continue
    return sizes


def verify_ledger(
    *,
    external_checkpoints: Sequence[tuple[str, str]] = (),
    verifiers: Sequence[NoteVerifier] | None = None,
    check_objects: bool = True,
    workers: int | None = None,
    chunk_level: int = scan.DEFAULT_CHUNK_LEVEL,
    remembered: bool = True,
) -> Report:
    """Verify the whole ledger and return a :class:`Report` (it never raises on a break).

    ``external_checkpoints`` are ``(label, note)`` pairs held outside the database — the
    published checkpoint a citizen downloaded, the one sent to the superior agency — so a log
    whose checkpoint rows were also deleted or rewritten is still caught. ``verifiers`` default
    to the public keys in the key directory. ``workers`` (default: the cores, when the database
    can be opened from other processes) scan chunks of ``2**chunk_level`` leaves in parallel.
    The checkpoint remembered beside the keys (``keys.remembered_checkpoint``) is always
    compared too (``remembered=False`` only for a copy of the database checked elsewhere), so
    a tail cut off together with its checkpoint rows is reported. ``check_objects=False``
    skips the table walk, the derived tables and the actors' roles.
    """
    started = time.perf_counter()
    hasher = ledger_hasher()
    report = Report(origin=settings.SANXIANG_LEDGER_ORIGIN, hash=hasher.name)
    if verifiers is None:
        verifiers = keys.note_verifiers()
    problems = ProblemLog()
    # Checkpoints first, then the size: every checkpoint read is then within the log read.
    stored = [
        (_("检查点 #%(id)s（树大小 %(size)s）") % {"id": pk, "size": size}, pk, size, root, note)
        for pk, size, root, note in Checkpoint.objects.order_by("tree_size", "id").values_list(
            "id", "tree_size", "root_hash", "note"
        )
    ]
    external = [(label, None, None, None, note) for label, note in external_checkpoints]
    kept = keys.remembered_checkpoint() if remembered else None
    if kept is not None:
        external.append((_("密钥目录中保存的最新检查点"), None, None, None, kept))
    size = LedgerEntry.objects.aggregate(size=Max("seq"))["size"] or 0
    report.tree_size = size
    marks = [m for m in _mark_sizes(stored + external) if 0 < m <= size] + [size]
    timeline = tables.role_timeline() if check_objects else None
    results = scan.scan(scan.chunks(size, chunk_level, marks, timeline), workers)
    flagged = scan.Flagged()
    roots, upper = scan.join(results, chunk_level, problems, flagged)
    report.entries_checked = sum(r.entries for r in results)
    report.nodes_checked = sum(r.nodes for r in results) + upper
    _extra_nodes(size, problems)
    if not verifiers and (stored or external):
        problems.add(
            CHECKPOINT_SIGNATURE_INVALID,
            None,
            _("没有可用的验证公钥，无法核验检查点签名。"),
        )
    for reason in rotation.invalid_statements():
        problems.add(CHECKPOINT_SIGNATURE_INVALID, None, reason)
    heads = _open_heads(stored + external, verifiers, problems) if verifiers else []
    _check_heads(heads, size, roots, problems, flagged)
    report.checkpoints_checked = len(stored) + len(external)
    if check_objects:
        report.objects_checked = tables.check_tables(problems) + derived.check_derived(problems)
    report.problems = sorted(problems.items, key=Problem.sort_key)
    report.problems_total = problems.total
    report.elapsed_seconds = time.perf_counter() - started
    return report
