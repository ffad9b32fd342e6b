"""Application nodes for the several-node test and benchmark (issue 17): gunicorn nodes and
task workers as subprocesses on one database, and a round-robin TCP balancer in front.
Only ever binds to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading

from sanxiang.testing.ingest_server import ROOT, VENV_BIN, free_port


class Balancer:
    """Round-robin TCP proxy over the nodes; a node that refuses connections is skipped."""

    def __init__(self, ports: list[int]) -> None:
        self.ports, self.turn = ports, 0
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = None
            for _ in self.ports:
                self.turn += 1
                with contextlib.suppress(OSError):
                    server = socket.create_connection(
                        ("127.0.0.1", self.ports[self.turn % len(self.ports)]), 2
                    )
                    break
            if server is None:
                client.close()
                continue
            server.settimeout(None)
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    @staticmethod
    def _pump(src, dst) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(256 * 1024):
                dst.sendall(data)
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._listener.close()


def node_env(database_url: str, data_dir, key_dir) -> dict[str, str]:
    """The environment of a node or worker: one database, one shared data folder (staging
    volume, ADR 0181), the checkpoint signer on the workers (ADR 0184)."""
    return {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SANXIANG_DATA_DIR": str(data_dir),
        "SANXIANG_KEY_DIR": str(key_dir),
        "SANXIANG_TASK_BACKEND": "db",
        "SANXIANG_CHECKPOINT_SIGNER": "worker",
        "SANXIANG_CHECKPOINT_MAX_LAG": "2",
        "SANXIANG_LOG_LEVEL": "WARNING",
        "DJANGO_SECRET_KEY": "two-node-test-secret-key-not-for-production-0123456789",
        "SANXIANG_FFMPEG": "",
    }


def start_node(env, port, log):
    command = [str(VENV_BIN / "gunicorn"), "--config", "python:sanxiang.evidence.gunicorn_conf"]
    command += ["config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--worker-class", "gthread", "--threads", "4", "--timeout", "120"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )


def start_worker(env, name, log):
    command = [sys.executable, "manage.py", "task_worker", "--worker-id", name]
    command += ["--interval", "0.2", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
