#!/usr/bin/env bash
# Schemathesis over the documented API (issue 12 item 6, ADR 0078). Must report 0 server errors.
#
# A fresh SQLite database in a temporary folder gets the hostile-input test's worlds and one API
# token per role (sanxiang/testing/schemathesis_world.py: one Django start-up; the migrated empty
# database is cached by the digest of the migration files under $CACHE); gunicorn serves it on a
# free port; each role's token runs the coverage and fuzzing phases over the routers (OpenAPI
# tags) that role works with, as listed in tools/schemathesis-roles.txt — together every tag of
# the schema, which sanxiang/api/tests/test_schemathesis_roles.py enforces (seeded, at most
# MAX_EXAMPLES cases per operation). The whole script keeps to TOTAL_SECONDS (default 300): what
# is left after the set-up is shared among the roles by their number of operations, each given
# to schemathesis as --max-time and enforced with `timeout`. The server is stopped and the folder
# removed on exit. Checks left out, and accounts without a token, each with its reason:
# tools/schemathesis-exclusions.txt. One schemathesis worker: with two, CPython 3.11's ast module
# (used by hypothesis to describe strategies) fails with "AST constructor recursion depth
# mismatch" when threads parse at once. Login lockout is off for this throw-away server (its users
# authenticate by token; a token is refused while its holder is locked out).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
SEED="${SANXIANG_SCHEMATHESIS_SEED:-20261207}"
MAX_EXAMPLES="${SANXIANG_SCHEMATHESIS_MAX_EXAMPLES:-5}"
TOTAL_SECONDS="${SANXIANG_SCHEMATHESIS_TOTAL_SECONDS:-300}"
CACHE="${SANXIANG_SCHEMATHESIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sanxiang-schemathesis}"
RESERVE=15      # seconds kept for stopping the server and counting the access log
MIN_SECONDS=15  # the least any role gets, even when the set-up ran late
RESULTS="${PWD}/test-results/schemathesis"

WORK="$(mktemp -d -t sanxiang-schemathesis-XXXXXX)"
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
server=""
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

unset DATABASE_URL
export DJANGO_SETTINGS_MODULE=config.settings.base
export SANXIANG_DATA_DIR="$WORK"
export SANXIANG_TASK_BACKEND=immediate
export SANXIANG_LOGIN_FAILURE_LIMIT=1000000
export DJANGO_ALLOWED_HOSTS=127.0.0.1

echo "== schemathesis: fresh SQLite world and one token per role =="
if ! $PY manage.py shell -c "from sanxiang.testing.schemathesis_world import prepare; prepare('$WORK/tokens.json', '$CACHE')" >"$WORK/setup.log" 2>&1; then
  tail -40 "$WORK/setup.log"
  exit 1
fi
echo "set-up took $SECONDS s"

.venv/bin/gunicorn config.wsgi -w 2 -b "127.0.0.1:$PORT" --timeout 60 \
  --access-logfile "$WORK/access.log" --access-logformat '%(s)s %(m)s %(U)s' >"$WORK/server.log" 2>&1 &
server=$!
# Ready when a cheap public read answers. (The 256-operation schema takes seconds to build under
# load: asked for with a 2 s read timeout it never answered, and the wait spent its 60 tries.)
for _ in $(seq 60); do
  if $PY -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/api/ledger/keys', timeout=60)" 2>/dev/null; then
    break
  fi
  sleep 0.5
done

# role, its number of operations and its tags, from the roles file and the schema.
# The schema is written by the set-up (prepare) and each role loads that file: loading it from the
# server per role timed out (10 s) under CI load.
plan="$($PY - "$WORK/openapi.json" <<'PLAN'
import json, sys

schema = json.load(open(sys.argv[1], encoding="utf-8"))
ops = [set(op.get("tags") or ()) for item in schema["paths"].values() for op in item.values()]
for line in open("tools/schemathesis-roles.txt", encoding="utf-8"):
    if line.strip() and not line.lstrip().startswith("#"):
        role, tags = (part.strip() for part in line.split("|"))
        wanted = {tag.strip() for tag in tags.split(",")}
        print(f"{role}|{sum(1 for t in ops if t & wanted)}|{tags}")
PLAN
)"
ops_left="$(printf '%s\n' "$plan" | awk -F'|' '{n += $2} END {print n}')"
roles_after="$(printf '%s\n' "$plan" | grep -c .)"

excluded="$(grep -v '^\s*#' tools/schemathesis-exclusions.txt | awk 'NF {print $1}' | paste -sd, -)"
token() { $PY -c "import json, sys; print(json.load(open('$WORK/tokens.json'))[sys.argv[1]])" "$1"; }
mkdir -p "$RESULTS"
status=0
while IFS='|' read -r role ops tags; do
  args=()
  IFS=',' read -ra tag_list <<<"$tags"
  for tag in "${tag_list[@]}"; do args+=(--include-tag "$tag"); done
  # this role's share of the time left, by its number of operations, after keeping MIN_SECONDS
  # for each role still to come (so a slow set-up or an earlier role cannot starve the last)
  ops_left=$((ops_left - ops))
  roles_after=$((roles_after - 1))
  spare=$((TOTAL_SECONDS - SECONDS - RESERVE - MIN_SECONDS * roles_after))
  seconds=$((spare * ops / (ops_left + ops)))
  if [ "$seconds" -lt "$MIN_SECONDS" ]; then
    seconds=$MIN_SECONDS
  fi
  echo "== schemathesis as ${role}: ${ops} operations (${tags}), ${seconds} s =="
  timeout -k 5 "$((seconds + 10))" .venv/bin/schemathesis run "$WORK/openapi.json" --url "http://127.0.0.1:$PORT" \
    --header "Authorization: Bearer $(token "$role")" \
    "${args[@]}" \
    --phases coverage,fuzzing --checks all --exclude-checks "$excluded" \
    --seed "$SEED" --max-examples "$MAX_EXAMPLES" --max-time "$seconds" \
    --workers 1 --request-timeout 30 --no-color --output-truncate true \
    --report junit --report-junit-path "$RESULTS/$role.xml" </dev/null 2>&1 |
    tee -a "$WORK/schemathesis.log" || status=1
done <<<"$plan"

# Each request's line starts with its three-digit status; a fuzzed path may hold a line break,
# so a continuation line (no status first) is not a request and never compared as one.
statuses="$(grep -E '^[0-9]{3} ' "$WORK/access.log" || true)"
errors="$(printf '%s\n' "$statuses" | awk '$1 ~ /^[0-9]+$/ && $1 + 0 >= 500' | wc -l)"
requests="$(printf '%s\n' "$statuses" | grep -c . || true)"
tested="$(grep -hE '^ +Tested: [0-9]+' "$WORK/schemathesis.log" | awk '{n += $2} END {print n + 0}')"
echo "schemathesis: $tested of $(jq -r '[.paths[][]] | length' "$WORK/openapi.json" 2>/dev/null || echo '?') operations tested"
echo "schemathesis: $requests requests, $errors server errors (seed $SEED, max-examples $MAX_EXAMPLES, $SECONDS s in all)"
if [ "$errors" -ne 0 ]; then
  printf '%s\n' "$statuses" | awk '$1 + 0 >= 500' | sort | uniq -c | head -20
  grep -A40 '^Traceback' "$WORK/server.log" | head -120 || true
  status=1
fi
exit "$status"
