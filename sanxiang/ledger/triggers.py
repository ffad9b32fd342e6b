"""Database triggers that refuse UPDATE and DELETE (and TRUNCATE) on the ledger tables.

They make the log append-only for everyone who goes through the database normally, the
application included. Someone able to drop triggers can still rewrite rows; that is what
``verify`` and the signed checkpoints published outside the database catch (ADR 0004).
"""

LEDGER_TABLES = ("ledger_ledgerentry", "ledger_treenode", "ledger_checkpoint")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION sanxiang_ledger_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '账本只允许追加：拒绝对 % 执行 %', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [_PG_FUNCTION]
        for table in LEDGER_TABLES:
            statements += [
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sanxiang_ledger_refuse();",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sanxiang_ledger_refuse();",
            ]
        return statements
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '账本只允许追加：拒绝对 {table} 执行 {op}'); END;"
            for table in LEDGER_TABLES
            for op in ("UPDATE", "DELETE")
        ]
    raise NotImplementedError(f"no ledger triggers for database vendor {vendor!r}")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_{name} ON {table};"
            for table in LEDGER_TABLES
            for name in ("append_only", "no_truncate")
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{op};"
            for table in LEDGER_TABLES
            for op in ("update", "delete")
        ]
    raise NotImplementedError(f"no ledger triggers for database vendor {vendor!r}")
