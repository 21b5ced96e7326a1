"""How many room sockets one person, and one address, may hold open at once.

One user opened 3,000 sockets in a load test, after which other members' handshakes
timed out. The count lives in the shared cache, so it holds across ASGI processes, in
time buckets of ``SLOT_WINDOW_SECONDS``: a socket counts itself in the current bucket
when it opens and again at each ping (room.js pings every 25 s), and uncounts itself
when it closes. A bucket key expires on its own, so the sockets of a process that died
without closing them stop counting within two windows instead of leaking forever.

The number of other open sockets is taken as the larger of the current and previous
bucket: a live socket has counted itself in at least one of them. Cache errors fail
open: a Redis outage must not lock everyone out of their rooms.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable

from kindred.core.clientip import address_bucket
from kindred.core.sharedcache import shared_cache
from kindred.rooms import conf

logger = logging.getLogger(__name__)

SLOT_WINDOW_SECONDS = 60


def slot_keys(user_id: int, address: str) -> list[tuple[str, int]]:
    """The counters a socket of ``user_id`` from ``address`` counts in, with their caps."""
    keys = [(f"rooms:sockets:user:{user_id}", conf.get("ROOM_SOCKETS_PER_USER"))]
    if address:
        keys.append(
            (f"rooms:sockets:addr:{address_bucket(address)}", conf.get("ROOM_SOCKETS_PER_ADDRESS"))
        )
    return keys


class SocketSlot:
    """One socket's place in the counts. ``take`` once, ``refresh`` at pings, ``release`` at close."""

    def __init__(self, keys: Iterable[tuple[str, int]]) -> None:
        self.keys = list(keys)
        self.buckets: set[int] = set()

    def take(self) -> bool:
        """Count this socket; False (and nothing counted) when a cap is already reached."""
        bucket = _bucket()
        try:
            cache = shared_cache()
            counted: list[str] = []
            for key, cap in self.keys:
                now = _incr(f"{key}:{bucket}")
                counted.append(f"{key}:{bucket}")
                before = int(cache.get(f"{key}:{bucket - 1}") or 0)
                if max(now - 1, before) >= cap:
                    for name in counted:
                        cache.decr(name)
                    return False
        except Exception:
            logger.warning("room socket count unavailable; not enforcing the cap", exc_info=True)
            return True
        self.buckets.add(bucket)
        return True

    def refresh(self) -> None:
        """Count this socket in the current bucket, once per bucket."""
        bucket = _bucket()
        if bucket in self.buckets:
            return
        try:
            for key, _cap in self.keys:
                _incr(f"{key}:{bucket}")
        except Exception:
            logger.warning("room socket count unavailable", exc_info=True)
            return
        self.buckets = {b for b in self.buckets if b >= bucket - 1} | {bucket}

    def release(self) -> None:
        current = _bucket()
        live = [b for b in self.buckets if b >= current - 1]
        self.buckets = set()
        try:
            cache = shared_cache()
            for bucket in live:
                for key, _cap in self.keys:
                    # ValueError: expired meanwhile, nothing left to take back.
                    with contextlib.suppress(ValueError):
                        cache.decr(f"{key}:{bucket}")
        except Exception:
            logger.warning("room socket count unavailable", exc_info=True)


def _bucket() -> int:
    return int(time.time()) // SLOT_WINDOW_SECONDS


def _incr(name: str) -> int:
    cache = shared_cache()
    cache.add(name, 0, timeout=SLOT_WINDOW_SECONDS * 3)
    try:
        return int(cache.incr(name))
    except ValueError:  # Evicted between add and incr.
        cache.set(name, 1, timeout=SLOT_WINDOW_SECONDS * 3)
        return 1
