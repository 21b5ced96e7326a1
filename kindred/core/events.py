"""Real-time events, sent only after the transaction that caused them commits.

A client must never be told about a row that a rollback then removes, so every
event goes through :func:`send_event_on_commit`.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "kindred.event"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def send_event_now(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": EVENT_MESSAGE_TYPE, "event": event})
    except Exception:
        # The data is committed; a lost push is recovered by the client's next
        # page load. Log the event type only, never its payload.
        logger.exception("event delivery failed", extra={"event_type": event.get("type")})


def send_event_on_commit(group: str, event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_event_now(group, event))
