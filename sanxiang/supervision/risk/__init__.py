"""Risk signals per mine and the heads' watch list (BZ-6, issue 16 item 6, ADR 0171)."""
