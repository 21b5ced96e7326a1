"""Who sees which therapist profile: the one place these rules live.

Listed profiles are public. A therapist sees (and alone edits) their own, in any
state. Staff with a second factor see every profile to check it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from kindred.accounts.access import has_mfa
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.therapy.models import ProfileStatus, TherapistProfile

if TYPE_CHECKING:
    from kindred.accounts.models import User


def listed_profiles(today: date | None = None) -> QuerySet[TherapistProfile]:
    """Profiles in the public directory: verified, with a licence not yet expired.

    The expiry test duplicates what ``unlist_expired`` does on schedule, so a
    licence stops being listed on the day it lapses even if the sweep is late.
    """
    today = today or timezone.now().date()
    return TherapistProfile.objects.filter(
        status=ProfileStatus.VERIFIED, licence_expires_on__gte=today, user__is_active=True
    )


def is_staff_reviewer(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.STAFF) and has_mfa(user))


def access_profile(
    user: User | AnonymousUser, profile_id: int, *, write: bool = False
) -> TherapistProfile:
    """The profile if ``user`` may see it (``write``: may edit it), else NotFound.

    Only its therapist may write; missing and forbidden give the same error.
    """
    profile = TherapistProfile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None:
        raise NotFound("therapist")
    is_owner = (
        user.is_authenticated and profile.user_id == user.pk and user.has_role(Role.THERAPIST)
    )
    if write:
        if not is_owner:
            raise NotFound("therapist")
        return profile
    if is_owner or is_staff_reviewer(user):
        return profile
    if not listed_profiles().filter(pk=profile.pk).exists():
        raise NotFound("therapist")
    return profile


def own_profile(user: User | AnonymousUser) -> TherapistProfile | None:
    """The therapist's own profile, or None before they first save one."""
    if not user.is_authenticated or not user.has_role(Role.THERAPIST):
        return None
    return TherapistProfile.objects.filter(user=user).first()


def therapist_of_profile(user: User | AnonymousUser, profile_id: int) -> int:
    """The therapist (user id) behind a profile ``user`` may see; NotFound otherwise."""
    return access_profile(user, profile_id).user_id


def is_listed(user: User | None) -> bool:
    """Whether ``user`` appears in the public directory (bookings asks, through its registry)."""
    if user is None or not user.pk:
        return False
    return listed_profiles().filter(user_id=user.pk).exists()
