"""What deleting an account means for bookings.

Coming sessions are cancelled; past ones are part of the clinical record (dates and
attendance) and stay for ``CLINICAL_RETENTION_YEARS``, then go with the notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.bookings.models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    CalendarFeed,
    WeeklyAvailability,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User


def _upcoming(now: object) -> Q:
    return Q(status=BookingStatus.BOOKED, ends_at__gt=now)


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    now = timezone.now()
    cancelled = Booking.objects.filter(_upcoming(now), member=user).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=None
    )
    Booking.objects.filter(cancelled_by=user).update(cancelled_by=None)
    return {
        "bookings_cancelled": cancelled,
        "calendar_feeds": CalendarFeed.objects.filter(user=user).delete()[0],
        "weekly_availability": WeeklyAvailability.objects.filter(therapist=user).delete()[0],
        "availability_exceptions": AvailabilityException.objects.filter(therapist=user).delete()[0],
    }


def purge_retained(user: User) -> dict[str, int]:
    return {"bookings": Booking.objects.filter(member=user).delete()[0]}


def duties(user: User) -> list[str]:
    count = Booking.objects.filter(_upcoming(timezone.now()), therapist=user).count()
    if not count:
        return []
    return [_("%(count)d upcoming session(s) booked with you") % {"count": count}]


ERASERS.register(
    "bookings",
    Eraser(
        erase=erase,
        purge_retained=purge_retained,
        duties=duties,
        models=(
            "bookings.CalendarFeed",
            "bookings.WeeklyAvailability",
            "bookings.AvailabilityException",
        ),
        retained={
            "bookings.Booking": (
                "past sessions are part of the clinical record: kept for "
                "CLINICAL_RETENTION_YEARS (coming ones are cancelled)"
            ),
        },
    ),
)
