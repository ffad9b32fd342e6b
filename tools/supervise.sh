#!/usr/bin/env bash
# Runs a command and starts it again whenever it exits (crash, kill -9, "database is locked"),
# after SUPERVISE_DELAY seconds (default 3). SIGTERM/SIGINT stop the loop and pass SIGTERM to
# the command, which then shuts down gracefully (the task worker finishes its current task).
# Usage: tools/supervise.sh NAME COMMAND [ARGS...]
set -uo pipefail
name=$1
shift
delay=${SUPERVISE_DELAY:-3}
child=""
stop() {
  if [ -n "$child" ]; then
    kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT
while true; do
  "$@" &
  child=$!
  wait "$child"
  status=$?
  child=""
  echo "[supervise] ${name} exited with status ${status}; restarting in ${delay} s" >&2
  sleep "$delay" &
  wait $!
done
