"""The export's part about one-to-one peer support (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of
from kindred.peers.models import Connection, HiddenSuggestion, PeerProfile, Rating


def _profile(user: User) -> dict[str, Any] | None:
    profile = PeerProfile.objects.filter(user=user).prefetch_related("tags", "trainings").first()
    if profile is None:
        return None
    return {
        "story": profile.story,
        "story_themes": profile.story_themes,
        "tags": profile.tag_ids,
        "languages": profile.languages,
        "timezone": profile.timezone,
        "availability": profile.availability,
        "seeks": profile.seeks,
        "gender": profile.gender,
        "age_range": profile.age_range,
        "wants_genders": profile.wants_genders,
        "wants_age_ranges": profile.wants_age_ranges,
        "caseload_limit": profile.caseload_limit,
        "is_listed": profile.is_listed,
        "created_at": profile.created_at,
        "updated_at": profile.updated_at,
        "trainings": [
            {
                "name": t.name,
                "provider": t.provider,
                "completed_on": t.completed_on,
                "expires_on": t.expires_on,
            }
            for t in profile.trainings.all()
        ],
    }


def export_for(user: User) -> dict[str, Any]:
    connections = (
        Connection.objects.filter(Q(requester=user) | Q(recipient=user))
        .select_related("requester", "recipient", "supporter")
        .order_by("created_at", "pk")
    )
    return {
        "profile": _profile(user),
        "connections": [
            {
                "id": c.pk,
                "with": handle_of(c.recipient if c.requester_id == user.pk else c.requester),
                "you_asked": c.requester_id == user.pk,
                "you_support": c.supporter_id == user.pk,
                "note": c.note,
                "status": c.status,
                "created_at": c.created_at,
                "started_at": c.started_at,
                "ended_at": c.ended_at,
                "ended_by_you": c.ended_by_id == user.pk,
            }
            for c in connections
        ],
        "ratings_given": list(
            Rating.objects.filter(rater=user)
            .order_by("created_at", "pk")
            .values("connection_id", "stars", "comment", "created_at")
        ),
        "hidden_suggestions": [
            {"hidden": handle_of(h.hidden), "created_at": h.created_at}
            for h in HiddenSuggestion.objects.filter(user=user)
            .select_related("hidden")
            .order_by("created_at", "pk")
        ],
    }


EXPORT_SECTIONS.register(
    "peers",
    ExportSection(
        title=_("Peer support"),
        export_for=export_for,
        parts={
            "profile": _("Your peer profile"),
            "connections": _("Your connections"),
            "ratings_given": _("Ratings you gave"),
            "hidden_suggestions": _("People you asked not to be suggested"),
        },
        covers=(
            "peers.PeerProfile.user",
            "peers.Connection.requester",
            "peers.Connection.recipient",
            "peers.Connection.supporter",
            "peers.Connection.ended_by",
            "peers.Rating.rater",
            "peers.HiddenSuggestion.user",
        ),
        excluded={
            "peers.HiddenSuggestion.hidden": (
                "Someone else's choice not to be shown this person; they are never told."
            ),
        },
    ),
)
