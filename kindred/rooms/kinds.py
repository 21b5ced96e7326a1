"""What a room belongs to decides who may be in it: one :class:`RoomKind` per app.

Apps register their kind in ``AppConfig.ready()``::

    register_kind("groups.session", SessionRoomKind())

A kind may also set ``moderation_context_lines`` (an int, 0 when absent): how many
messages either side of a flagged one a moderator reads on the flag's content page
(:mod:`kindred.rooms.held`). A shared group room sets a few; a private chat none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User
    from kindred.rooms.models import Room, RoomMessage
    from kindred.safety.actions import ScreenOutcome


class RoomKind(Protocol):
    def can_join(self, user: User, room: Room) -> bool:
        """May read the history and receive live messages."""
        ...

    def write_refusal(self, user: User, room: Room) -> str | None:
        """None when ``user`` may post now, else the reason shown to them."""
        ...

    def screening_area(self, room: Room) -> str:
        """The safety area whose policy applies (e.g. "groups", "peers")."""
        ...

    def on_risk(self, message: RoomMessage, outcome: ScreenOutcome) -> None:
        """Called inside the posting transaction for a message screened moderate or above."""
        ...

    def label(self, room: Room) -> str: ...


# Keys fit ``Room.kind``. A kind may be registered again under its name: tests swap one in.
ROOM_KINDS = Registry[RoomKind]("room kinds", max_key_length=40)


def register_kind(name: str, kind: RoomKind) -> None:
    ROOM_KINDS.register(name, kind, replace=True)


def get_kind(name: str) -> RoomKind:
    """The registered kind; :class:`~kindred.core.registry.NotRegistered` (a
    ``LookupError``) for an unknown name."""
    return ROOM_KINDS.get(name)


def unregister_kind(name: str) -> None:
    """For tests that register a kind of their own."""
    ROOM_KINDS.unregister(name)
