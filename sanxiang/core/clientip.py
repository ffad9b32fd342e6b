"""The client's address behind trusted reverse proxies (ADR 0073).

``X-Forwarded-For`` is believed only when the connection comes from a proxy listed in
``SANXIANG_TRUSTED_PROXIES`` (addresses or networks); the address taken is the right-most
one that is not itself a trusted proxy, so a client cannot choose its own address by sending
the header. django-axes (``AXES_CLIENT_IP_CALLABLE``), the login slow-down and the audit
context all use this one function.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _trusted(tuple(getattr(settings, "SANXIANG_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in trusted_networks())


def client_ip(request: HttpRequest) -> str:
    """The address of the person's machine as far as trusted proxies tell it."""
    remote = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return ""
    if not _is_trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [_parse(part) for part in forwarded.split(",")] if forwarded else []
    for hop in reversed(hops):
        if hop is None:
            break  # a malformed entry: trust nothing to its left
        if not _is_trusted(hop):
            return str(hop)
    return str(remote)
