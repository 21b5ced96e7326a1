"""Health checks for /healthz: database, cache, channel layer, task runner, mail.

The task runner is judged by its heartbeat: a periodic task (``kindred.core.tasks.
heartbeat``) writes a row every minute, and each worker writes it when it starts. When
tasks run in workers (production, or in-process under ``kindred serve``), a heartbeat
older than ``HEARTBEAT_STALE_SECONDS`` makes /healthz answer 503 with the reason: every
worker is dead or stuck, and escalations run late. The age of the oldest pending task
(``oldest_pending_task_age_s``, read from the queue by :mod:`kindred.core.taskqueue`)
beyond ``TASK_QUEUE_AGE_LIMIT`` makes it 503 too: workers beat but cannot keep up, or
are stuck on something slower than their heartbeat. ``queue_wait_s`` is the heartbeat's
own wait (how long after its minute it ran).

Mail never makes /healthz fail (it is retried); its last failure is shown with the
mail's kind and the error's class, never an address or content.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kindred.core.mail import MAIL_FAILURE
from kindred.core.sharedcache import shared_cache
from kindred.core.taskqueue import oldest_pending_age

logger = logging.getLogger("kindred.health")

HEARTBEAT = "tasks.heartbeat"
HEARTBEAT_STALE_SECONDS = 120


class Unhealthy(Exception):
    """A check's failure with a reason fit to show (no secrets, no content)."""

    def __init__(self, reason: str, **detail: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def record_heartbeat(*, scheduled: bool = True) -> None:
    """Called by the worker: each minute (``scheduled``) and at start-up; never raises."""
    from kindred.core.models import ServiceMark

    now = timezone.now()
    try:
        with transaction.atomic():
            ServiceMark.objects.update_or_create(
                name=HEARTBEAT,
                # Scheduled on the minute: the seconds past it are how long it queued.
                defaults={"at": now, "detail": {"queue_wait_s": now.second if scheduled else 0}},
            )
    except Exception:
        logger.exception("Could not record the task heartbeat")


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


def _marks() -> dict[str, Any]:
    from kindred.core.models import ServiceMark

    return {m.name: m for m in ServiceMark.objects.filter(name__in=[HEARTBEAT, MAIL_FAILURE])}


def _age(at: Any) -> float:
    return round((timezone.now() - at).total_seconds(), 1)


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
    age = oldest_pending_age(HUEY)
    info["oldest_pending_task_age_s"] = None if age is None else round(age, 1)
    beat = _marks().get(HEARTBEAT)
    if beat is not None:
        info["heartbeat_age_s"] = _age(beat.at)
        info["queue_wait_s"] = beat.detail.get("queue_wait_s")
    if HUEY.immediate:  # Tasks run inside the caller: there is no worker to miss.
        return info
    if beat is None:
        raise Unhealthy("no task worker has ever reported in", **info)
    if info["heartbeat_age_s"] > HEARTBEAT_STALE_SECONDS:
        raise Unhealthy(
            f"no task worker has run for over {HEARTBEAT_STALE_SECONDS} seconds", **info
        )
    limit = settings.TASK_QUEUE_AGE_LIMIT
    if age is not None and age > limit:
        raise Unhealthy(f"a pending task has waited over {limit} seconds", **info)
    return info


def _check_mail() -> dict[str, Any]:
    failure = _marks().get(MAIL_FAILURE)
    info: dict[str, Any] = {"timeout_s": settings.EMAIL_TIMEOUT, "last_failure": None}
    if failure is not None:
        info["last_failure"] = {
            "at": failure.at.isoformat(),
            "age_s": _age(failure.at),
            "kind": failure.detail.get("kind", ""),
            "error": failure.detail.get("error", ""),
        }
    return info


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _check_database,
    "cache": _check_cache,
    "channel_layer": _check_channel_layer,
    "tasks": _check_tasks,
    "mail": _check_mail,
}


def run_checks() -> tuple[bool, dict[str, Any]]:
    results: dict[str, Any] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, **detail}
        except Unhealthy as exc:
            healthy = False
            results[name] = {**exc.detail, "ok": False, "error": exc.reason}
        except Exception as exc:
            healthy = False
            results[name] = {"ok": False, "error": type(exc).__name__}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results
