"""Re-deriving the log: every leaf from its entry, every stored node from the leaves.

This is the hot part of ``verify`` and is written for speed, because re-deriving a million
entries must stay within a small multiple of the raw cost of hashing them:

* entries are read with one plain SQL query per chunk in seq order (no ORM object per row,
  timestamps formatted by the database), their stored leaf nodes with another;
* an entry's columns are checked against its hashed body by comparing the body's canonical
  prefix and suffix with strings built from the columns — JSON is parsed only when that fails;
* the log is cut into chunks of ``2**chunk_level`` leaves, each an aligned perfect subtree,
  which worker processes scan independently; :func:`join` then combines the chunk roots with
  the same RFC 6962 frontier arithmetic the appender uses.
"""

from __future__ import annotations

import bisect
import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _enc  # what canonical_json uses for str
from typing import Any

from django.db import connection, connections
from django.utils.translation import gettext as _

from . import scan_worker
from .canonical import canonical_json
from .merkle import Frontier
from .models import LedgerEntry, TreeNode
from .report import (
    CONTENT_CHANGED,
    ENTRY_MISSING,
    ROLE_UNGRANTED,
    TREE_NODE_MISMATCH,
    Problem,
    ProblemLog,
)
from .services import ledger_hasher

__all__ = ["DEFAULT_CHUNK_LEVEL", "Chunk", "ChunkResult", "Flagged", "join", "scan"]

DEFAULT_CHUNK_LEVEL = 16  # 65,536 leaves a chunk
_FETCH = 2000
_MAX_FLAGGED = 100_000
_COLUMNS = {"actor": "actor_name", "time": "recorded_at"}  # body key -> column, where they differ


@dataclass
class Chunk:
    begin: int  # first leaf index, a multiple of 2**chunk_level
    end: int  # one past the last leaf index
    marks: tuple[int, ...]  # tree sizes in (begin, end] whose root is wanted
    roles: Any = None  # tables.RoleTimeline: the roles each actor was granted, or None


@dataclass
class ChunkResult:
    begin: int
    end: int
    frontier: tuple[bytes, ...] | None  # None: a leaf could not be recovered
    partials: dict[int, tuple[bytes, ...]]  # tree size -> frontier of [begin, size)
    entries: int
    nodes: int
    problems: list[Problem]
    problems_total: int
    flagged: list[int]  # leaf positions whose recomputed hash differs from the stored leaf node
    flagged_all: bool  # too many to list: every leaf of the chunk counts as flagged


@dataclass
class Flagged:
    """Leaves already reported as changed: any node above one of them is bound to differ too.

    Without this, one changed entry would also be reported as a dozen mismatching ancestors,
    the highest of which starts at seq 1 and would hide where the log really broke.
    """

    positions: list[int] = field(default_factory=list)  # ascending
    ranges: list[tuple[int, int]] = field(default_factory=list)

    def first_in(self, begin: int, end: int) -> int | None:
        """The first flagged leaf position in ``[begin, end)``, or None."""
        i = bisect.bisect_left(self.positions, begin)
        first = self.positions[i] if i < len(self.positions) and self.positions[i] < end else None
        for low, high in self.ranges:
            if low < end and begin < high:
                candidate = max(low, begin)
                first = candidate if first is None else min(first, candidate)
        return first

    def covers(self, level: int, index: int) -> bool:
        return self.first_in(index << level, (index + 1) << level) is not None


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _time_sql() -> str | None:
    """SQL giving ``recorded_at`` as canonical JSON does (UTC, ``T``, ``Z``), or None."""
    column = f"e.{_q('recorded_at')}"
    if connection.vendor == "sqlite":  # Django stores UTC as 'YYYY-MM-DD HH:MM:SS[.ffffff]'
        return f"REPLACE({column}, ' ', 'T') || 'Z'"
    if connection.vendor == "postgresql":
        return (
            f"REGEXP_REPLACE(TO_CHAR({column} AT TIME ZONE 'UTC', "
            "'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.000000$', '') || 'Z'"
        )
    return None


def _entries_sql() -> tuple[str, bool]:
    time_sql = _time_sql()
    names = ("actor_id", "actor_name", "agency_id", "action", "object_type", "object_id")
    columns = ", ".join(f"e.{_q(c)}" for c in (*names, "object_digest", "body", "leaf_hash"))
    seq = f"e.{_q('seq')}"
    sql = (
        f"SELECT {seq}, {time_sql or 'e.' + _q('recorded_at')}, {columns} "
        f"FROM {_q(LedgerEntry._meta.db_table)} e "
        f"WHERE {seq} > %s AND {seq} <= %s ORDER BY {seq}"
    )
    return sql, time_sql is not None


