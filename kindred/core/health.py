"""Health checks for /healthz: database, cache, channel layer, task runner."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

from kindred.core.sharedcache import shared_cache


def _check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _check_cache() -> dict[str, Any]:
    key = f"healthz:{uuid.uuid4().hex}"
    cache = shared_cache()
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("value written to the cache could not be read back")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def roundtrip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "healthz.ping":
            raise RuntimeError("channel layer returned a different message")

    async_to_sync(roundtrip)()
    return {"backend": type(layer).__name__}


def _check_tasks() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    info: dict[str, Any] = {
        "backend": type(HUEY).__name__,
        "mode": "immediate"
        if HUEY.immediate
        else ("in-process" if settings.TASKS_INPROCESS else "workers"),
    }
    info["pending"] = HUEY.pending_count()
    info["scheduled"] = HUEY.scheduled_count()
    return info


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "tasks": _check_tasks,
}


def run_checks() -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Exception as exc:
            healthy = False
            results[name] = {"ok": False, "error": type(exc).__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results
