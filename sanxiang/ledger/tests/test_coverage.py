"""Every model is covered by the ledger or listed, with its reason, as not covered (ADR 0060)."""

from django.apps import apps

from sanxiang.ledger import coverage


def test_every_model_is_classified_once():
    unclassified = coverage.unclassified_models()
    assert unclassified == [], (
        "Classify these models in sanxiang/ledger/coverage.py (OWN_EVENTS, CHILDREN, DERIVED "
        f"or EXCLUDED with the reason, and ADR 0060): {unclassified}"
    )
    assert coverage.classified_twice() == []


def test_every_listed_model_exists_and_exclusions_give_a_reason():
    labels = {m._meta.label_lower for m in apps.get_models(include_auto_created=True)}
    listed = (
        set(coverage.OWN_EVENTS)
        | {c.label for kids in coverage.CHILDREN.values() for c in kids}
        | set(coverage.CHILDREN)
        | set(coverage.DERIVED)
        | set(coverage.EXCLUDED)
        | set(coverage.LEDGER_TABLES)
    )
    assert listed - labels == set()  # no stale entries
    assert all(len(reason) > 20 for reason in coverage.EXCLUDED.values())
    assert all(parent in coverage.OWN_EVENTS for parent in coverage.CHILDREN)
    for kids in coverage.CHILDREN.values():
        seen = set()
        for child in kids:
            model = apps.get_model(child.label)
            assert child.fk.split("__")[0] in {f.name for f in model._meta.get_fields()} | {
                f.attname for f in model._meta.concrete_fields
            }, child
            assert not child.via or child.via in seen, child  # a grandchild after its parent
            seen.add(child.label)


def test_adr_lists_every_exclusion():
    from pathlib import Path

    adr = (
        Path(__file__).resolve().parents[3]
        / "docs"
        / "decisions"
        / "0060-every-table-under-the-ledger.md"
    ).read_text(encoding="utf-8")
    for label in list(coverage.EXCLUDED) + list(coverage.DERIVED):
        assert f"`{label}`" in adr, label
