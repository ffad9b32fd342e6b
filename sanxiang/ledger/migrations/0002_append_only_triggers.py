"""Refuse UPDATE and DELETE on the ledger tables at the database level."""

from django.db import migrations

from sanxiang.ledger import triggers


def create(apps, schema_editor):
    for statement in triggers.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    for statement in triggers.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
