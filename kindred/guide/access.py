"""Who may read a saved guide: its owner, and nobody else. The one place this lives.

Staff, moderators and therapists get the same :class:`NotFound` as for a missing id;
sharing a guide with a therapist would go through a care consent grant, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from kindred.audit.actions import record_read
from kindred.core.access import NotFound
from kindred.guide.models import SavedGuide

if TYPE_CHECKING:
    from kindred.accounts.models import User


def visible_saved_guides(user: User | AnonymousUser) -> QuerySet[SavedGuide]:
    if not user.is_authenticated:
        return SavedGuide.objects.none()
    return SavedGuide.objects.filter(owner_id=user.pk)


def access_saved_guide(
    user: User | AnonymousUser, guide_id: int, *, request: HttpRequest | None = None
) -> SavedGuide:
    """The owner's saved guide, its read audited; else NotFound (missing or not theirs)."""
    try:
        guide = visible_saved_guides(user).filter(pk=int(guide_id)).first()
    except (TypeError, ValueError):
        guide = None
    if guide is None:
        raise NotFound("saved guide")
    record_read(actor=user, target=guide, request=request, what="saved decision guide")
    return guide
