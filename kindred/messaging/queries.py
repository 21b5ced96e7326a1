"""Read-only questions about conversations, for pages outside this app (Today)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from kindred.messaging.models import Message


def unread_messages_count(user_ref: OuterRef) -> Coalesce:
    """A subquery: messages to the user at ``user_ref`` (either side of a conversation)
    that they have not read. For ``annotate`` on a query of users."""
    unread = (
        Message.objects.filter(
            Q(conversation__member_id=user_ref) | Q(conversation__therapist_id=user_ref),
            read_at__isnull=True,
        )
        .exclude(sender_id=user_ref)
        .order_by()
        .values("read_at")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)
