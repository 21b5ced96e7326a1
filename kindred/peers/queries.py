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
