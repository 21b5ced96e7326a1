"""Real-time events, sent only after the transaction that caused them commits.

A client must never be told about a row that a rollback then removes, so every
event goes through :func:`send_event_on_commit`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "kindred.event"
# Keeps loop-scheduled sends alive until they finish (the loop holds only weak references).
_pending: set[asyncio.Task[None]] = set()


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def send_event_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": EVENT_MESSAGE_TYPE, "event": event}
    try:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            # Called synchronously from a thread that runs an event loop: async_to_sync
            # would refuse, so hand the send to that loop instead.
            task = loop.create_task(layer.group_send(group, message))
            _pending.add(task)
            task.add_done_callback(_pending.discard)
            task.add_done_callback(_reporter(event))
        elif (outer := _awaiting_loop()) is not None:
            # Inside sync_to_async (a consumer's or an ASGI view's database thread):
            # hand the send to the loop that awaits us and go on. Waiting for it, as
            # async_to_sync does, kept the process's one database thread idle
            # until the busy loop got round to the publish. Sends scheduled this way
            # start in call order, and the layers publish in that order.
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, message), outer)
            future.add_done_callback(_reporter(event))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception as error:
        _log_failure(event, error)


def _awaiting_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the coroutine that called into this thread, if it still runs."""
    local = SyncToAsync.threadlocal
    if getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(local, "main_event_loop", None)
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def _reporter(event: dict[str, Any]) -> Callable[[Any], None]:
    def report(future: Any) -> None:
        if not future.cancelled() and future.exception() is not None:
            _log_failure(event, future.exception())

    return report


def _log_failure(event: dict[str, Any], error: BaseException) -> None:
    # The data is committed; a lost push is recovered by the client's next page
    # load or a room's seq catch-up. Log the event type only, never its payload.
    logger.error("event delivery failed", exc_info=error, extra={"event_type": event.get("type")})


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_event_now(group, event))
