#!/usr/bin/env bash
# Runs the suite on SQLite, then on PostgreSQL when SANXIANG_TEST_POSTGRES holds its URL.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
mkdir -p test-results

echo "== pytest on SQLite =="
env -u DATABASE_URL .venv/bin/pytest -q "$@"

if [ -n "${SANXIANG_TEST_POSTGRES:-}" ]; then
  echo "== pytest on PostgreSQL =="
  # The 2 GiB resumable upload proves the ingest on SQLite; on PostgreSQL the same cuts and
  # server kill run with 256 MiB (the database part is the same), to keep the suite in budget.
  DATABASE_URL="$SANXIANG_TEST_POSTGRES" \
    SANXIANG_INGEST_TEST_BYTES="${SANXIANG_INGEST_TEST_BYTES_POSTGRES:-268435456}" \
    .venv/bin/pytest -q "$@"
fi
