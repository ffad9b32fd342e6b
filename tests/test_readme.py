"""The README is what a newcomer reads in a fresh clone: everything it points to must be there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_points_nowhere_outside_the_repository():
    assert "../" not in README


def test_every_repository_path_the_readme_names_exists():
    named = set(re.findall(r"`((?:docs|tools|bench|sanxiang|config)/[\w./-]*)`", README))
    assert named, "the README names no files at all"
    missing = sorted(p for p in named if not (ROOT / p.rstrip("/")).exists())
    assert not missing, f"README names files that are not in the repository: {missing}"
