"""Every ledger action has words (the history pages, the API's ``action_label``): a person
never reads ``licensing.application.accept``. Checked for every action the source names
literally and for the families named from workflow tables; ``demo/tests/test_demo_load.py``
checks every action the demo really writes."""

from __future__ import annotations

import re
from pathlib import Path

from sanxiang.cases.appeal_workflow import APPEAL_TRANSITIONS, TRANSFER_TRANSITIONS
from sanxiang.cases.branch_workflow import TABLES
from sanxiang.cases.workflow import TRANSITIONS as CASE_TRANSITIONS
from sanxiang.catalog.workflow import TRANSITIONS as CATALOG_TRANSITIONS
from sanxiang.ledger.actions import ACTION_LABELS, action_label
from sanxiang.licensing.workflow import LICENCE_ACTIONS
from sanxiang.publicity.workflow import TRANSITIONS as PUBLICATION_TRANSITIONS
from sanxiang.review.workflow import TRANSITIONS as REVIEW_TRANSITIONS

SOURCE = Path(__file__).resolve().parents[2]
NAMED = re.compile(r'\baction\s*=\s*"([a-z_]+(?:\.[a-z_]+)+)"')
PASSED = re.compile(r'_event\([^)]*?"([a-z_]+\.[a-z_]+)"')


def _literal_actions() -> dict[str, str]:
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (NAMED, PASSED):
            for action in pattern.findall(text):
                found.setdefault(action, str(path.relative_to(SOURCE)))
    return found


def test_every_action_the_source_names_has_words():
    found = _literal_actions()
    assert len(found) > 150  # the scan sees the services
    missing = {a: where for a, where in found.items() if a not in ACTION_LABELS}
    assert not missing, f"ledger actions without words: {missing}"


def test_every_action_named_from_a_workflow_table_has_words():
    families = [f"case.{row.action}" for row in CASE_TRANSITIONS]
    families += [f"case.branch_{k}_{row.action}" for k, rows in TABLES.items() for row in rows]
    families += [f"case.appeal_{row.action}" for row in APPEAL_TRANSITIONS]
    families += [f"case.transfer_{row.action}" for row in TRANSFER_TRANSITIONS]
    families += [f"catalog.{row.action}" for row in CATALOG_TRANSITIONS]
    families += [f"publication.{row.action}" for row in PUBLICATION_TRANSITIONS]
    families += [f"review.{row.action}" for row in REVIEW_TRANSITIONS]
    families += [f"licensing.licence.{action}" for action in LICENCE_ACTIONS]
    missing = sorted(a for a in families if a not in ACTION_LABELS)
    assert not missing, f"ledger actions without words: {missing}"
    assert action_label("case.branch_sealing_seal").startswith("查封、扣押：")
    assert action_label("licensing.licence.revoke") == "许可证：吊销或撤销"
