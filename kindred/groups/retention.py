"""Retention rules of support groups (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule
from kindred.groups.actions import purge_session_room_messages

RETENTION_RULES.register(
    "groups.room_messages",
    RetentionRule(
        data="Group-session room messages",
        action=Action.DELETE,
        setting="GROUPS_ROOM_RETENTION_DAYS",
        default_days=7,
        after="after the session ended",
        purge=purge_session_room_messages,
        why="Shorter than other rooms: nobody can open a group's room after the session, "
        "and what a moderator must see is copied into the flag when it is raised.",
    ),
)
