"""Retention rules of the live rooms (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule
from kindred.rooms.actions import purge_closed_room_messages

RETENTION_RULES.register(
    "rooms.messages",
    RetentionRule(
        data="Live-room messages (peer chats, rooms of every kind), and the support "
        "offered in them",
        action=Action.DELETE,
        setting="ROOM_RETENTION_DAYS",
        default_days=30,
        after="after the room closed",
        purge=purge_closed_room_messages,
        why="A room is a conversation, not a record: once it is closed nobody reads it, "
        "and a month leaves time to report something said there. Moderators keep what "
        "they need in the flag.",
    ),
)
RETENTION_RULES.register(
    "rooms.presence",
    RetentionRule(
        data="Who is connected to a room (one row per open socket)",
        action=Action.DELETE,
        enforced_by="the rooms presence task, every 5 minutes "
        "(`ROOM_PRESENCE_STALE_SECONDS`, default 90 seconds)",
        why="Only needed while the socket is open.",
    ),
)
