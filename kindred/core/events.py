"""Real-time events, sent only after the transaction that caused them commits.

A client must never be told about a row that a rollback then removes, so every
event goes through :func:`send_event_on_commit`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
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
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The data is committed; a lost push is recovered by the client's next
        # page load. Log the event type only, never its payload.
        logger.exception("event delivery failed", extra={"event_type": event.get("type")})


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_event_now(group, event))
