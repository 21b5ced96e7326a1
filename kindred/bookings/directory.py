"""Who may be booked and how the booking pages name them: asked of a therapist directory.

Bookings sit below the directory (``kindred.therapy``), which shows each therapist's free
times, so the directory registers itself here instead of being imported. An install
without one books any active therapist by role alone, names them by handle, and has no
profile ids (``therapist_of_profile`` finds nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kindred.core.access import NotFound
from kindred.core.registry import Registry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User


@dataclass(frozen=True)
class BookingSummary:
    """What the booking page says about the therapist."""

    name: str
    title: str
    fee: str
    formats: list[str]
    in_person_location: str
    video: bool


@dataclass(frozen=True)
class TherapistDirectory:
    # Whether the therapist is listed (only listed therapists can be booked).
    is_listed: Callable[[User], bool]
    # The listed therapist in a few words, or None when unlisted.
    summary: Callable[[User], BookingSummary | None]
    # The user id behind a profile id that ``reader`` may see; NotFound otherwise.
    therapist_of_profile: Callable[[User | AnonymousUser, int], int]


# One directory at most, under this key (``kindred.therapy`` registers it when ready).
DIRECTORY = "directory"
DIRECTORIES = Registry[TherapistDirectory]("therapist directories")


def _directory() -> TherapistDirectory | None:
    return DIRECTORIES.get(DIRECTORY, None)


def is_listed(therapist: User) -> bool:
    directory = _directory()
    return True if directory is None else directory.is_listed(therapist)


def summary(therapist: User) -> BookingSummary | None:
    directory = _directory()
    return None if directory is None else directory.summary(therapist)


def therapist_of_profile(reader: User | AnonymousUser, profile_id: int) -> int:
    directory = _directory()
    if directory is None:
        raise NotFound("therapist")
    return directory.therapist_of_profile(reader, profile_id)
