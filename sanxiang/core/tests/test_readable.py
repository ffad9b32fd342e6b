"""ADR 0065: every record type has a reading rule — its app's, the agency scope, or an explicit
"superusers only" with the reason — and a reference to a record is read by that rule alone."""

from __future__ import annotations

import pytest
from django.apps import apps

from sanxiang.core.readable import may_read, readable_queryset, registered_types
from sanxiang.testing import factories

# Types with no reading rule for staff: whoever holds only a reference (a ledger entry) to one
# of these reads it only as a superuser. Keep in step with the table in ADR 0065.
NOT_READABLE_BY_REFERENCE = {
    "ledger.ledgerentry": "the log itself, read through the ledger's own selectors",
    "ledger.treenode": "hashes of the log, published only through proofs",
    "ledger.checkpoint": "public through the transparency pages, never the object of an event",
    "ledger.cosignature": "witnesses' cosignatures on our checkpoints, public with them (ADR 0191)",
    "ledger.witnessedlog": "logs this instance witnesses, public on the transparency page",
    "ledger.witnessconflict": "refused checkpoints kept as evidence, public (ADR 0191)",
    "documents.numbersequence": "a counter behind document numbers, never the object of an event",
    "archive.archivalcodesequence": "a counter behind archival codes, never the object of an event",
    "publicity.publicentry": "the portal's public copy, read through the public selectors",
    "api.apitoken": "until the token app registers owner and administrator reading",
    "core.tasklease": "the background worker's bookkeeping, not a record of the agency's work",
    "core.taskeffect": "the background worker's bookkeeping, not a record of the agency's work",
    "complaints.uploadgrant": "the public intake's one-time upload capability (ADR 0140)",
    "complaints.publicupload": "a visitor's upload in transit; read through the report's files",
    "complaints.intakemark": "rate-limit counters and spent proofs of work (ADR 0140)",
    "core.storedobject": "the version id of an original on object storage, read by the blob store",
}


def test_every_model_has_a_reading_rule_or_a_stated_reason():
    missing, stale = [], []
    registered = registered_types()
    for model in apps.get_models():
        if not model.__module__.startswith("sanxiang."):
            continue
        label = model._meta.label_lower
        scoped = getattr(model, "scope_path_lookup", None) is not None
        listed = label in NOT_READABLE_BY_REFERENCE
        if not (label in registered or scoped or listed):
            missing.append(label)
        if listed and (label in registered or scoped):
            stale.append(label)
    assert not missing, f"no reading rule and no stated reason: {missing}"
    assert not stale, f"listed as unreadable but has a rule: {stale}"


@pytest.mark.django_db
def test_rules_follow_the_apps_selectors(province):
    a, b = province["a"], province["b"]
    officer, outsider = factories.officer(agency=a), factories.officer(agency=b)
    mine = factories.mine(agency=a)
    assert may_read(officer, "registry.coalmine", str(mine.pk))  # agency scope (restrict)
    assert not may_read(outsider, "registry.coalmine", str(mine.pk))
    assert not may_read(officer, "registry.coalmine", "not-a-number")
    assert not may_read(officer, "registry.coalmine", str(mine.pk + 1000))
    assert not may_read(officer, "no.such", "1")
    assert readable_queryset(officer, "api.apitoken") is None  # fail closed
    assert readable_queryset(officer, "documents.numbersequence") is None
    assert may_read(factories.superuser(), "api.apitoken", "1")
    assert not may_read(None, "registry.coalmine", str(mine.pk))
