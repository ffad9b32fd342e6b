#!/usr/bin/env bash
# Starts the background task worker, the periodic jobs and the web server together; Ctrl-C
# stops all three. The banner with the demo logins is printed once the port answers.
# The worker and the periodic loop run under tools/supervise.sh, which restarts them whenever
# they exit (ADR 0082); their output goes to data/worker.log and data/periodic.log.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${SANXIANG_PORT:-8000}"
mkdir -p data
tools/supervise.sh worker .venv/bin/python manage.py task_worker --queue-name default \
  >> data/worker.log 2>&1 &
worker=$!
tools/supervise.sh periodic .venv/bin/python manage.py run_periodic --loop \
  >> data/periodic.log 2>&1 &
periodic=$!
.venv/bin/python manage.py runserver "127.0.0.1:$PORT" &
server=$!
trap 'kill $worker $periodic $server 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  if .venv/bin/python -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; then
    .venv/bin/python manage.py demo_logins --url "http://127.0.0.1:$PORT"
    break
  fi
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
wait "$server"
