"""The room socket: ``ws/rooms/<room_id>/?after=<seq>``.

Each socket delivers a room's messages strictly in seq order, each once:

* On connect it joins the room's channel groups *before* reading the history after
  ``after``, so a message committed meanwhile is either in that history or arrives
  live; live copies at or below the last seq delivered are dropped.
* Broadcasts from several processes can arrive out of order, and a message held for
  its writer leaves a gap for everyone else. When a live message is not the next
  seq, the socket first reads what lies between from the database (commit order
  equals seq order, so everything below a committed seq is committed too).

* A client ping (every 25 s from room.js) re-joins the groups (a restarted Redis
  forgets them; channels_redis expires them after a day) and compares the room's
  ``last_seq`` with the socket's, so even a lost broadcast is delivered within a ping.

People blocked either way are hidden per socket: their messages (history and live),
typing and presence never reach the other. A live message hidden this way still
advances the socket's seq, so it causes no catch-up. The set is read at connect and
again on each heal (a block made while connected takes effect within a ping).

Presence is a table of open sockets (:class:`kindred.rooms.models.RoomConnection`)
rather than per-process memory: every ASGI process sees the same rows, it needs no
Redis on the embedded default, and it survives a Redis restart. Rows of a process
that died go stale (no pings) and are ignored, then swept by a periodic task. The
list is broadcast at most twice a second per room and process, so a crowd arriving
at once costs one broadcast, not one per arrival.

Close codes: 4403 access denied (before accept) or removed; 4410 room closed. Nothing
here logs what people write.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from kindred.core.access import NotFound
from kindred.core.consumers import JsonConsumer
from kindred.core.events import EVENT_MESSAGE_TYPE
from kindred.rooms import actions
from kindred.rooms.access import access_room
from kindred.rooms.events import MessageFrame, presence_frame, typing_frame
from kindred.rooms.models import Room
from kindred.safety.access import forget_blocks

DENIED = 4403
CLOSED = 4410
CATCH_UP_BATCH = 500
_SCREEN_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="risk-screen")
MAX_CLIENT_ID = 64
TYPING_EVERY_SECONDS = 2.0
TOUCH_EVERY_SECONDS = 20.0  # below room.js's 25 s ping, so every ping heals


class RoomConsumer(JsonConsumer):
    room: Room
    last_seq: int
    finished: bool
    groups_joined: list[str]
    hidden: set[str]

    async def connect(self) -> None:
        self.groups_joined = []
        self.finished = False
        self.hidden = set()
        # This socket's own last messages, for the screen (see actions.prescreen_message).
        self.own_recent: deque[tuple[float, str]] = deque(maxlen=actions.SCREEN_CONTEXT_MESSAGES)
        user = self.scope.get("user")
        room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        try:
            self.room = await database_sync_to_async(access_room)(user, room_id)
        except NotFound:
            await self.close(code=DENIED)
            return
        self.user = user
        self.handle = user.handle
        self.last_seq = _after(self.scope.get("query_string", b""))
        self.last_typing = 0.0
        self.last_touch = time.monotonic()
        # Join before reading the history: see the module docstring.
        self.groups_joined = [
            actions.room_group(room_id),
            actions.room_user_group(room_id, user.pk),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        # One trip to the database thread: the backlog, presence row, open or closed.
        batch, is_open, self.hidden = await database_sync_to_async(_join)(
            self.room, self.last_seq, user, self.channel_name
        )
        await self._send_batch(batch)
        if len(batch) >= CATCH_UP_BATCH:
            await self._catch_up()
        _schedule_presence(self.channel_layer, room_id)
        if not is_open:
            await self._send_closed()

    async def _send_closed(self) -> None:
        self.finished = True
        # Messages that committed before the close may still be queued behind this
        # handler: read them from the database so none is lost.
        await self._catch_up()
        await self.send_json({"type": "closed"})
        await self.close(code=CLOSED)

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.groups_joined:
            await database_sync_to_async(actions.do_leave_presence)(self.room.pk, self.channel_name)
            _schedule_presence(self.channel_layer, self.room.pk)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "message":
            await self._post(content)
        elif kind == "typing":
            now = time.monotonic()
            if now - self.last_typing >= TYPING_EVERY_SECONDS:
                self.last_typing = now
                await self._send_to_room(typing_frame(self.handle))
        elif kind == "ping":
            await self.send_json({"type": "pong"})
            now = time.monotonic()
            if now - self.last_touch >= TOUCH_EVERY_SECONDS:
                self.last_touch = now
                await self._heal()

    async def _heal(self) -> None:
        """Keep presence fresh and recover from a channel layer that lost state.

        A restarted Redis forgets group memberships, and channels_redis expires
        them after a day: re-joining is idempotent and cheap. A broadcast lost on
        the way is recovered from the database by comparing seqs.
        """
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        last_seq, self.hidden = await database_sync_to_async(_refresh)(
            self.room, self.user, self.channel_name
        )
        if last_seq > self.last_seq:
            await self._catch_up()

    async def _post(self, content: dict[str, Any]) -> None:
        client_id = content.get("client_id")
        client_id = str(client_id)[:MAX_CLIENT_ID] if client_id is not None else ""
        # The risk screen runs on its own thread, not on the database thread that all of this
        # process's sockets share, and one message at a time: screening is CPU work, and more
        # threads would only fight over the cores (and the GIL) under load.
        now = time.monotonic()
        window = actions.SCREEN_CONTEXT_WINDOW.total_seconds()
        earlier = [text for at, text in self.own_recent if now - at <= window]
        prescreened = await asyncio.get_running_loop().run_in_executor(
            _SCREEN_THREAD, actions.prescreen_message, self.room, content.get("body"), earlier
        )
        try:
            message = await database_sync_to_async(actions.do_post_message)(
                self.room,
                self.user,
                content.get("body"),
                client_id=client_id,
                prescreened=prescreened,
                earlier=earlier,
            )
        except actions.RoomError as error:
            await self.send_json({"type": "error", "client_id": client_id, "detail": error.detail})
            return
        if prescreened is not None:
            self.own_recent.append((now, prescreened[0]))
        await self.send_json({"type": "ack", "client_id": client_id, "seq": message.seq})

    async def _send_to_room(self, event: Mapping[str, Any]) -> None:
        await self.channel_layer.group_send(
            actions.room_group(self.room.pk), {"type": EVENT_MESSAGE_TYPE, "event": event}
        )

    async def _catch_up(self) -> None:
        """Send every visible message after ``last_seq`` that is committed now."""
        while True:
            batch = await database_sync_to_async(_history_payloads)(
                self.room, self.last_seq, self.user
            )
            await self._send_batch(batch)
            if len(batch) < CATCH_UP_BATCH:
                return

    async def _send_batch(self, batch: Sequence[Mapping[str, Any]]) -> None:
        for payload in batch:
            await self.send_json(payload)
            self.last_seq = payload["seq"]

    async def kindred_event(self, message: dict[str, Any]) -> None:
        if self.finished:
            return  # Closed: events still queued for this socket go nowhere.
        event = message["event"]
        kind = event.get("type")
        if kind == "message":
            await self._deliver(event)
        elif kind == "typing":
            if event.get("handle") != self.handle and event.get("handle") not in self.hidden:
                await self.send_json(event)
        elif kind == "presence":
            handles = [h for h in event.get("handles", []) if h not in self.hidden]
            await self.send_json({**event, "handles": handles})
        elif kind == "closed":
            await self._send_closed()
        elif kind == "removed":
            self.finished = True
            await self.send_json({"type": "removed", "reason": event.get("reason", "")})
            await self.close(code=DENIED)
            # Leave the presence list now, not when the server reports the disconnect.
            await database_sync_to_async(actions.do_leave_presence)(self.room.pk, self.channel_name)
            _schedule_presence(self.channel_layer, self.room.pk)
        else:
            await self.send_json(event)

    async def _deliver(self, event: dict[str, Any]) -> None:
        seq = event["seq"]
        if seq <= self.last_seq:
            return  # Already delivered (history or an earlier catch-up).
        if seq != self.last_seq + 1:
            await self._catch_up()
            if seq <= self.last_seq:
                return
        if event.get("author") not in self.hidden:
            await self.send_json(event)
        self.last_seq = seq


def _after(query_string: bytes) -> int:
    values = parse_qs(query_string.decode("latin-1")).get("after", ["0"])
    try:
        return max(0, int(values[0]))
    except ValueError:
        return 0


def _join(
    room: Room, after: int, user: Any, channel_name: str
) -> tuple[list[MessageFrame], bool, set[str]]:
    batch = _history_payloads(room, after, user)
    actions.do_join_presence(room.pk, user, channel_name)
    is_open = Room.objects.filter(pk=room.pk).values_list("is_open", flat=True).first()
    return batch, bool(is_open), actions.hidden_handles(user)


def _refresh(room: Room, user: Any, channel_name: str) -> tuple[int, set[str]]:
    # The user object lives as long as the socket: drop its cached blocks first.
    forget_blocks(user)
    last_seq = actions.do_touch_presence(room.pk, channel_name)
    return last_seq, actions.hidden_handles(user)


# Presence goes out at most once per PRESENCE_EVERY_SECONDS per room and process: a
# burst of joins (everyone arriving for a session) is one broadcast, not one per join.
PRESENCE_EVERY_SECONDS = 0.5
_presence_due: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[int]] = (
    weakref.WeakKeyDictionary()
)
_presence_tasks: set[asyncio.Task[None]] = set()


def _schedule_presence(layer: Any, room_id: int) -> None:
    loop = asyncio.get_running_loop()
    due = _presence_due.setdefault(loop, set())
    if room_id in due:
        return
    due.add(room_id)
    task = loop.create_task(_send_presence(layer, room_id, due))
    _presence_tasks.add(task)
    task.add_done_callback(_presence_tasks.discard)


async def _send_presence(layer: Any, room_id: int, due: set[int]) -> None:
    try:
        await asyncio.sleep(PRESENCE_EVERY_SECONDS)
    finally:
        due.discard(room_id)
    handles = await database_sync_to_async(actions.presence_handles)(room_id)
    await layer.group_send(
        actions.room_group(room_id),
        {"type": EVENT_MESSAGE_TYPE, "event": presence_frame(handles)},
    )


def _history_payloads(room: Room, after: int, viewer: Any) -> list[MessageFrame]:
    return [
        actions.serialize_message(m)
        for m in actions.history(room, after_seq=after, limit=CATCH_UP_BATCH, viewer=viewer)
    ]
