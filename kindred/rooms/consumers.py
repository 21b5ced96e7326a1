"""The room socket: ``ws/rooms/<room_id>/?after=<seq>`` or ``?recent=<n>``.

``after`` resumes: every visible message after that seq. ``recent`` (what room.js asks for
on page load) starts with only the latest ``n`` (at most 500); the page loads earlier ones
on demand from the HTTP history (``GET /api/v1/rooms/<id>/messages?before=<seq>``).

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

Load. A person, and an address, may hold only so many room sockets open at once
(:mod:`kindred.rooms.sockets`). A client sending frames faster than ``FRAMES_PER_WINDOW``
is told to slow down and its extra frames are dropped before they cost any database
work (messages also meet the room's rate limit). A socket whose reader cannot keep up
(one send blocked for ``SEND_TIMEOUT_SECONDS``: its messages are piling up behind it)
is closed with 4408 and the reason ``after=<last seq delivered>``, where it resumes.

Database threads. ``database_sync_to_async`` runs every call on one thread per process
(thread-sensitive), so one slow query held up every socket's posts and joins. Writes stay
there: they are short, and one thread keeps a process's writes to a room in the order
its sockets asked. Reads that only catch a socket up (history after a seq, the presence
list) run on a small pool of their own (``ROOM_DB_READ_THREADS``, default 4; a thread
holds a connection, from the process's pool, only while it reads) when the database is
PostgreSQL. Order is unaffected: a socket
awaits each read before its next send, and every seq below a committed one is committed
(see :mod:`kindred.rooms.actions`), whichever connection reads. On SQLite the reads stay
on the one thread (SQLite serialises writers anyway, and its shared-cache test database
does not like other threads).

Close codes: 4403 access denied (before accept) or removed; 4410 room closed; 4429 too
many open room sockets for this person or address (an ``error`` frame says so first);
4408 too slow to keep up (reason ``after=<seq>``: reconnect from there); 1009 a frame
too large (see :class:`kindred.core.consumers.JsonConsumer`). Nothing here logs what
people write.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.accounts.models import User
from kindred.core.access import NotFound
from kindred.core.clientip import scope_client_ip
from kindred.core.consumers import JsonConsumer
from kindred.core.events import EVENT_MESSAGE_TYPE
from kindred.rooms import actions, conf
from kindred.rooms.access import access_room
from kindred.rooms.events import MessageFrame, presence_frame, typing_frame
from kindred.rooms.models import Room
from kindred.rooms.sockets import SocketSlot, slot_keys
from kindred.safety.access import forget_blocks

DENIED = 4403
CLOSED = 4410
TOO_MANY_SOCKETS = 4429
TOO_SLOW = 4408
CATCH_UP_BATCH = 500
_SCREEN_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="risk-screen")
MAX_CLIENT_ID = 64
TYPING_EVERY_SECONDS = 2.0
TOUCH_EVERY_SECONDS = 20.0  # below room.js's 25 s ping, so every ping heals
# room.js sends a few frames a minute (pings, typing at most every 3 s, messages under
# the room's rate limit): a burst allowance far above that, refilled steadily.
FRAMES_PER_WINDOW = 30
FRAME_WINDOW_SECONDS = 10.0
SEND_TIMEOUT_SECONDS = 10.0
SLOW_DOWN_DETAIL = gettext_lazy("You are sending too quickly. Slow down and try again in a moment.")
TOO_MANY_SOCKETS_DETAIL = gettext_lazy(
    "You have too many rooms open at once. Close some of them, then reload this page."
)

_read_pool: ThreadPoolExecutor | None = None


def read_in_pool(func: Any) -> Any:
    """``func`` (read-only database work) as a coroutine function, run on the read pool
    where there is one (see the module docstring), else on the database thread."""
    global _read_pool
    threads = conf.get("ROOM_DB_READ_THREADS")
    if threads <= 0 or connection.vendor == "sqlite":
        return database_sync_to_async(func)
    if _read_pool is None:
        _read_pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="room-reads")
    return database_sync_to_async(func, thread_sensitive=False, executor=_read_pool)


class RoomConsumer(JsonConsumer):
    room: Room
    last_seq: int
    finished: bool
    groups_joined: list[str]
    hidden: set[str]

    slot: SocketSlot | None = None
    dropped = False

    async def connect(self) -> None:
        self.groups_joined = []
        self.finished = False
        self.hidden = set()
        self.tokens = float(FRAMES_PER_WINDOW)
        self.tokens_at = time.monotonic()
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
        slot = SocketSlot(slot_keys(user.pk, scope_client_ip(self.scope)))
        # The cache may be Redis: its round trip goes to a worker, not the database thread.
        if not await sync_to_async(slot.take, thread_sensitive=False)():
            # Accepted first: a refused handshake reaches the page without a reason.
            await self.accept()
            await self.send_json({"type": "error", "detail": str(TOO_MANY_SOCKETS_DETAIL)})
            await self.close(code=TOO_MANY_SOCKETS)
            return
        self.slot = slot
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.last_seq = _after(query)
        recent = None if "after" in query else _recent(query)
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
        batch, is_open, self.hidden, room_seq = await database_sync_to_async(_join)(
            self.room, self.last_seq, recent, user, self.channel_name
        )
        await self._send_batch(batch)
        if recent is not None:
            # Everything up to room_seq was committed when it was read; what of it is not
            # in the batch is older than the page asked for (or hidden from this person).
            self.last_seq = max(self.last_seq, room_seq)
        elif len(batch) >= CATCH_UP_BATCH:
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
        if self.slot is not None:
            await sync_to_async(self.slot.release, thread_sensitive=False)()
            self.slot = None
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.groups_joined:
            await database_sync_to_async(actions.do_leave_presence)(self.room.pk, self.channel_name)
            _schedule_presence(self.channel_layer, self.room.pk)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Checked before parsing: a flood costs neither JSON work nor database work.
        now = time.monotonic()
        refill = (now - self.tokens_at) * FRAMES_PER_WINDOW / FRAME_WINDOW_SECONDS
        self.tokens = min(float(FRAMES_PER_WINDOW), self.tokens + refill)
        self.tokens_at = now
        if self.tokens < 1:
            await self.send_json({"type": "error", "detail": str(SLOW_DOWN_DETAIL)})
            return
        self.tokens -= 1
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    async def send_json(self, content: Any, close: bool = False) -> None:
        """Send, or drop a reader that cannot keep up (see the module docstring)."""
        if self.dropped:
            return
        try:
            await asyncio.wait_for(super().send_json(content, close=close), SEND_TIMEOUT_SECONDS)
        except TimeoutError:
            self.dropped = self.finished = True
            # The reason carries the resume point; the client also knows its own.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.close(code=TOO_SLOW, reason=f"after={self.last_seq}"),
                    SEND_TIMEOUT_SECONDS,
                )

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "detail": _("Send a JSON object.")})
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
        if self.slot is not None:
            await sync_to_async(self.slot.refresh, thread_sensitive=False)()
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
            batch = await read_in_pool(_history_payloads)(self.room, self.last_seq, self.user)
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


def _after(query: dict[str, list[str]]) -> int:
    try:
        return max(0, int(query.get("after", ["0"])[0]))
    except ValueError:
        return 0


def _recent(query: dict[str, list[str]]) -> int | None:
    """``recent=N``: start with the room's latest N messages instead of its whole history."""
    try:
        return min(CATCH_UP_BATCH, max(1, int(query["recent"][0])))
    except (KeyError, ValueError):
        return None


def _join(
    room: Room, after: int, recent: int | None, user: User, channel_name: str
) -> tuple[list[MessageFrame], bool, set[str], int]:
    # The room's seq is read before the messages: every seq up to it is committed by then.
    room_seq, is_open = Room.objects.filter(pk=room.pk).values_list("last_seq", "is_open").get()
    if recent is None:
        batch = _history_payloads(room, after, user)
    else:
        batch = [
            actions.serialize_message(m)
            for m in actions.latest_history(room, limit=recent, viewer=user)
        ]
    actions.do_join_presence(room.pk, user, channel_name)
    return batch, bool(is_open), actions.hidden_handles(user), room_seq


def _refresh(room: Room, user: User, channel_name: str) -> tuple[int, set[str]]:
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
    handles = await read_in_pool(actions.presence_handles)(room_id)
    await layer.group_send(
        actions.room_group(room_id),
        {"type": EVENT_MESSAGE_TYPE, "event": presence_frame(handles)},
    )


def _history_payloads(room: Room, after: int, viewer: User) -> list[MessageFrame]:
    return [
        actions.serialize_message(m)
        for m in actions.history(room, after_seq=after, limit=CATCH_UP_BATCH, viewer=viewer)
    ]
