"""The double-random draw is deterministic, re-runnable from its published inputs, and fair."""

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sanxiang.inspections.draw import DrawInput, Stream, commitment, run_draw, shuffled

ROOT = Path(__file__).resolve().parents[3]
MINES = [(i, i % 5 == 0) for i in range(1, 151)]  # 30 key mines, 120 general
INSPECTORS = list(range(1001, 1021))


def draw(seed=b"2026-Q4 seed", **overrides):
    values = {
        "seed": seed,
        "mines": MINES,
        "inspectors": INSPECTORS,
        "share_general": 0.05,
        "share_key": 0.2,
        "inspectors_per_mine": 2,
        "exclusions": [],
    }
    values.update(overrides)
    return run_draw(DrawInput(**values))


def test_same_inputs_same_result():
    assert draw().assignments == draw().assignments
    assert draw().mines == draw().mines


def test_changed_seed_gives_a_different_result():
    assert draw(seed=b"another seed").mines != draw().mines


def test_changed_list_gives_a_different_result():
    assert draw(mines=MINES[:-1]).mines != draw().mines


def test_shares_round_up_per_stratum():
    result = draw()
    key = [m for m in result.mines if m % 5 == 0]
    assert len(key) == 6  # ceil(0.2 × 30)
    assert len(result.mines) - len(key) == 6  # ceil(0.05 × 120)
    assert len(set(result.mines)) == len(result.mines)


def test_every_mine_gets_at_least_two_distinct_inspectors():
    for team in draw().assignments.values():
        assert len(team) == 2 and len(set(team)) == 2


def test_excluded_inspector_is_never_drawn_for_that_mine():
    base = draw()
    mine = base.mines[0]
    exclusions = [(mine, inspector) for inspector in base.assignments[mine]]
    redrawn = draw(exclusions=exclusions)
    assert not set(redrawn.assignments[mine]) & set(base.assignments[mine])


def test_excluding_all_but_one_reports_understaffed():
    mine = draw().mines[0]
    exclusions = [(mine, i) for i in INSPECTORS[1:]]
    result = draw(exclusions=exclusions)
    assert result.assignments[mine] == [INSPECTORS[0]]
    assert result.understaffed == [mine]


def test_work_is_spread_evenly():
    loads = Counter(i for team in draw().assignments.values() for i in team)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_stream_is_uniform_enough():
    stream = Stream(b"uniformity", "test")
    counts = Counter(stream.below(6) for _ in range(6000))
    assert all(850 < counts[v] < 1150 for v in range(6))


def test_shuffle_is_a_permutation():
    items = list(range(50))
    assert sorted(shuffled(items, Stream(b"s", "x"))) == items


def test_at_least_two_inspectors_required():
    with pytest.raises(ValueError):
        draw(inspectors_per_mine=1)


def test_rerun_from_published_json_with_the_standalone_module(tmp_path):
    seed = b"published seed 2026"
    result = draw(seed=seed, exclusions=[(5, 1001)])
    published = {
        "commitment": commitment(seed),
        "seed": seed.hex(),
        "mines": [{"id": m, "key": k} for m, k in MINES],
        "inspectors": [{"id": i} for i in INSPECTORS],
        "share_general": 0.05,
        "share_key": 0.2,
        "inspectors_per_mine": 2,
        "exclusions": [{"mine": 5, "inspector": 1001, "reason": "上次检查过该矿"}],
    }
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(published), encoding="utf-8")
    script = ROOT / "sanxiang" / "core" / "draw.py"
    completed = subprocess.run(
        [sys.executable, "-I", str(script), str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rerun = json.loads(completed.stdout)
    assert rerun["mines"] == result.mines
    assert {int(k): v for k, v in rerun["assignments"].items()} == result.assignments

    published["seed"] = b"a different seed".hex()
    path.write_text(json.dumps(published), encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, "-I", str(script), str(path)], capture_output=True, text=True
    )
    assert failed.returncode != 0 and "commitment" in failed.stderr
