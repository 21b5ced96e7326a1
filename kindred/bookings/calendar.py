"""Bookings as calendar events, for :mod:`kindred.core.calendar`.

Only handles appear in them, never a legal name or an email address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings

from kindred.accounts.models import User
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.calendar import CalendarEvent


def booking_event(booking: Booking, viewer: User) -> CalendarEvent:
    """``booking`` as ``viewer`` (its member or its therapist) sees it."""
    if viewer.pk == booking.therapist_id:
        summary = f"Session with {booking.member.handle}"
    else:
        summary = f"Therapy session with {booking.therapist.handle}"
    site = getattr(settings, "SITE_NAME", "Kindred")
    return CalendarEvent(
        uid=f"booking-{booking.pk}@{site.lower()}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=f"{summary} ({site})",
        cancelled=booking.status != BookingStatus.BOOKED,
    )


def events_for(user: User, now: datetime) -> Iterator[CalendarEvent]:
    """The calendar source: ``user``'s booked sessions ahead, as member or therapist."""
    # Imported here: the actions module imports this one for its confirmation emails.
    from kindred.bookings.actions import upcoming_for

    for booking in upcoming_for(user, now):
        yield booking_event(booking, user)
