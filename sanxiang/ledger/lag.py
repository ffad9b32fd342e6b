"""How far the log may run ahead of its last signed checkpoint (ADR 0062).

Entries after the last checkpoint are protected only by the table walk of ``ledger_verify``:
whoever deletes them (and their tree nodes) leaves the log shorter but still consistent. So
the unsigned tail is kept short:

* **during activity** — every process that appends remembers when it appended its oldest
  entry not yet signed; the first append after ``SANXIANG_CHECKPOINT_MAX_LAG`` seconds
  (default 600) of that signs a checkpoint when its transaction commits (unless another
  process has signed one covering it meanwhile) — or, with ``SANXIANG_CHECKPOINT_SIGNER=worker``
  (ADR 0184), enqueues ``checkpoint_catch_up`` for the task worker that holds the keys. The
  clock is the process's monotonic clock, not ``timezone.now()``, so the demo's simulated
  clock (ADR 0007) does not turn every commit into a signature;
* **when idle** — ``run_periodic`` signs if the log grew (``ledger_checkpoint --if-grown``,
  every round), and so does the ``checkpoint_tick`` task;
* **on shutdown** — the background worker (its ``SANXIANG_WORKER_SHUTDOWN_HOOKS`` list
  :func:`sign_on_shutdown`) and the periodic loop (:func:`install_shutdown_checkpoint`, SIGTERM
  ending it through ``SystemExit``) sign if the log grew as they stop.

A deleted tail is then either below a checkpoint (``ledger_verify`` compares with the one
remembered beside the keys and reports the missing entries) or at most one lag long, and each
live row it touched is reported as changed or as having no event.
"""

from __future__ import annotations

import atexit
import logging
import signal
import sys
import threading
import time

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pending_since: float | None = None  # monotonic time of the oldest unsigned commit here
_pending_seq = 0
_installed = False


def max_lag() -> float:
    return float(getattr(settings, "SANXIANG_CHECKPOINT_MAX_LAG", 600))


def note_append(seq: int) -> None:
    """Called by ``ledger_append`` for each entry: once the oldest entry this process appended
    since its last signature is ``max_lag()`` old, sign when the caller commits.

    Only that one transaction gets an ``on_commit`` callback; if it rolls back, the next
    append starts the count again. (Most transactions get none, so the callbacks a test
    counts are its own.)
    """
    global _pending_since, _pending_seq
    now = time.monotonic()
    with _lock:
        if _pending_since is None:
            _pending_since = now
        _pending_seq = max(_pending_seq, seq)
        due = now - _pending_since >= max_lag()
        if due:
            _pending_since, target = None, _pending_seq
    if due:
        transaction.on_commit(lambda: sign_or_enqueue(target))


def signer() -> str:
    """Where checkpoints are signed: ``"process"`` (here, the default) or ``"worker"``."""
    return getattr(settings, "SANXIANG_CHECKPOINT_SIGNER", "process")


def sign_or_enqueue(seq: int) -> int | None:
    """Sign now, or with ``SANXIANG_CHECKPOINT_SIGNER=worker`` (ADR 0184) hand the signature to
    the task worker that holds the keys, so a web node needs no checkpoint key."""
    if signer() != "worker":
        return sign_if_behind(seq)
    from .tasks import checkpoint_catch_up

    try:
        checkpoint_catch_up.enqueue(seq)
    except Exception:  # like a failed signature: never an error of the request
        logger.exception("enqueueing the checkpoint after the maximum lag failed")
    return None


def sign_if_behind(seq: int) -> int | None:
    """Sign a checkpoint unless one of size >= ``seq`` exists; the size signed, or None.

    Never raises: the business change is committed already; a refusal (a log that no longer
    extends its checkpoint) or a missing key is logged as an error for ``ledger_verify``.
    """
    from django.core.exceptions import ImproperlyConfigured

    from sanxiang.core.audit import audit_context

    from . import services
    from .models import Checkpoint

    try:
        latest = Checkpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True)
        if (latest.first() or 0) >= seq:
            return None
        with audit_context(channel="system"):
            checkpoint = services.checkpoint_sign(only_if_grown=True)
    except (services.LedgerInconsistentError, ImproperlyConfigured) as exc:
        logger.error("%s", exc)
        return None
    except Exception:  # a failed signature must not surface as an error of the request
        logger.exception("checkpoint after the maximum lag failed")
        return None
    return checkpoint.tree_size if checkpoint else None


def sign_on_shutdown() -> int | None:
    """Sign a checkpoint if the log grew since the last one (the process is stopping)."""
    from . import services

    try:
        return sign_if_behind(services.tree_size())
    except Exception:  # the database may be gone already; nothing more can be done here
        logger.exception("checkpoint at shutdown failed")
        return None


def _terminate(signum, frame) -> None:
    sys.exit(0)


def install_shutdown_checkpoint(*, sigterm: bool = False) -> None:
    """Sign if the log grew when this process exits normally (``SystemExit``, end of main).

    ``sigterm=True`` also turns SIGTERM into ``SystemExit`` for a process that has no handler
    of its own (``run_periodic``). Installed once per process.
    """
    global _installed
    if sigterm:
        signal.signal(signal.SIGTERM, _terminate)
    if not _installed:
        atexit.register(sign_on_shutdown)
        _installed = True
