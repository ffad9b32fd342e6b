"""Register the rows of covered tables that have no ledger event yet (ADR 0060, ``upgrade.py``)."""

from django.db import migrations

from sanxiang.ledger.upgrade import register_existing


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0002_append_only_triggers"),
        ("core", "0002_initial"),
        ("org", "0002_staff_digest_without_password"),
        ("registry", "0001_initial"),
        ("catalog", "0001_initial"),
        ("documents", "0001_initial"),
        ("evidence", "0002_statutory_requirements"),
        ("inspections", "0001_initial"),
        ("cases", "0002_initial"),
        ("publicity", "0003_search_vector_by_year"),
        ("review", "0001_initial"),
        ("api", "0002_initial"),
    ]

    operations = [migrations.RunPython(register_existing, migrations.RunPython.noop)]
