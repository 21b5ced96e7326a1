"""The 1:1 chat of a peer connection, on the rooms engine (kind ``peers.connection``).

Only the two people are in the room, and only while the connection is active;
after it ends neither can read it back through the room (the engine keeps the
messages only for its retention period). A risky message alerts moderators
through the engine's safety screen. The other person is a peer, not a
professional: when they are the supporting side they get a private notice with
guidance (never the message itself, which they have just read), and a member
supporting a member as an equal is not burdened with an alert.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.core.notifications import do_notify

if TYPE_CHECKING:
    from kindred.accounts.models import User
    from kindred.peers.models import Connection
    from kindred.rooms.models import Room, RoomMessage
    from kindred.safety.actions import ScreenOutcome

ROOM_KIND = "peers.connection"
ENDED_DETAIL = "This connection has ended, so the chat is closed."
OPENING_NOTICE = (
    "You are connected. This is a private chat between the two of you. Be kind, go at your "
    "own pace, and remember either of you can end the connection at any time. If you or the "
    "other person might be in danger, use 'Get help now' at the top of the page."
)
# The notification (short: it is a title) and the steps shown on the chat page.
SUPPORTER_ALERT = (
    "Your peer may be going through a very hard time. Moderators have been alerted; "
    "open the chat for what you can do."
)
SUPPORTER_STEPS = (
    _("Stay with them if you can, and ask kindly and directly whether they are safe."),
    _("Don't promise to keep it secret, and don't try to be their therapist."),
    _("Share the 'Get help now' page: it lists crisis lines for their country."),
    _("A moderator has been alerted and will reach out; you don't have to handle this alone."),
    _("If someone is in immediate danger, call the local emergency number."),
    _("Look after yourself too: you can end the connection or talk to a moderator at any time."),
)


def _connection(room: Room) -> Connection | None:
    from kindred.peers.models import Connection

    # Read fresh every time: a socket holds its Room for hours, and the connection
    # may have ended since.
    return Connection.objects.select_related("supporter").filter(pk=room.object_id).first()


class ConnectionRoomKind:
    def can_join(self, user: User, room: Room) -> bool:
        from kindred.peers.access import can_use_peers
        from kindred.peers.models import ConnectionStatus

        if not getattr(user, "is_authenticated", False) or not can_use_peers(user):
            return False
        connection = _connection(room)
        return bool(
            connection is not None
            and connection.status == ConnectionStatus.ACTIVE
            and connection.involves(user.pk)
        )

    def write_refusal(self, user: User, room: Room) -> str | None:
        from kindred.peers.models import ConnectionStatus

        connection = _connection(room)
        if connection is None or not connection.involves(getattr(user, "pk", None) or 0):
            return "You are not in this chat."
        if connection.status != ConnectionStatus.ACTIVE:
            return ENDED_DETAIL
        return None

    def screening_area(self, room: Room) -> str:
        return "peers"

    def on_risk(self, message: RoomMessage, outcome: ScreenOutcome) -> None:
        connection = _connection(message.room)
        if connection is None or message.author_id is None:
            return
        supporter = connection.supporter
        if supporter is None or supporter.pk == message.author_id:
            return
        do_notify(
            [supporter],
            kind="peers.peer_at_risk",
            title=SUPPORTER_ALERT,
            url=reverse("peers_connection", args=[connection.pk]),
        )

    def label(self, room: Room) -> str:
        return "peer chat"


def register() -> None:
    from kindred.rooms.kinds import register_kind

    register_kind(ROOM_KIND, ConnectionRoomKind())


def room_for(connection: Connection) -> Room:
    from kindred.rooms.actions import get_or_create_room

    return get_or_create_room(ROOM_KIND, connection.pk)


def open_chat(connection: Connection) -> Room:
    """Create the room for a newly active connection, with the opening notice.

    Caller is inside the transaction that activated the connection.
    """
    from kindred.rooms.actions import do_post_system

    room = room_for(connection)
    do_post_system(room, OPENING_NOTICE)
    return room


def close_chat(connection: Connection) -> None:
    """Close the room (disconnecting both sockets); caller is in the ending transaction."""
    from kindred.rooms.actions import do_close_room
    from kindred.rooms.models import Room

    room = Room.objects.filter(kind=ROOM_KIND, object_id=connection.pk).first()
    if room is not None:
        do_close_room(room)


def ws_url(room: Room) -> str:
    return f"/ws/rooms/{room.pk}/"
