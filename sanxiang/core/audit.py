"""Who is acting, and under which request, for every write — in requests, commands and tasks.

Services read the acting user from their ``actor`` argument; the audit context carries the
rest (request id, channel, remote address) so that ledger events written from a
management command or a background task are as attributable as those from a web request.
NetBox's change log loses changes made outside a request; this context does not, because
commands and tasks open one explicitly with :func:`audit_context`.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    actor_id: int | None = None
    actor_username: str = ""
    channel: str = "system"  # web | api | command | task | system
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    remote_addr: str = ""
    # When the request's session last gave a second factor (epoch seconds), for step-up.
    second_factor_at: float | None = None

    def as_details(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "request_id": self.request_id,
            "remote_addr": self.remote_addr,
        }


_current: contextvars.ContextVar[AuditContext | None] = contextvars.ContextVar(
    "sanxiang_audit_context", default=None
)


def current() -> AuditContext:
    """The open context, or a fresh system context when no unit of work opened one."""
    return _current.get() or AuditContext()


@contextlib.contextmanager
def audit_context(
    *,
    actor: Any = None,
    channel: str,
    request_id: str | None = None,
    remote_addr: str = "",
    second_factor_at: float | None = None,
) -> Iterator[AuditContext]:
    """Open a context for a unit of work; nested contexts inherit the request id."""
    parent = current()
    context = replace(
        parent,
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or "",
        channel=channel,
        request_id=request_id
        or (parent.request_id if parent.channel != "system" else uuid.uuid4().hex),
        remote_addr=remote_addr or parent.remote_addr,
        second_factor_at=second_factor_at,
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)
