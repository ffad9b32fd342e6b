"""Fixtures for the ledger's database-level tests: a small real log, the standalone verifier."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sanxiang.ledger import keys, services
from sanxiang.ledger.models import Checkpoint
from sanxiang.testing import factories

TOOL = Path(__file__).resolve().parents[3] / "tools" / "sanxiang_verify.py"


@pytest.fixture
def officer(province):
    return factories.officer(agency=province["a"])


@pytest.fixture
def mines(province, officer):
    """Three mines: with the agencies, the officer and his certificate, a log of 9 entries."""
    return [factories.mine(agency=province["a"]) for _ in range(3)]


@pytest.fixture
def signed(mines) -> Checkpoint:
    """A checkpoint over the small log."""
    return services.checkpoint_sign()


@pytest.fixture
def keys_file(tmp_path) -> Path:
    path = tmp_path / "keys.txt"
    path.write_text(keys.verifier_key_file(), encoding="utf-8")
    return path


ToolRun = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def run_tool(tmp_path, keys_file) -> ToolRun:
    """Run tools/sanxiang_verify.py isolated (``-I``, from a temp dir) on a proof or note."""

    def run(command: str, payload: dict | str, *, key: Path | None = None):
        path = tmp_path / ("input.json" if isinstance(payload, dict) else "input.txt")
        text = json.dumps(payload, ensure_ascii=False) if isinstance(payload, dict) else payload
        path.write_text(text, encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-I", str(TOOL), command, "--key", str(key or keys_file), str(path)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run
