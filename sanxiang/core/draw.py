"""The verifiable draws: the double-random draw (双随机) — which mines are inspected, by which
inspectors — and the case-file evaluation sample (案卷评查, P12) — which files are evaluated, by
which evaluators. Both use the same streams and shuffle (ADR 0030, 0160).

Anyone can re-run a published draw and get the same result: this module uses only the
Python standard library, takes the published inputs as JSON and prints the selection
(``python -m sanxiang.core.draw published.json``, or copy this one file). A JSON whose
``algorithm`` is ``sanxiang-sample-v1`` is an evaluation sample (see the end of this list).

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
6. An evaluation sample (``sanxiang-sample-v1``) draws files instead of mines: the files of
   each unit form a stratum (units in order of their key as text, files sorted as text);
   from each ``ceil(share × size)`` files are chosen with stream ``"files:<unit>"``; then
   evaluators are assigned per file exactly as inspectors per mine (step 4) with stream
   ``"evaluators:<file>"``, an evaluator on the file's handling team being an exclusion.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field

ALGORITHM = "sanxiang-draw-v1"
SAMPLE_ALGORITHM = "sanxiang-sample-v1"


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


def _pick(ids: list, share: float, stream: Stream) -> list:
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
    result = DrawResult(algorithm=ALGORITHM, commitment=commitment(draw.seed), mines=chosen)
    result.assignments, result.understaffed = _assign(
        draw.seed, chosen, draw.inspectors, draw.inspectors_per_mine, draw.exclusions, "inspectors"
    )
    return result


def _assign(
    seed: bytes,
    chosen: Sequence,
    people: Sequence[int],
    per_item: int,
    exclusions: Sequence[tuple],
    label: str,
) -> tuple[dict, list]:
    """Step 4: per chosen item, in order, the people not excluded for it are shuffled with
    stream ``"<label>:<item>"``, stably sorted by their load so far; the first ``per_item``."""
    excluded: dict = {}
    for item, person in exclusions:
        excluded.setdefault(item, set()).add(person)
    people = sorted(set(people))
    load = dict.fromkeys(people, 0)
    assignments: dict = {}
    understaffed: list = []
    for item in chosen:
        eligible = [p for p in people if p not in excluded.get(item, set())]
        order = shuffled(eligible, Stream(seed, f"{label}:{item}"))
        order.sort(key=lambda person: load[person])  # stable: ties keep shuffled order
        team = order[:per_item]
        for person in team:
            load[person] += 1
        assignments[item] = team
        if len(team) < per_item:
            understaffed.append(item)
    return assignments, understaffed


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


@dataclass(frozen=True)
class SampleInput:
    """An evaluation sample (案卷评查): files per unit, a share, evaluators, exclusions."""

    seed: bytes
    strata: Mapping[str, Sequence[str]]  # unit key -> file keys ("case-12", "inspection-5")
    share: float
    evaluators: Sequence[int]
    evaluators_per_file: int = 1
    exclusions: Sequence[tuple[str, int]] = ()  # (file key, evaluator id)


@dataclass
class SampleResult:
    algorithm: str
    commitment: str
    files: list[str] = field(default_factory=list)
    assignments: dict[str, list[int]] = field(default_factory=dict)
    understaffed: list[str] = field(default_factory=list)


def run_sample(sample: SampleInput) -> SampleResult:
    """Step 6: the files of each unit's stratum, then their evaluators."""
    if sample.evaluators_per_file < 1:
        raise ValueError("at least 1 evaluator per file")
    if not 0 < sample.share <= 1:
        raise ValueError("share must be above 0 and at most 1")
    chosen: list[str] = []
    for unit in sorted(sample.strata, key=str):
        files = sorted({str(f) for f in sample.strata[unit]})
        chosen += _pick(files, sample.share, Stream(sample.seed, f"files:{unit}"))
    result = SampleResult(
        algorithm=SAMPLE_ALGORITHM, commitment=commitment(sample.seed), files=chosen
    )
    result.assignments, result.understaffed = _assign(
        sample.seed,
        chosen,
        sample.evaluators,
        sample.evaluators_per_file,
        [(str(f), int(e)) for f, e in sample.exclusions],
        "evaluators",
    )
    return result


def sample_from_published(data: dict) -> SampleResult:
    """Re-run an evaluation sample from its published JSON."""
    seed = bytes.fromhex(data["seed"])
    if commitment(seed) != data["commitment"]:
        raise ValueError("the seed does not match the published commitment")
    return run_sample(
        SampleInput(
            seed=seed,
            strata={str(s["unit"]): [str(f) for f in s["files"]] for s in data["strata"]},
            share=float(data["share"]),
            evaluators=[int(e["id"]) for e in data["evaluators"]],
            evaluators_per_file=int(data["evaluators_per_file"]),
            exclusions=[(str(e["file"]), int(e["evaluator"])) for e in data.get("exclusions", [])],
        )
    )


def _sample_lines(result: SampleResult) -> Iterator[str]:
    yield f"算法 algorithm: {result.algorithm}"
    yield f"承诺值 commitment (SM3 of seed): {result.commitment}"
    for item in result.files:
        yield f"案卷 file {item}: 评查人员 evaluators {result.assignments[item]}"
    for item in result.understaffed:
        yield f"人员不足 understaffed file {item}"


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
        data = json.load(handle)
    if data.get("algorithm") == SAMPLE_ALGORITHM:
        sample = sample_from_published(data)
        if args.json:
            print(json.dumps(asdict(sample), ensure_ascii=False))
        else:
            print("\n".join(_sample_lines(sample)))
        return 0
    result = draw_from_published(data)
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
