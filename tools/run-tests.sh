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
  DATABASE_URL="$SANXIANG_TEST_POSTGRES" .venv/bin/pytest -q "$@"
fi
