"""What deleting an account means for live rooms: the person's messages are removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.rooms.models import RoomConnection, RoomMessage, RoomSupport

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    # Group rooms and one-to-one peer chats alike; others' messages keep their seq.
    return {
        "room_messages": RoomMessage.objects.filter(author=user).delete()[0],
        "room_connections": RoomConnection.objects.filter(user=user).delete()[0],
        "room_supports": RoomSupport.objects.filter(user=user).delete()[0],
    }


ERASERS.register(
    "rooms",
    Eraser(
        erase=erase,
        models=("rooms.RoomMessage", "rooms.RoomConnection", "rooms.RoomSupport"),
    ),
)