def _leaf_nodes(begin: int, end: int) -> list[Any]:
    """Stored leaf hashes of ``[begin, end)`` by position (None where missing).

    Read apart from the entries rather than joined to them: two plain index ranges, which no
    query planner can turn into a quadratic join on a freshly bulk-loaded table.
    """
    nodes: list[Any] = [None] * (end - begin)
    sql = (
        f"SELECT {_q('index')}, {_q('hash')} FROM {_q(TreeNode._meta.db_table)} "
        f"WHERE {_q('level')} = 0 AND {_q('index')} >= %s AND {_q('index')} < %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [begin, end])
        while batch := cursor.fetchmany(_FETCH):
            for index, node in batch:
                nodes[index - begin] = node
    return nodes


def _mismatched_column(values: dict[str, Any], body: str) -> str | None:
    """The first column that disagrees with the parsed body, or None (e.g. extra body keys)."""
    try:
        data = json.loads(body)
    except ValueError:
        return "body"
    if not isinstance(data, dict):
        return "body"
    for name, value in values.items():
        if data.get(name, object()) != value:
            return _COLUMNS.get(name, name)
    return None


class _Scan:
    """One chunk: leaves ``[begin, end)``, their entries and the nodes inside the chunk."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self.hasher = ledger_hasher()
        self.problems = ProblemLog()
        self.hashes: list[bytes] = []  # frontier of [begin, position)
        self.computed: dict[tuple[int, int], bytes] = {}  # interior nodes completed
        self.partials: dict[int, tuple[bytes, ...]] = {}
        self.marks = set(chunk.marks)
        self.flagged: list[int] = []
        self.broken = False
        self.entries = 0

    def run(self) -> ChunkResult:
        begin, end = self.chunk.begin, self.chunk.end
        leaf_fn, node_fn = self.hasher.leaf, self.hasher.node
        hashes, computed, marks, partials = self.hashes, self.computed, self.marks, self.partials
        sql, time_in_sql = _entries_sql()
        leaf_nodes = _leaf_nodes(begin, end)
        expected = begin
        broken = False
        timeline = self.chunk.roles
        granted: dict[int, tuple[int, int, str]] = {}  # actor -> (from, until, roles text)
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, [begin, end])
            while batch := cursor.fetchmany(_FETCH):
                self.entries += len(batch)
                for row in batch:
                    (seq, time_text, actor_id, actor_name, agency_id, action) = row[:6]
                    (otype, oid, digest, body, stored_leaf) = row[6:]
                    pos = seq - 1
                    stored_node = leaf_nodes[pos - begin]
                    if pos != expected:
                        self.gap(expected, pos)
                        broken = self.broken
                    expected = seq
                    if not time_in_sql:
                        time_text = json.loads(canonical_json(time_text))
                    leaf = leaf_fn(body.encode())
                    if leaf != stored_node or leaf != stored_leaf:
                        self.leaf_problem(seq, leaf, stored_leaf, stored_node)
                    prefix = (
                        f'{{"action":{_enc(action)},"actor":{_enc(actor_name)},'
                        f'"actor_id":{"null" if actor_id is None else actor_id},'
                        f'"agency_id":{"null" if agency_id is None else agency_id},"context":'
                    )
                    if not (
                        body.startswith(prefix)
                        and body.endswith(
                            f',"object_digest":{_enc(digest)},"object_id":{_enc(oid)},'
                            f'"object_type":{_enc(otype)},"seq":{seq},"time":"{time_text}"}}'
                        )
                    ):
                        self.column_problem(row, time_text)
                    elif (
                        timeline is not None
                        and actor_id is not None
                        and body.startswith('{"actor_roles":', len(prefix))
                    ):
                        # The roles the actor held (read under the log lock) were granted in
                        # the ledger: text against text, the timeline looked up per run.
                        start = len(prefix) + 15
                        claimed = body[start : body.find("]", start) + 1]
                        span = granted.get(actor_id)
                        if span is None or not span[0] <= seq < span[1]:
                            span = granted[actor_id] = timeline.expected(actor_id, seq)
                        if claimed != span[2]:
                            self.role_problem(seq, actor_id, actor_name, claimed, span[2])
                    if broken:
                        continue
                    # Frontier.append, inlined: this runs once per entry.
                    h, idx, level = leaf, pos - begin, 0
                    while idx & 1:
                        h = node_fn(hashes.pop(), h)
                        idx >>= 1
                        level += 1
                        computed[level, pos >> level] = h
                    hashes.append(h)
                    if seq in marks:
                        partials[seq] = tuple(hashes)
        if expected < end:
            self.gap(expected, end)
        return self.result()

    def push(self, pos: int, leaf: bytes) -> None:
        hashes, node_fn = self.hashes, self.hasher.node
        h, idx, level = leaf, pos - self.chunk.begin, 0
        while idx & 1:
            h = node_fn(hashes.pop(), h)
            idx >>= 1
            level += 1
            self.computed[level, pos >> level] = h
        hashes.append(h)
        if pos + 1 in self.marks:
            self.partials[pos + 1] = tuple(hashes)

    def gap(self, first: int, last: int) -> None:
        """Leaves ``[first, last)`` have no entry: report, and recover them from the nodes."""
        self.problems.add(
            ENTRY_MISSING,
            first + 1,
            _("序号 %(a)s 至 %(b)s 的记录缺失（被删除）。") % {"a": first + 1, "b": last}
            if last - first > 1
            else _("序号 %(a)s 的记录缺失（被删除）。") % {"a": first + 1},
            first_missing=first + 1,
            last_missing=last,
        )
        stored = dict(
            TreeNode.objects.filter(level=0, index__gte=first, index__lt=last).values_list(
                "index", "hash"
            )
        )
        for pos in range(first, last):
            leaf = stored.get(pos)
            self.broken = self.broken or leaf is None
            if not self.broken:
                self.push(pos, bytes(leaf))

    def leaf_problem(self, seq: int, leaf: bytes, stored_leaf: Any, stored_node: Any) -> None:
        pos = seq - 1
        if stored_node is None or leaf != stored_node:
            self.flagged.append(pos)
        if leaf != stored_leaf:
            self.problems.add(
                CONTENT_CHANGED,
                seq,
                _("记录 #%(seq)s 的正文被改动：重新计算的叶子哈希与存储的不符。") % {"seq": seq},
                field="body",
            )
        else:
            self.problems.add(
                TREE_NODE_MISMATCH,
                seq,
                (
                    _("记录 #%(seq)s 的叶子节点缺失。")
                    if stored_node is None
                    else _("记录 #%(seq)s 的叶子节点与记录不符。")
                )
                % {"seq": seq},
                level=0,
                index=pos,
            )

    def role_problem(
        self, seq: int, actor_id: int, actor_name: str, claimed: str, granted: str
    ) -> None:
        held = set(json.loads(claimed)) if claimed.startswith("[") else set()
        extra = sorted(held - set(json.loads(granted)))
        self.problems.add(
            ROLE_UNGRANTED,
            seq,
            _(
                "记录 #%(seq)s 的操作人 %(name)s（org_staff 第 %(id)s 行）当时在表 org_staffrole "
                "中持有角色 %(held)s，而账本授予他的角色是 %(granted)s：角色表在业务服务之外被改写"
                "（即使之后又被改回）。"
            )
            % {"seq": seq, "name": actor_name, "id": actor_id, "held": claimed, "granted": granted},
            table="org_staffrole",
            staff_id=actor_id,
            roles_held=sorted(held),
            roles_not_granted=extra,
        )

    def column_problem(self, row: tuple, time_text: str) -> None:
        seq, _t, actor_id, actor_name, agency_id, action, otype, oid, digest, body = row[:10]
        values = {
            "seq": seq,
            "time": time_text,
            "actor_id": actor_id,
            "actor": actor_name,
            "agency_id": agency_id,
            "action": action,
            "object_type": otype,
            "object_id": oid,
            "object_digest": digest,
        }
        column = _mismatched_column(values, body)
        if column is not None:
            self.problems.add(
                CONTENT_CHANGED,
                seq,
                _("记录 #%(seq)s 的字段 %(field)s 与已哈希的记录正文不符。")
                % {"seq": seq, "field": column},
                field=column,
            )

    def compare_nodes(self, flagged: Flagged) -> int:
        """Compare the stored interior nodes inside the chunk with the recomputed ones."""
        begin, end = self.chunk.begin, self.chunk.end
        ranges = [
            (level, begin >> level, end >> level)
            for level in range(1, (end - begin).bit_length())
            if begin >> level < end >> level
        ]
        if not ranges:
            return 0
        level_, index_ = _q("level"), _q("index")
        where = " OR ".join(
            f"({level_} = %s AND {index_} >= %s AND {index_} < %s)" for _r in ranges
        )
        sql = f"SELECT {level_}, {index_}, {_q('hash')} FROM {_q(TreeNode._meta.db_table)} WHERE {where}"
        checked = 0
        computed = self.computed
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, [value for r in ranges for value in r])
            while batch := cursor.fetchmany(_FETCH):
                checked += len(batch)
                for level, index, stored in batch:
                    expected = computed.pop((level, index), None)
                    if expected is None:
                        continue  # after a leaf that could not be recovered: reported as missing
                    if stored != expected and not flagged.covers(level, index):
                        node_problem(self.problems, level, index, mismatch=True)
        if not self.broken:
            for level, index in sorted(computed, key=lambda n: n[1] << n[0]):
                node_problem(self.problems, level, index, mismatch=False)
        return checked

    def result(self) -> ChunkResult:
        flagged_all = len(self.flagged) > _MAX_FLAGGED
        flagged = Flagged(self.flagged, [(self.chunk.begin, self.chunk.end)] if flagged_all else [])
        nodes = self.entries + self.compare_nodes(flagged)
        return ChunkResult(
            begin=self.chunk.begin,
            end=self.chunk.end,
            frontier=None if self.broken else tuple(self.hashes),
            partials=self.partials,
            entries=self.entries,
            nodes=nodes,
            problems=self.problems.items,
            problems_total=self.problems.total,
            flagged=[] if flagged_all else self.flagged,
            flagged_all=flagged_all,
        )


def node_problem(problems: ProblemLog, level: int, index: int, *, mismatch: bool) -> None:
    template = (
        _("树节点（%(l)s, %(i)s）与记录重算的不符。")
        if mismatch
        else _("缺少树节点（%(l)s, %(i)s）。")
    )
    problems.add(
        TREE_NODE_MISMATCH,
        (index << level) + 1,
        template % {"l": level, "i": index},
        level=level,
        index=index,
    )


def _scan_chunk(chunk: Chunk) -> ChunkResult:
    return _Scan(chunk).run()


def chunks(size: int, chunk_level: int, marks: list[int], roles: Any = None) -> list[Chunk]:
    step = 1 << chunk_level
    wanted = sorted(set(marks))
    return [
        Chunk(
            begin,
            min(begin + step, size),
            tuple(m for m in wanted if begin < m <= begin + step),
            roles,
        )
        for begin in range(0, size, step)
    ]


def _parallel_ok() -> bool:
    """Worker processes need their own connection to the same, committed data."""
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        return not connection.is_in_memory_db()
    return True


def scan(parts: list[Chunk], workers: int | None) -> list[ChunkResult]:
    """Scan the chunks, in worker processes (one connection each; see scan_worker) when possible."""
    if workers is None:
        workers = min(os.cpu_count() or 1, len(parts), 4)
    if workers <= 1 or len(parts) <= 1 or not _parallel_ok():
        return [_scan_chunk(part) for part in parts]
    connections.close_all()
    start_args = (
        os.environ.get("DJANGO_SETTINGS_MODULE", ""),
        {alias: dict(connections[alias].settings_dict) for alias in connections},
    )
    with ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        initializer=scan_worker.start,
        initargs=start_args,
    ) as pool:
        return list(pool.map(_scan_chunk, parts))


def join(
    results: list[ChunkResult], chunk_level: int, problems: ProblemLog, flagged: Flagged
) -> tuple[dict[int, bytes], int]:
    """Roots at the marked sizes from the chunk results; checks the nodes above the chunks."""
    hasher = ledger_hasher()
    top = Frontier()
    computed: dict[tuple[int, int], bytes] = {}
    roots: dict[int, bytes] = {}
    broken = False
    for result in results:
        problems.extend(result.problems, result.problems_total)
        flagged.positions.extend(result.flagged)
        if result.flagged_all:
            flagged.ranges.append((result.begin, result.end))
        if broken:
            continue
        full = result.end - result.begin == 1 << chunk_level
        for size, part in result.partials.items():
            # Inside a chunk the frontier is the chunks' one followed by the chunk's own;
            # at the end of a full chunk, the chunk's root first merges into the chunks'.
            if not (full and size == result.end):
                roots[size] = Frontier(size, top.hashes + part).root(hasher)
        if result.frontier is None:
            broken = True
        elif full:
            top, completed = top.append(hasher, result.frontier[0])
            for node in completed[1:]:
                computed[chunk_level + node.level, node.index] = node.hash
            if result.end in result.partials:
                roots[result.end] = top.root(hasher)
    checked = 0
    for level, index, stored in TreeNode.objects.filter(level__gt=chunk_level).values_list(
        "level", "index", "hash"
    ):
        expected = computed.pop((level, index), None)
        if expected is None:
            continue  # beyond the tree: reported with the extra nodes
        checked += 1
        if bytes(stored) != expected and not flagged.covers(level, index):
            node_problem(problems, level, index, mismatch=True)
    if not broken:
        for level, index in computed:
            node_problem(problems, level, index, mismatch=False)
    return roots, checked
