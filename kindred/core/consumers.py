"""The per-user event stream: notifications, safety alerts, queue updates."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from kindred.core.events import role_group, user_group

if TYPE_CHECKING:
    from kindred.accounts.models import User

# Room messages are at most a few thousand characters; a frame many times that is not
# ours to parse. Checked before json.loads, so a huge frame costs no parsing at all.
MAX_FRAME_CHARS = 64 * 1024
# RFC 6455 "message too big": a clean close the browser reports with this code.
FRAME_TOO_BIG = 1009
# A JSON object nested deeper than this is refused; Python's parser would otherwise
# give up with RecursionError somewhere near a thousand levels.
MAX_JSON_DEPTH = 32


class BadFrame(ValueError):
    """A frame that is not one JSON document of the shape and size we accept."""


class JsonConsumer(AsyncJsonWebsocketConsumer):
    """Our socket base: dispatch without channels' per-event trip to the database thread,
    and a frame checker in front of every handler.

    Frames a client sends are checked before they reach ``receive_json``: text frames only,
    at most ``MAX_FRAME_CHARS``, JSON no deeper than ``MAX_JSON_DEPTH``. A bad frame is
    answered with ``{"type": "error", "detail": ...}`` and the socket stays open; an
    oversize one closes the socket with 1009. Never an exception out of the handler.

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

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_json({"type": "error", "detail": _("Send text frames only.")})
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self.close(code=FRAME_TOO_BIG)
            return
        try:
            content = await self.decode_json(text_data)
        except BadFrame as error:
            await self.send_json({"type": "error", "detail": str(error)})
            return
        await self.receive_json(content)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return parse_frame(text_data)


def parse_frame(text_data: str) -> Any:
    """The JSON document in ``text_data``, or :class:`BadFrame`.

    Depth is measured before parsing, on brackets outside strings, so a frame of a
    hundred thousand ``[`` never reaches the recursive parser.
    """
    if _depth(text_data) > MAX_JSON_DEPTH:
        raise BadFrame(_("This message is nested too deeply."))
    try:
        return json.loads(text_data)
    except (ValueError, RecursionError):
        raise BadFrame(_("This message is not valid JSON.")) from None


_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _depth(text: str) -> int:
    """The deepest bracket nesting in ``text``, skipping string literals (whose contents
    may hold brackets). Unbalanced input is left for the parser to reject."""
    depth = deepest = 0
    for part in _STRUCTURE.findall(text):
        if part in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif part in ("]", "}"):
            depth -= 1
    return deepest


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


async def _roles(user: User) -> list[str]:
    from channels.db import database_sync_to_async

    @database_sync_to_async
    def load() -> list[str]:
        return sorted(user.role_names())

    return await load()
