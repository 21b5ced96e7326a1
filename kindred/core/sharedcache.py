"""One cache client per process, whichever thread or asyncio task asks for it.

``django.core.cache.caches`` keeps a client per asyncio context. Under ASGI every
WebSocket and every request runs in its own context, so each built its own Redis
connection pool and opened a fresh connection on first use: one connection per open
socket, and a TCP connect inside the posting of a room message. The Redis client
and the local-memory cache are both safe to share between threads, so the hot paths
use this one instead.
"""

from __future__ import annotations

import threading
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver

_clients: dict[str, BaseCache] = {}
_lock = threading.Lock()


def shared_cache(alias: str = "default") -> BaseCache:
    client = _clients.get(alias)
    if client is None:
        with _lock:
            client = _clients.get(alias)
            if client is None:
                client = _clients[alias] = caches.create_connection(alias)
    return client


@receiver(setting_changed)
def _forget_on_settings_change(*, setting: str, **kwargs: Any) -> None:
    # Tests swap CACHES (e.g. to a real Redis); the next call builds the new one.
    if setting == "CACHES":
        with _lock:
            _clients.clear()
