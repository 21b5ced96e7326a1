"""What a therapist's profile shows, for the profile page and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kindred.therapy.access import access_profile
from kindred.therapy.directory import NEXT_FREE_DAYS, next_free_times
from kindred.therapy.models import TherapistProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

# Free times a profile lists; the booking page has the rest.
PROFILE_FREE_TIMES = 6


@dataclass(frozen=True)
class ProfileDetail:
    profile: TherapistProfile
    # Labels by facet kind (modality, specialty, …).
    facets: dict[str, list[str]]
    # The first free session starts in the next NEXT_FREE_DAYS days (UTC).
    free_times: list[datetime]
    # In the public directory; an unlisted one is its therapist's (or staff's) preview.
    listed: bool


def profile_detail(reader: User | AnonymousUser, profile_id: int) -> ProfileDetail:
    """The profile ``reader`` may see (NotFound otherwise), with its next free times."""
    profile = access_profile(reader, profile_id)
    free = next_free_times([profile.user_id], days=NEXT_FREE_DAYS, limit=PROFILE_FREE_TIMES)
    return ProfileDetail(
        profile=profile,
        facets=profile.facet_labels(),
        free_times=free.get(profile.user_id, []),
        listed=profile.is_listed,
    )
