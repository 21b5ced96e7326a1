"""The address a request came from, believing X-Forwarded-For only from trusted proxies.

``settings.TRUSTED_PROXIES`` lists the proxies' addresses or networks (empty: nobody).
The header is read from the right, where the nearest proxy appended what it saw, and
the first address that is not a trusted proxy is the client: anything further left was
written by the client itself and could say anything. This is the rule uvicorn's
``forwarded_allow_ips`` follows, and ``kindred serve`` hands it the same list, so the
two agree whether or not uvicorn has already rewritten ``REMOTE_ADDR``.

Every rate limit, allauth's included (through the account adapter), and the audit log
use :func:`client_ip`.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def parse_address(text: str) -> Address | None:
    """An address from ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443`` or ``2001:db8::1``."""
    text = text.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: Any) -> str:
    """The client's address as text; empty when the server gave none (a Unix socket)."""
    remote = parse_address(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    address = remote
    hops = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    while networks and hops and _trusted(address, networks):
        hop = parse_address(hops.pop())
        if hop is None:
            # A trusted proxy passed on something that is not an address: stop at the
            # last address we can vouch for rather than guess.
            break
        address = hop
    return str(address)


def address_bucket(ip: str) -> str:
    """What a limit counts per address: the address, or its /64 for IPv6, since one
    IPv6 subscriber usually holds a whole /64 and could otherwise rotate through it."""
    address = parse_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address) if address is not None else ip


def scope_client_ip(scope: Mapping[str, Any]) -> str:
    """:func:`client_ip` for an ASGI scope (a WebSocket has no request)."""
    client = scope.get("client") or ("", 0)
    headers = dict(scope.get("headers") or [])
    meta = {
        "REMOTE_ADDR": str(client[0] or ""),
        "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin-1"),
    }
    return client_ip(SimpleNamespace(META=meta))
