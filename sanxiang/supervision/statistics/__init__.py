"""Enforcement statistics (JL-USE-1, issue 16 item 2, ADR 0170)."""
