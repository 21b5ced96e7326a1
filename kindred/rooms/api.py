"""Live rooms over HTTP: read a room's history, post to it.

The same people as on the socket: :func:`kindred.rooms.access.access_room` decides
(missing and not-yours are one 404), and posting goes through
:func:`kindred.rooms.actions.do_post_message`, so the message is stored, screened
and broadcast to the sockets exactly as if it had been sent on one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kindred.api.auth import get_api_user
from kindred.api.schemas import InputSchema
from kindred.core.ratelimit import RateLimited
from kindred.rooms import actions
from kindred.rooms.access import access_room
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import Room

router = Router(tags=["rooms"])


class RoomOut(Schema):
    id: int
    kind: str
    label: str
    is_open: bool
    last_seq: int = Field(description="The seq of the newest message in the room.")


class RoomMessageOut(Schema):
    seq: int
    kind: str = Field(description="text or system")
    author: str | None = Field(description="The writer's public handle; null for system notices.")
    body: str
    created_at: datetime
    held: bool = Field(
        description="Held by the safety policy: only you see it until a moderator releases it."
    )
    hidden: bool = Field(description="Hidden by a moderator: only you (its writer) still see it.")


class RoomHistoryOut(Schema):
    room: RoomOut
    messages: list[RoomMessageOut]


class RoomHistoryQuery(InputSchema):
    after: int = Field(default=0, ge=0, description="Only messages after this seq.")
    before: int | None = Field(
        default=None,
        ge=1,
        le=2**62,
        description="Only the latest `limit` messages before this seq (still oldest first): "
        "for loading earlier messages.",
    )
    limit: int = Field(default=100, ge=1, le=500)


class MessageIn(InputSchema):
    body: str = Field(max_length=20_000, description="Plain text; the room's length limit applies.")
    client_id: str = Field(
        "",
        max_length=64,
        description="Your own id for this message: posting again with the same id returns "
        "the stored message instead of a copy (safe retries).",
    )


def describe_room(room: Room) -> dict[str, Any]:
    return {
        "id": room.pk,
        "kind": room.kind,
        "label": get_kind(room.kind).label(room),
        "is_open": room.is_open,
        "last_seq": room.last_seq,
    }


def describe_message(message: Any) -> dict[str, Any]:
    return {
        "seq": message.seq,
        "kind": message.kind,
        "author": message.author.handle if message.author is not None else None,
        "body": message.body,
        "created_at": message.created_at,
        "held": message.is_held,
        "hidden": message.is_hidden,
    }


@router.get(
    "/rooms/{room_id}/messages",
    response=RoomHistoryOut,
    summary="A room's messages after (or before) a seq, oldest first",
)
def list_room_messages(
    request: HttpRequest, room_id: int, query: Query[RoomHistoryQuery]
) -> dict[str, Any]:
    user = get_api_user(request)
    room = access_room(user, room_id)
    messages = actions.history(
        room, after_seq=query.after, before_seq=query.before, limit=query.limit, viewer=user
    )
    return {"room": describe_room(room), "messages": [describe_message(m) for m in messages]}


@router.post(
    "/rooms/{room_id}/messages",
    response={201: RoomMessageOut},
    summary="Post a message to a room",
)
def post_room_message(
    request: HttpRequest, room_id: int, payload: MessageIn
) -> Status[dict[str, Any]]:
    """422 with the reason when a rule refuses the message (empty, too long, closed room,
    muted…); 429 when sending too fast."""
    user = get_api_user(request)
    room = access_room(user, room_id)
    try:
        message = actions.do_post_message(room, user, payload.body, client_id=payload.client_id)
    except actions.RoomError as error:
        if error.retry_after is not None:
            # The API's one 429 (kindred.api.errors): Retry-After, code and retry_after.
            raise RateLimited("rooms.message", error.retry_after, message=error.detail) from None
        raise HttpError(422, error.detail) from None
    return Status(201, describe_message(message))
