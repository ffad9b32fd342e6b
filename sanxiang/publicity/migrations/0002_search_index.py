"""The full-text index of the search table (ADR 0050), per database.

SQLite: an FTS5 table over ``publicity_publicentry.terms`` (external content, rowid = the
entry's sort key), kept in step by triggers. PostgreSQL: a stored generated ``tsvector`` column
``tsv`` with a GIN index. Both are invisible to the ORM, which never reads them.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE publicity_fts USING fts5("
    "terms, content='publicity_publicentry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER publicity_fts_insert AFTER INSERT ON publicity_publicentry BEGIN "
    "INSERT INTO publicity_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER publicity_fts_delete AFTER DELETE ON publicity_publicentry BEGIN "
    "INSERT INTO publicity_fts(publicity_fts, rowid, terms) VALUES ('delete', old.id, old.terms); END",
    "CREATE TRIGGER publicity_fts_update AFTER UPDATE ON publicity_publicentry BEGIN "
    "INSERT INTO publicity_fts(publicity_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO publicity_fts(rowid, terms) VALUES (new.id, new.terms); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS publicity_fts_update",
    "DROP TRIGGER IF EXISTS publicity_fts_delete",
    "DROP TRIGGER IF EXISTS publicity_fts_insert",
    "DROP TABLE IF EXISTS publicity_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE publicity_publicentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX publicity_publicentry_tsv ON publicity_publicentry USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS publicity_publicentry_tsv",
    "ALTER TABLE publicity_publicentry DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
