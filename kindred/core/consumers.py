"""The per-user event stream: notifications, safety alerts, queue updates."""

from __future__ import annotations

from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from kindred.core.events import role_group, user_group


class JsonConsumer(AsyncJsonWebsocketConsumer):
    """Our socket base: dispatch without channels' per-event trip to the database thread.

    channels runs ``close_old_connections`` in the process's single database thread
    before every handler, so each frame and each broadcast, for each socket, queued
    behind every post and join in that process: a room message to 20 people waited
    20 times. Our consumers reach the database only through
    ``database_sync_to_async``, which closes stale connections itself around each
    call, so here a broadcast goes straight to the socket.
    """

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


class EventsConsumer(JsonConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = [user_group(user.pk)]
        roles = await _roles(user)
        self.groups_joined += [role_group(r) for r in roles]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The stream is server-to-client; clients only ping.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def kindred_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])


async def _roles(user: Any) -> list[str]:
    from channels.db import database_sync_to_async

    @database_sync_to_async
    def load() -> list[str]:
        return sorted(user.role_names())

    return await load()
