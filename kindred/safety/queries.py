"""Read-only questions about the moderators' queue, for pages outside this app (Today)."""

from __future__ import annotations

from django.db.models import Count, IntegerField, Subquery, Value
from django.db.models.functions import Coalesce

from kindred.safety.models import Flag, FlagStatus


def open_flags_count() -> Coalesce:
    """A subquery: flags still open or acknowledged in the moderators' queue.

    A number only; the queue itself (and what each flag says) stays behind
    :func:`kindred.safety.access.visible_flags` and the second factor.
    """
    waiting = (
        Flag.objects.filter(status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED])
        .order_by()
        # Grouped by a constant: one row, the count of them all.
        .annotate(everything=Value(1))
        .values("everything")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(waiting, output_field=IntegerField()), 0)
