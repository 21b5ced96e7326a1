"""The guide's own next-step sources: listed therapists and community spaces.

Registered from :class:`kindred.guide.apps.GuideConfig.ready` under the kinds
``"therapist"`` and ``"space"``; groups and peers register theirs from their own apps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from kindred.community.access import visible_spaces
from kindred.guide.nextsteps import GuideNeeds, NextStep
from kindred.guide.questions import TOPICS
from kindred.guide.questions import label as choice_label
from kindred.therapy.directory import explain, fee_phrase, filtered_profiles

if TYPE_CHECKING:
    from kindred.accounts.models import User

LIMIT = 3

# The guide's formats that a therapist's session formats can satisfy.
_THERAPY_FORMATS = {"video": "video", "in_person": "in_person"}


def therapist_filters(needs: GuideNeeds) -> dict[str, Any]:
    """Directory filters from the person's answers: fee, language, modality (and, when
    they said so, video or in-person sessions)."""
    filters: dict[str, Any] = {"language": list(needs.languages)}
    if needs.modalities:
        filters["modality"] = sorted(needs.modalities)
    if needs.max_fee is not None:
        filters["fee_max"] = needs.max_fee
    formats = sorted(_THERAPY_FORMATS[f] for f in needs.formats if f in _THERAPY_FORMATS)
    if formats:
        filters["format"] = formats
    if needs.age_band == "teen":
        filters["population"] = ["teens"]
    return filters


def directory_url(filters: dict[str, Any]) -> str:
    """The directory page with the same filters, so "see more" shows the full list."""
    from urllib.parse import urlencode

    params: list[tuple[str, str]] = []
    for key, value in filters.items():
        if isinstance(value, list):
            params.extend((key, str(v)) for v in value)
        else:
            params.append((key, str(value)))
    return f"{reverse('therapy_directory')}?{urlencode(params)}"


def therapist_steps(needs: GuideNeeds, user: User | None) -> list[NextStep]:
    """Verified, listed therapists matching the fee, language and modality asked for."""
    filters = therapist_filters(needs)
    profiles = (
        filtered_profiles(filters)
        .select_related("user")
        .prefetch_related("facets")
        .order_by("lowest_fee", "id")[:LIMIT]
    )
    steps = []
    for profile in profiles:
        reasons = [r for r in explain(profile, filters) if r]
        if needs.max_fee is None and profile.fee is not None:
            reasons.append(fee_phrase(profile))
        if profile.accepts_insurance:
            reasons.append("Accepts insurance")
        steps.append(
            NextStep(
                kind="therapist",
                title=profile.user.legal_name or profile.user.handle,
                url=reverse("therapy_profile", args=[profile.pk]),
                reason="; ".join(reasons) or "A verified therapist listed here.",
            )
        )
    return steps


def space_steps(needs: GuideNeeds, user: User | None) -> list[NextStep]:
    """Community spaces on the topics the person chose, that they may read."""
    viewer = user if user is not None else AnonymousUser()
    spaces = visible_spaces(viewer)
    if needs.age_band == "teen" and user is None:
        # Teen spaces are for signed-in teens; an anonymous teen sees no adult space.
        return []
    topics = needs.topics or frozenset({"depression-anxiety"})
    chosen = list(spaces.filter(slug__in=topics).order_by("position", "name")[:LIMIT])
    if user is not None and getattr(user, "age_band", "") == "teen":
        chosen = list(spaces.order_by("position", "name")[:LIMIT])
    return [
        NextStep(
            kind="space",
            title=space.name,
            url=reverse("community_space", args=[space.slug]),
            reason=(
                f"About {choice_label(TOPICS, space.slug).lower()}, as you told us."
                if space.slug in needs.topics
                else space.description
            ),
        )
        for space in chosen
    ]
