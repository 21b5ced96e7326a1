"""Who may be in a room: the room's kind decides (:meth:`RoomKind.can_join`).

A missing room, a room of an unregistered kind and a room the user may not join all
raise the same :class:`NotFound`, so a room id tells nobody that the room exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kindred.accounts.models import User
from kindred.core.access import NotFound
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import Room


def access_room(user: User | AnonymousUser | None, room_id: int) -> Room:
    if user is None or not user.is_authenticated:
        raise NotFound("room")
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise NotFound("room")
    try:
        kind = get_kind(room.kind)
    except LookupError:
        raise NotFound("room") from None
    if not kind.can_join(user, room):
        raise NotFound("room")
    return room
