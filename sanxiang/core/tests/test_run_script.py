"""`make run` for a newcomer (issue 13, item 8), its pieces run cheaply instead of a whole
`make run`:

- ``tools/run-server.sh`` prints the banner (``manage.py demo_logins``) once, only after the port
  answers, with the port it was given; the worker's and periodic loop's output goes to their log
  files, not to the terminal; Ctrl-C (SIGTERM) stops the server, the worker and the loop. The
  script runs for real in a copy of ``tools/`` whose ``.venv/bin/python`` is a stand-in: the web
  server opens the port after a delay, the worker talks, the banner is a marker line.
- ``tools/system-deps.sh`` (the ``make run`` prerequisite) asks for exactly the Debian packages of
  the running system that are missing — fonts, ffmpeg, Graphviz, poppler, ClamAV — and Chromium
  only with ``--test``; run with stand-in ``apt-get`` and ``id`` on a bare PATH.
- The logs are quiet under the settings ``make run`` uses (``config.settings.dev``): typesetting a
  PDF writes no WeasyPrint progress lines.

That the banner lists a login of every demo role is tested on the loaded demo
(``demo/tests/test_demo_load.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

FAKE_PYTHON = """#!/usr/bin/env bash
# A stand-in for the project's Python under tools/run-server.sh.
log="$SANDBOX/calls.log"
echo "$*" >> "$log"
if [ "$1" = "-c" ]; then exec "$REAL_PYTHON" "$@"; fi
case "$2" in
  runserver)
    sleep 1.5
    echo "listening $(date +%s.%N)" >> "$log"
    exec "$REAL_PYTHON" -c "
import socket, sys
host, port = sys.argv[1].rsplit(':', 1)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, int(port))); s.listen(8)
while True:
    c, _ = s.accept(); c.close()
" "$3" ;;
  demo_logins)
    echo "banner $(date +%s.%N)" >> "$log"
    echo "BANNER-MARKER $*" ;;
  task_worker|run_periodic)
    echo "noisy $2 output"
    exec sleep 600 ;;
esac
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sandbox(tmp_path):
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in ("run-server.sh", "supervise.sh"):
        shutil.copy(ROOT / "tools" / name, tools / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent has not read its status yet.
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split(") ", 1)[1].startswith("Z"))


def test_run_server_prints_the_banner_once_the_port_answers_and_stops_everything(sandbox):
    port = _free_port()
    env = {
        **os.environ,
        "SANXIANG_PORT": str(port),
        "SANDBOX": str(sandbox),
        "REAL_PYTHON": sys.executable,
        "SUPERVISE_DELAY": "30",
    }
    process = subprocess.Popen(
        ["bash", str(sandbox / "tools" / "run-server.sh")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, ended by its id below
    )
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "BANNER-MARKER" not in line:
            assert time.monotonic() < deadline, "no banner"
            line = process.stdout.readline()
            assert line or process.poll() is None, "the script ended without a banner"
        assert f"--url http://127.0.0.1:{port}" in line
        calls = (sandbox / "calls.log").read_text()
        listening = float(calls.split("listening ", 1)[1].split()[0])
        banner = float(calls.split("banner ", 1)[1].split()[0])
        assert banner >= listening, "the banner came before the port answered"
        assert "manage.py task_worker --queue-name default" in calls
        assert "manage.py run_periodic --loop" in calls
        # The worker's and the loop's talk is in their logs, not on the newcomer's terminal.
        deadline = time.monotonic() + 20
        worker_log = sandbox / "data" / "worker.log"
        while "noisy task_worker output" not in (
            worker_log.read_text() if worker_log.exists() else ""
        ):
            assert time.monotonic() < deadline, "the worker's output is not in data/worker.log"
            time.sleep(0.1)
        assert "noisy run_periodic output" in (sandbox / "data" / "periodic.log").read_text()
        children = subprocess.run(
            ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        workers = [int(pid) for pid in children if "sleep" in _cmdline(int(pid))]
        assert len(workers) == 2, children  # the worker and the periodic loop
        # Ctrl-C: the script and everything it started stop.
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        rest = process.stdout.read()
        assert "BANNER-MARKER" not in rest  # once only
        assert "noisy" not in rest
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in workers):
            assert time.monotonic() < deadline, "the worker outlived the script"
            time.sleep(0.1)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), 1).close()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever of our group is left


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _stand_ins(tmp_path: Path, *, root: bool) -> Path:
    """A PATH with bash's basics, an ``id`` saying who we are, a recording ``apt-get``, and
    none of ffmpeg, dot, fc-list, pdftoppm, clamscan, chromium."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "grep", "cat", "env"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    (bin_dir / "id").write_text(f"#!/bin/bash\necho {0 if root else 1000}\n")
    (bin_dir / "apt-get").write_text(f'#!/bin/bash\necho "$*" >> {tmp_path}/apt.log\n')
    for name in ("id", "apt-get"):
        (bin_dir / name).chmod(0o755)
    return bin_dir


@pytest.mark.parametrize("test_flag", [False, True], ids=["run", "test"])
def test_system_deps_installs_what_the_running_system_lacks(tmp_path, test_flag):
    bin_dir = _stand_ins(tmp_path, root=True)
    args = [str(bin_dir / "bash"), str(ROOT / "tools" / "system-deps.sh")]
    result = subprocess.run(
        args + (["--test"] if test_flag else []),
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    installs = (tmp_path / "apt.log").read_text().splitlines()
    assert installs[0].startswith("update")
    packages = set(installs[-1].split()) - {"install", "-y", "-q"}
    expected = {"ffmpeg", "graphviz", "fonts-noto-cjk", "poppler-utils", "clamav"}
    assert packages == expected | ({"chromium"} if test_flag else set())


def test_system_deps_tells_a_non_root_user_what_to_install(tmp_path):
    bin_dir = _stand_ins(tmp_path, root=False)
    result = subprocess.run(
        [str(bin_dir / "bash"), str(ROOT / "tools" / "system-deps.sh")],
        env={"PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "apt-get install -y ffmpeg graphviz fonts-noto-cjk poppler-utils clamav" in result.stderr
    assert not (tmp_path / "apt.log").exists()


QUIET_PROBE = """
import io, logging, sys
import django
django.setup()
import weasyprint
weasyprint.HTML(string="<p>测试</p>").write_pdf(io.BytesIO())
print("--- progress on ---", file=sys.stderr, flush=True)
logging.getLogger("weasyprint.progress").setLevel(logging.INFO)
weasyprint.HTML(string="<p>测试</p>").write_pdf(io.BytesIO())
"""


def test_make_run_settings_keep_weasyprint_progress_out_of_the_log(tmp_path):
    """Under ``config.settings.dev`` a PDF typesets silently; the probe turns the progress
    logger back on afterwards to show it would have been seen."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "SANXIANG_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SECRET_KEY": "test-only",
        "SANXIANG_LOG_LEVEL": "INFO",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", QUIET_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    quiet, loud = result.stderr.split("--- progress on ---")
    assert "weasyprint" not in quiet.lower() and "fontTools" not in quiet, quiet[-2000:]
    assert "weasyprint.progress" in loud  # the same run, with the logger back at INFO
