"""The verifiable double-random draw (双随机): which mines are inspected, by which inspectors.

Anyone can re-run a published draw and get the same result: this module uses only the
Python standard library, takes the published inputs as JSON and prints the selection
(``python -m sanxiang.inspections.draw published.json``, or copy this one file).

Procedure (GS-PRE-1; domain-reference §2):
1. Before the draw the agency publishes SM3(seed) — the commitment — and records it in the
   ledger; the seed itself is revealed with the result, so nobody (the agency included)
   could choose a seed after seeing the lists.
2. Random numbers come from SM3 in counter mode: block ``i`` of stream ``label`` is
   SM3(seed ‖ 0x00 ‖ label ‖ 0x00 ‖ i as 8 bytes big-endian); a uniform integer below ``n``
   takes 8 bytes as a big-endian integer and rejects values at or above the largest
   multiple of ``n`` (no modulo bias).
3. Mines are split into key and general strata, each sorted by id; from each stratum
   ``ceil(share × size)`` mines are chosen by a Fisher–Yates shuffle driven by stream
   ``"mines:key"`` / ``"mines:general"`` (the first k of the shuffled list, in that order).
4. For each chosen mine, in order, the inspectors not excluded for that mine (sorted by id)
   are shuffled with stream ``"inspectors:<mine id>"``; the shuffled list is then stably
   sorted by how many mines each inspector already got in this draw, and the first
   ``inspectors_per_mine`` are assigned, spreading the work evenly.
5. An exclusion (conflict of interest) removes one inspector for one mine; it is published
   with its reason. A mine with too few eligible inspectors is reported, never filled with
   an excluded one.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

ALGORITHM = "sanxiang-draw-v1"


def _sm3(data: bytes) -> bytes:
    return hashlib.new("sm3", data).digest()


def commitment(seed: bytes) -> str:
    """The hex SM3 digest published (and put in the ledger) before the draw."""
    return _sm3(seed).hex()


class Stream:
    """Deterministic random integers from the seed, one independent stream per label."""

    def __init__(self, seed: bytes, label: str):
        self._prefix = seed + b"\x00" + label.encode("utf-8") + b"\x00"
        self._counter = 0
        self._buffer = b""

    def _bytes(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._buffer += _sm3(self._prefix + self._counter.to_bytes(8, "big"))
            self._counter += 1
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        return out

    def below(self, n: int) -> int:
        """A uniform integer in [0, n)."""
        if n <= 0:
            raise ValueError("n must be positive")
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            value = int.from_bytes(self._bytes(8), "big")
            if value < limit:
                return value % n


def shuffled(items: Sequence, stream: Stream) -> list:
    """Fisher–Yates shuffle (Durstenfeld), from the last position down."""
    result = list(items)
    for i in range(len(result) - 1, 0, -1):
        j = stream.below(i + 1)
        result[i], result[j] = result[j], result[i]
    return result


@dataclass(frozen=True)
class DrawInput:
    seed: bytes
    mines: Sequence[tuple[int, bool]]  # (mine id, is key)
    inspectors: Sequence[int]
    share_general: float
    share_key: float
    inspectors_per_mine: int = 2
    exclusions: Sequence[tuple[int, int]] = ()  # (mine id, inspector id)


@dataclass
class DrawResult:
    algorithm: str
    commitment: str
    mines: list[int] = field(default_factory=list)
    assignments: dict[int, list[int]] = field(default_factory=dict)
    understaffed: list[int] = field(default_factory=list)


def _pick(ids: list[int], share: float, stream: Stream) -> list[int]:
    if not ids or share <= 0:
        return []
    count = min(len(ids), math.ceil(share * len(ids) - 1e-9))
    return shuffled(ids, stream)[:count]


def run_draw(draw: DrawInput) -> DrawResult:
    if draw.inspectors_per_mine < 2:
        raise ValueError("at least 2 inspectors per mine")
    if not (0 <= draw.share_general <= 1 and 0 <= draw.share_key <= 1):
        raise ValueError("shares must be between 0 and 1")
    key = sorted(mine for mine, is_key in draw.mines if is_key)
    general = sorted(mine for mine, is_key in draw.mines if not is_key)
    chosen = _pick(key, draw.share_key, Stream(draw.seed, "mines:key")) + _pick(
        general, draw.share_general, Stream(draw.seed, "mines:general")
    )
    excluded: dict[int, set[int]] = {}
    for mine, inspector in draw.exclusions:
        excluded.setdefault(mine, set()).add(inspector)
    inspectors = sorted(set(draw.inspectors))
    load = dict.fromkeys(inspectors, 0)
    result = DrawResult(algorithm=ALGORITHM, commitment=commitment(draw.seed), mines=chosen)
    for mine in chosen:
        eligible = [i for i in inspectors if i not in excluded.get(mine, set())]
        order = shuffled(eligible, Stream(draw.seed, f"inspectors:{mine}"))
        order.sort(key=lambda inspector: load[inspector])  # stable: ties keep shuffled order
        team = order[: draw.inspectors_per_mine]
        for inspector in team:
            load[inspector] += 1
        result.assignments[mine] = team
        if len(team) < draw.inspectors_per_mine:
            result.understaffed.append(mine)
    return result


def draw_from_published(data: dict) -> DrawResult:
    """Re-run a draw from its published JSON (see ``published_inputs``)."""
    seed = bytes.fromhex(data["seed"])
    if commitment(seed) != data["commitment"]:
        raise ValueError("the seed does not match the published commitment")
    return run_draw(
        DrawInput(
            seed=seed,
            mines=[(m["id"], bool(m["key"])) for m in data["mines"]],
            inspectors=[i["id"] for i in data["inspectors"]],
            share_general=float(data["share_general"]),
            share_key=float(data["share_key"]),
            inspectors_per_mine=int(data["inspectors_per_mine"]),
            exclusions=[(e["mine"], e["inspector"]) for e in data.get("exclusions", [])],
        )
    )


def _iter_lines(result: DrawResult) -> Iterator[str]:
    yield f"算法 algorithm: {result.algorithm}"
    yield f"承诺值 commitment (SM3 of seed): {result.commitment}"
    for mine in result.mines:
        yield f"煤矿 mine {mine}: 检查人员 inspectors {result.assignments[mine]}"
    for mine in result.understaffed:
        yield f"人员不足 understaffed mine {mine}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="重现双随机抽取结果 / re-run a published draw")
    parser.add_argument("published", help="the draw's published JSON file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    with open(args.published, encoding="utf-8") as handle:
        result = draw_from_published(json.load(handle))
    if args.json:
        print(
            json.dumps(
                {
                    "mines": result.mines,
                    "assignments": result.assignments,
                    "understaffed": result.understaffed,
                },
                ensure_ascii=False,
            )
        )
    else:
        print("\n".join(_iter_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
