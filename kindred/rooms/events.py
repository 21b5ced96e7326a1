"""The live room socket's frames, sent through the event layer.

These are the room protocol (``rooms/room.js`` and :mod:`kindred.rooms.consumers`
speak it), so they keep their one-word wire names rather than the
``<noun>.<past_verb>`` names of app events (see :mod:`kindred.core.events`). App
events for a room (a group session's raised hands, say) travel inside the
``event`` envelope (:func:`room_event`). The consumer's direct answers to one
socket (``ack``, ``error``, ``pong``) never pass through the event layer and are
not declared here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from kindred.core.events import event_part, event_schema
from kindred.rooms.models import RoomMessage


@event_schema("message", frame=True)
class MessageFrame(TypedDict):
    """A message, new or changed; ``replaces`` is its old seq when it moved (released, unhidden)."""

    type: Literal["message"]
    seq: int
    kind: str
    author: str | None
    body: str
    created_at: str
    held: NotRequired[bool]
    hidden: NotRequired[bool]
    replaces: NotRequired[int]


def message_frame(message: RoomMessage, *, replaces: int | None = None) -> MessageFrame:
    """The wire form of a message (the ``author`` relation should be loaded)."""
    data: MessageFrame = {
        "type": "message",
        "seq": message.seq,
        "kind": message.kind,
        "author": message.author.handle if message.author is not None else None,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }
    if message.is_held:
        data["held"] = True
    if message.is_hidden:
        data["hidden"] = True
    if replaces is not None:
        data["replaces"] = replaces
    return data


@event_schema("hidden", frame=True)
class HiddenFrame(TypedDict):
    """A moderator hid the message at ``seq``: every socket but its writer's takes it down."""

    type: Literal["hidden"]
    seq: int
    author: str | None


def hidden_frame(*, seq: int, author: str | None) -> HiddenFrame:
    return {"type": "hidden", "seq": seq, "author": author}


@event_part
class CrisisLineInfo(TypedDict):
    name: str
    phone: str
    phone_uri: str
    text: str
    sms_uri: str
    chat_url: str
    website: str
    hours: str


@event_part
class EmergencyNumberInfo(TypedDict):
    label: str
    uri: str


@event_part
class CrisisCountryInfo(TypedDict):
    name: str
    emergency_number: str
    emergency: list[EmergencyNumberInfo]
    lines: list[CrisisLineInfo]


@event_schema("support", frame=True)
class SupportFrame(TypedDict):
    """Crisis resources shown to a writer whose message screened as risky."""

    type: Literal["support"]
    level: str
    country: CrisisCountryInfo | None
    anywhere: CrisisCountryInfo | None
    help_url: str


def support_frame(
    *,
    level: str,
    country: CrisisCountryInfo | None,
    anywhere: CrisisCountryInfo | None,
    help_url: str,
) -> SupportFrame:
    return {
        "type": "support",
        "level": level,
        "country": country,
        "anywhere": anywhere,
        "help_url": help_url,
    }


@event_schema("support_dismissed", frame=True)
class SupportDismissedFrame(TypedDict):
    """The writer hid their support panel: their other pages of the room hide it too."""

    type: Literal["support_dismissed"]


def support_dismissed_frame() -> SupportDismissedFrame:
    return {"type": "support_dismissed"}


@event_schema("closed", frame=True)
class ClosedFrame(TypedDict):
    type: Literal["closed"]


def closed_frame() -> ClosedFrame:
    return {"type": "closed"}


@event_schema("removed", frame=True)
class RemovedFrame(TypedDict):
    """Close this person's sockets in the room."""

    type: Literal["removed"]
    reason: str


def removed_frame(reason: str) -> RemovedFrame:
    return {"type": "removed", "reason": reason}


@event_schema("typing", frame=True)
class TypingFrame(TypedDict):
    type: Literal["typing"]
    handle: str


def typing_frame(handle: str) -> TypingFrame:
    return {"type": "typing", "handle": handle}


@event_schema("presence", frame=True)
class PresenceFrame(TypedDict):
    type: Literal["presence"]
    handles: list[str]


def presence_frame(handles: list[str]) -> PresenceFrame:
    return {"type": "presence", "handles": handles}


@event_schema("event", frame=True)
class EventEnvelope(TypedDict):
    """An app event (declared in its own app) for the room's page scripts (``room:event``)."""

    type: Literal["event"]
    event: dict[str, Any]


def room_event(event: Mapping[str, Any]) -> EventEnvelope:
    return {"type": "event", "event": dict(event)}
