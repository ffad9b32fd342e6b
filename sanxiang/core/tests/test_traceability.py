"""docs/traceability.md names every clause ID, and every test file it cites exists."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "spec" / "clauses.md"
LOCAL_COPY = ROOT / "docs" / "clauses.md"
ID_PATTERN = re.compile(r"^\| ((?:GS|JL|SH|BZ)-[A-Za-z0-9.-]+) \|", re.MULTILINE)


def clause_ids(text: str) -> set[str]:
    return set(ID_PATTERN.findall(text))


def test_local_copy_of_clauses_is_current():
    if SHARED.exists():
        assert clause_ids(SHARED.read_text()) == clause_ids(LOCAL_COPY.read_text()), (
            "shared/spec/clauses.md changed: copy it to docs/clauses.md"
        )


def test_every_clause_id_is_traced():
    ids = clause_ids(LOCAL_COPY.read_text())
    assert len(ids) == 55
    traced = clause_ids((ROOT / "docs" / "traceability.md").read_text())
    missing = sorted(ids - traced)
    assert not missing, f"missing from docs/traceability.md: {missing}"


def test_cited_test_files_exist():
    text = (ROOT / "docs" / "traceability.md").read_text()
    cited = set(re.findall(r"`((?:sanxiang|tests)/[\w/.]+\.py)`", text))
    cited = {path for path in cited if "/tests/" in path or path.startswith("tests/")}
    missing = sorted(path for path in cited if not (ROOT / path).exists())
    assert not missing, f"traceability cites missing test files: {missing}"
