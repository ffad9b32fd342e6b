"""A task for the worker kill test (test_worker.py): it announces each run in a folder, waits
there for the test's go-ahead, and appends one real ledger event as its effect.

``hold``: "before" waits before the effect (a kill then loses the run), "after" commits the
effect and then waits (a kill then leaves an effect whose task is still RUNNING)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from sanxiang.core.audit import audit_context
from sanxiang.core.taskrun import task_effect

PROBE_ACTION = "core.worker_probe"


def _wait_for(path: Path, limit: float = 90.0) -> None:
    deadline = time.monotonic() + limit
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(str(path))
        time.sleep(0.05)


@task()
def probe(directory: str, label: str, hold: str = "before") -> str:
    from sanxiang.ledger.services import ledger_append

    folder = Path(directory)
    run = len(list(folder.glob(f"{label}-started-*"))) + 1
    (folder / f"{label}-started-{run}").write_text(str(os.getpid()))
    if hold == "before":
        _wait_for(folder / f"{label}-go-{run}")
    with (
        audit_context(channel="task"),
        task_effect(task_path=probe.module_path, return_value=f"{label} done"),
    ):
        ledger_append(
            actor=None,
            action=PROBE_ACTION,
            object_type="core.probe",
            object_id=label,
            details={"run": run},
        )
    (folder / f"{label}-committed-{run}").write_text("")
    if hold == "after":
        _wait_for(folder / f"{label}-go-{run}")
    return f"{label} done"
