"""ADR 0082: `make run` keeps the worker alive — tools/supervise.sh restarts what exits."""

import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_supervise_restarts_a_dying_command_and_stops_on_sigterm(tmp_path):
    marks = tmp_path / "runs"
    command = [str(ROOT / "tools" / "supervise.sh"), "probe", "sh", "-c", f"echo run >> {marks}"]
    process = subprocess.Popen(
        command, env={**os.environ, "SUPERVISE_DELAY": "0.1"}, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 20
        while not marks.exists() or len(marks.read_text().splitlines()) < 3:
            assert time.monotonic() < deadline, "the command was not restarted"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "probe exited with status 0; restarting" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()


def test_make_run_starts_the_leased_worker_under_the_supervisor():
    script = (ROOT / "tools" / "run-server.sh").read_text()
    assert "tools/supervise.sh worker .venv/bin/python manage.py task_worker" in script
    assert "db_worker" not in script
