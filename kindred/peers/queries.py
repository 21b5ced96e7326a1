"""Read-only questions about peer connections: the connection lists of the peers pages
and ``/api/v1/peers/connections``, and what pages outside this app (Today) ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kindred.peers.access import STATUS_LABELS, status_for, visible_connections
from kindred.peers.models import Connection, ConnectionStatus, Rating

if TYPE_CHECKING:
    from kindred.accounts.models import User

# How many connections a list shows at the most.
CONNECTIONS_LISTED = 200


@dataclass(frozen=True, slots=True)
class ConnectionRow:
    """A connection as one of its two people sees it."""

    id: int
    other: str  # the other person's handle
    direction: Literal["sent", "received"]
    # What this person may know: a requester never learns of a decline (``status_for``).
    status: str
    status_label: str
    note: str
    supporter: str | None  # the supporting side's handle, if any
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    room_id: int | None  # the chat room, while the connection is active
    my_rating: int | None

    @property
    def incoming(self) -> bool:
        return self.direction == "received"


def connection_rows(user: User, connections: list[Connection]) -> list[ConnectionRow]:
    """Three queries however many: the connections need ``requester``, ``recipient``
    and ``supporter`` loaded (``visible_connections`` does)."""
    from kindred.peers.chat import ROOM_KIND
    from kindred.rooms.models import Room

    ids = [c.pk for c in connections]
    rooms = dict(
        Room.objects.filter(kind=ROOM_KIND, object_id__in=ids).values_list("object_id", "pk")
    )
    ratings = dict(
        Rating.objects.filter(connection_id__in=ids, rater=user).values_list(
            "connection_id", "stars"
        )
    )
    rows = []
    for c in connections:
        mine = c.requester_id == user.pk
        status = status_for(user, c)
        rows.append(
            ConnectionRow(
                id=c.pk,
                other=(c.recipient if mine else c.requester).handle,
                direction="sent" if mine else "received",
                status=status,
                status_label=str(STATUS_LABELS[status]),
                note=c.note,
                supporter=c.supporter.handle if c.supporter else None,
                created_at=c.created_at,
                started_at=c.started_at,
                ended_at=c.ended_at,
                room_id=rooms.get(c.pk) if c.status == ConnectionStatus.ACTIVE else None,
                my_rating=ratings.get(c.pk),
            )
        )
    return rows


def connections_of(user: User) -> list[ConnectionRow]:
    """The user's requests and connections, newest first (both directions)."""
    return connection_rows(user, list(visible_connections(user)[:CONNECTIONS_LISTED]))


def pending_requests_count(user_ref: OuterRef) -> Coalesce:
    """A subquery: connection requests waiting for the user at ``user_ref`` to answer."""
    pending = (
        Connection.objects.filter(recipient_id=user_ref, status=ConnectionStatus.PENDING)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(pending, output_field=IntegerField()), 0)


def has_conversation(connection: Connection) -> bool:
    """Both people have written in the connection's chat (one query).

    Asking "how is it going?" before anyone has talked invites a rating of nothing. The
    room's messages are kept only for its retention period, so a caller that already has a
    rating keeps showing it without asking this.
    """
    from kindred.peers.chat import ROOM_KIND
    from kindred.rooms.models import MessageKind, RoomMessage

    if connection.started_at is None:
        return False
    authors = (
        RoomMessage.objects.filter(
            room__kind=ROOM_KIND,
            room__object_id=connection.pk,
            kind=MessageKind.TEXT,
            author_id__in=(connection.requester_id, connection.recipient_id),
        )
        .values("author_id")
        .distinct()
    )
    return authors.count() == 2
