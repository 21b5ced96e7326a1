"""Read-only questions about peer connections, for pages outside this app (Today)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from kindred.peers.models import Connection, ConnectionStatus


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
