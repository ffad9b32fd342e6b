"""Build a large synthetic ledger fast: bulk rows, not service calls.

A million ``ledger_append`` calls would take the better part of an hour and measure nothing
new. Instead the entries are generated as the service would write them (same body keys, same
canonical JSON, same leaf hashing), their perfect-subtree nodes come from ``merkle.Frontier``
exactly as appends produce them, and both go in with ``executemany`` (SQLite) or ``COPY``
(PostgreSQL). ``verify`` must then find the result flawless — which the benchmark checks.

The entries speak about objects of the type ``bench.synthetic``: no such model exists, so the
object check skips them; business objects are added through the real services afterwards.
"""

from __future__ import annotations

import datetime
import os
import random
import time
import uuid
from collections.abc import Iterator

from django.db import connection, transaction

from sanxiang.ledger.canonical import canonical_json
from sanxiang.ledger.merkle import Frontier
from sanxiang.ledger.services import ledger_hasher

ACTIONS = ("mine.update", "mine.create", "person.update", "certificate.issue", "agency.update")
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
BATCH = 50_000


def _entries(first_seq: int, count: int, rng: random.Random) -> Iterator[tuple]:
    for seq in range(first_seq, first_seq + count):
        recorded_at = START + datetime.timedelta(microseconds=seq * 37_003)
        actor_id = rng.randrange(2, 400)
        body = {
            "seq": seq,
            "time": recorded_at,
            "actor_id": actor_id,
            "actor": f"执法人员{actor_id:03d}",
            "agency_id": actor_id % 23 + 1,
            "action": rng.choice(ACTIONS),
            "object_type": "bench.synthetic",
            "object_id": str(rng.randrange(1, 60_000)),
            "object_digest": os.urandom(32).hex(),
            "details": {"fields": ["address", "status"]} if seq % 3 else {},
            "context": {
                # what ledger_append records (ADR 0060); [] = the roles these synthetic
                # actors were granted in the ledger, so verify's role check runs on each entry
                "actor_roles": [],
                "channel": "web",
                "request_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "remote_addr": f"10.{seq % 256}.{seq // 256 % 256}.7",
            },
        }
        yield seq, recorded_at, body, canonical_json(body)


def _insert_sqlite(entries: list[tuple], nodes: list[tuple]) -> None:
    raw = connection.connection
    raw.executemany(
        "INSERT INTO ledger_ledgerentry (seq, recorded_at, actor_id, actor_name, agency_id, "
        "action, object_type, object_id, object_digest, body, leaf_hash) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        [
            (e[0], str(e[1].replace(tzinfo=None)), *e[2:])  # Django's UTC text form
            for e in entries
        ],
    )
    raw.executemany('INSERT INTO ledger_treenode (level, "index", hash) VALUES (?,?,?)', nodes)


def _insert_postgresql(entries: list[tuple], nodes: list[tuple]) -> None:
    with connection.connection.cursor() as cursor:
        with cursor.copy(
            "COPY ledger_ledgerentry (seq, recorded_at, actor_id, actor_name, agency_id, action, "
            "object_type, object_id, object_digest, body, leaf_hash) FROM STDIN"
        ) as copy:
            for row in entries:
                copy.write_row(row)
        with cursor.copy('COPY ledger_treenode (level, "index", hash) FROM STDIN') as copy:
            for row in nodes:
                copy.write_row(row)


def build(count: int, *, seed: int = 2026, progress: bool = True) -> float:
    """Append ``count`` synthetic entries to an empty ledger; return the seconds it took."""
    hasher = ledger_hasher()
    rng = random.Random(seed)
    insert = _insert_postgresql if connection.vendor == "postgresql" else _insert_sqlite
    started = time.perf_counter()
    frontier = Frontier()
    done = 0
    connection.ensure_connection()
    while done < count:
        size = min(BATCH, count - done)
        entries, nodes = [], []
        for seq, recorded_at, body, body_bytes in _entries(done + 1, size, rng):
            leaf = hasher.leaf(body_bytes)
            frontier, completed = frontier.append(hasher, leaf)
            nodes.extend((n.level, n.index, n.hash) for n in completed)
            entries.append(
                (
                    seq,
                    recorded_at,
                    body["actor_id"],
                    body["actor"],
                    body["agency_id"],
                    body["action"],
                    body["object_type"],
                    body["object_id"],
                    body["object_digest"],
                    body_bytes.decode(),
                    leaf,
                )
            )
        with transaction.atomic():
            insert(entries, nodes)
        done += size
        if progress:
            rate = done / (time.perf_counter() - started)
            print(f"  built {done:>9,} entries ({rate:,.0f}/s)", flush=True)
    with connection.cursor() as cursor:  # what autovacuum would do after such a load
        cursor.execute("ANALYZE")
    return time.perf_counter() - started
