"""PostgreSQL: the search tokens move to a narrow table partitioned by year (ADR 0050).

Replaces the generated ``tsv`` column of ``publicity_publicentry`` (compressed inside wide rows:
a recheck cost ~15–25 µs a row) by ``publicity_searchvector(id, tsv)``: the entry's key and its
``tsvector`` stored uncompressed (``STORAGE MAIN`` with ``toast_tuple_target`` at the page
size), one partition per calendar year of decision from 2000 to 2060 plus a default one, each
with its own GIN index, so a search can ask the years newest first. Triggers on the entry table
keep it in step (insert, update, delete, truncate). SQLite is unchanged (FTS5, migration 0002).
"""

import datetime

from django.db import migrations

KEY_SCALE = 10**9
FIRST_YEAR, LAST_YEAR = 2000, 2060


def _year_key(year: int) -> int:
    return datetime.date(year, 1, 1).toordinal() * KEY_SCALE


def _partitions() -> list[str]:
    statements = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        statements.append(
            f"CREATE TABLE publicity_searchvector_y{year} PARTITION OF publicity_searchvector "
            f"FOR VALUES FROM ({_year_key(year)}) TO ({_year_key(year + 1)}) "
            "WITH (toast_tuple_target = 8160)"
        )
    statements.append(
        "CREATE TABLE publicity_searchvector_other PARTITION OF publicity_searchvector DEFAULT "
        "WITH (toast_tuple_target = 8160)"
    )
    return statements


POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS publicity_publicentry_tsv",
    "ALTER TABLE publicity_publicentry DROP COLUMN IF EXISTS tsv",
    "CREATE TABLE publicity_searchvector (id bigint NOT NULL, tsv tsvector NOT NULL) "
    "PARTITION BY RANGE (id)",
    "ALTER TABLE publicity_searchvector ALTER COLUMN tsv SET STORAGE MAIN",
    *_partitions(),
    "ALTER TABLE publicity_searchvector ADD PRIMARY KEY (id)",
    "INSERT INTO publicity_searchvector (id, tsv) "
    "SELECT id, to_tsvector('simple'::regconfig, terms) FROM publicity_publicentry",
    "CREATE INDEX publicity_searchvector_tsv ON publicity_searchvector USING gin (tsv) "
    "WITH (fastupdate = off)",
    """
    CREATE FUNCTION publicity_searchvector_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM publicity_searchvector WHERE id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO publicity_searchvector (id, tsv)
            VALUES (NEW.id, to_tsvector('simple'::regconfig, NEW.terms));
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION publicity_searchvector_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE publicity_searchvector;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER publicity_searchvector_sync AFTER INSERT OR UPDATE OR DELETE "
    "ON publicity_publicentry FOR EACH ROW EXECUTE FUNCTION publicity_searchvector_sync()",
    "CREATE TRIGGER publicity_searchvector_truncate AFTER TRUNCATE "
    "ON publicity_publicentry FOR EACH STATEMENT EXECUTE FUNCTION publicity_searchvector_truncate()",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS publicity_searchvector_truncate ON publicity_publicentry",
    "DROP TRIGGER IF EXISTS publicity_searchvector_sync ON publicity_publicentry",
    "DROP FUNCTION IF EXISTS publicity_searchvector_truncate()",
    "DROP FUNCTION IF EXISTS publicity_searchvector_sync()",
    "DROP TABLE IF EXISTS publicity_searchvector",
    "ALTER TABLE publicity_publicentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, terms)) STORED",
    "CREATE INDEX publicity_publicentry_tsv ON publicity_publicentry USING gin (tsv)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_search_index")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
