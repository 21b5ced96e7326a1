"""Read-only questions about saved guides that read no clinical content (so no audit):
the saved-guides list of the page and the API, and what pages outside this app ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.db.models.expressions import BaseExpression

from kindred.guide.access import visible_saved_guides
from kindred.guide.models import SavedGuide

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True, slots=True)
class SavedGuideRow:
    """A saved guide as a list shows it: no answers, scores or outcome."""

    id: int
    created_at: datetime
    content_version: str


def saved_guides_of(user: User, *, limit: int) -> list[SavedGuideRow]:
    """The user's saved guides, newest first. Reads only the id, the date and the
    content version, so listing decrypts nothing and needs no audit; reading one guide
    goes through :func:`kindred.guide.access.access_saved_guide`, which audits it."""
    rows = (
        visible_saved_guides(user)
        .order_by("-created_at", "-id")
        .values_list("pk", "created_at", "content_version")[:limit]
    )
    return [
        SavedGuideRow(id=pk, created_at=created_at, content_version=version)
        for pk, created_at, version in rows
    ]


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
