"""Read-only questions about saved guides that read no clinical content (so no audit)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.db.models.expressions import BaseExpression

from kindred.guide.models import SavedGuide


def latest_saved_guide(user_ref: OuterRef, field: str) -> BaseExpression:
    """A subquery: ``field`` (``pk`` or ``created_at``) of the user's newest saved guide.

    Only the id and the date: the answers and outcome are encrypted and read through
    :func:`kindred.guide.access.access_saved_guide`, which audits the read.
    """
    return Subquery(
        SavedGuide.objects.filter(owner_id=user_ref)
        .order_by("-created_at", "-id")
        .values(field)[:1]
    )
