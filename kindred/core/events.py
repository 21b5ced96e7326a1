"""Real-time events, sent only after the transaction that caused them commits.

A client must never be told about a row that a rollback then removes, so every
event goes through :func:`send_event_on_commit`.

Every event has a declared shape. Each app that sends events has an ``events``
module with one builder function per event type; the builder returns a
``TypedDict`` registered here with :func:`event_schema`, so :data:`EVENT_SCHEMAS`
maps every type that can be sent to its schema and tests check each sent event
against it (:func:`validate_event`).

App events are named ``<noun>.<past_verb>`` (``flag.raised``, ``post.created``).
The live room socket's own frames (``message``, ``hidden``, ``support``,
``support_dismissed``, ``closed``, ``removed``, ``typing``, ``presence`` and the
``event`` envelope that carries an app event into a room) keep their one-word wire
names: they are the room protocol, which ``rooms/room.js`` and the room consumer
speak, not app events; they are registered with ``frame=True``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from typing_extensions import TypedDict

from kindred.core.registry import Registry

logger = logging.getLogger(__name__)

EVENT_MESSAGE_TYPE = "kindred.event"
# Keeps loop-scheduled sends alive until they finish (the loop holds only weak references).
_pending: set[asyncio.Task[None]] = set()


_Schema = TypeVar("_Schema", bound=type)

# Event type -> its TypedDict. Filled by each app's ``events`` module, which
# CoreConfig.ready imports for every installed app.
EVENT_SCHEMAS = Registry[type]("event schemas")
# The room protocol's frames (see the module docstring), a subset of EVENT_SCHEMAS.
PROTOCOL_FRAMES: set[str] = set()
# Unknown keys are a mistake in a builder; strict: an id is an int, not "12".
_SCHEMA_CONFIG = {"extra": "forbid", "strict": True}


def event_schema(name: str, *, frame: bool = False) -> Callable[[_Schema], _Schema]:
    """Register the ``TypedDict`` of the event type ``name``."""

    def register(schema: _Schema) -> _Schema:
        if name in EVENT_SCHEMAS:
            raise ValueError(f"event type {name!r} is declared twice")
        event_part(schema)
        EVENT_SCHEMAS.register(name, schema)
        if frame:
            PROTOCOL_FRAMES.add(name)
        return schema

    return register


def event_part(schema: _Schema) -> _Schema:
    """Mark a ``TypedDict`` nested inside an event as strict as the event itself."""
    setattr(schema, "__pydantic_config__", _SCHEMA_CONFIG)  # noqa: B010
    return schema


class EventShapeError(ValueError):
    pass


def validate_event(event: Mapping[str, Any]) -> None:
    """Raise :class:`EventShapeError` unless ``event`` is a declared type in its declared shape.

    The ``event`` envelope of a room carries an app event, which is checked too.
    """
    from pydantic import TypeAdapter, ValidationError

    name = event.get("type")
    schema = EVENT_SCHEMAS.get(name, None) if isinstance(name, str) else None
    if schema is None:
        raise EventShapeError(f"undeclared event type {name!r}")
    try:
        TypeAdapter(schema).validate_python(dict(event))
    except ValidationError as error:
        raise EventShapeError(f"event {name!r} does not match its schema: {error}") from error
    inner = event.get("event")
    if name == "event" and isinstance(inner, Mapping):
        validate_event(inner)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def send_event_now(group: str, event: Mapping[str, Any]) -> None:
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


def _reporter(event: Mapping[str, Any]) -> Callable[[Any], None]:
    def report(future: Any) -> None:
        if not future.cancelled() and future.exception() is not None:
            _log_failure(event, future.exception())

    return report


def _log_failure(event: Mapping[str, Any], error: BaseException) -> None:
    # The data is committed; a lost push is recovered by the client's next page
    # load or a room's seq catch-up. Log the event type only, never its payload.
    logger.error("event delivery failed", exc_info=error, extra={"event_type": event.get("type")})


def send_event_on_commit(group: str, event: Mapping[str, Any]) -> None:
    """Send ``event`` (built by an app's ``events`` builder) to ``group`` after commit."""
    transaction.on_commit(lambda: send_event_now(group, event))


# --- Core's own events -------------------------------------------------------------


@event_schema("notification.created")
class NotificationCreated(TypedDict):
    """A new in-app notification, pushed to the recipient's open pages (``app.js``)."""

    type: Literal["notification.created"]
    kind: str
    title: str
    url: str


def notification_created(*, kind: str, title: str, url: str) -> NotificationCreated:
    return {"type": "notification.created", "kind": kind, "title": title, "url": url}
