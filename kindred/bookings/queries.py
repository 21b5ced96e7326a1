"""What the bookings pages and ``GET /api/v1/bookings`` read: a person's bookings, as rows.

Both faces call these, so which bookings count as upcoming, which side of a booking the
reader is on, the start on the reader's clock and who gets the video link are decided
once (the link itself: :func:`kindred.bookings.actions.session_link`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from django.db.models import Q

from kindred.bookings.access import visible_bookings
from kindred.bookings.actions import local_label, session_link
from kindred.bookings.models import Booking, BookingStatus

if TYPE_CHECKING:
    from kindred.accounts.models import User

# How many bookings one read lists at the most.
LISTED = 100
PAST_SHOWN = 50


@dataclass(frozen=True, slots=True)
class BookingRow:
    id: int
    role: Literal["member", "therapist"]  # the reader's part in the booking
    therapist_user_id: int
    therapist: str  # handles
    member: str
    other: str  # the handle of the person on the other side
    starts_at: datetime
    ends_at: datetime
    local_label: str  # the start on the reader's clock
    status: str
    status_label: str
    cancelled_at: datetime | None
    rescheduled_from: int | None
    session_link: str  # empty unless the reader may join now


def booking_row(booking: Booking, reader: User, now: datetime) -> BookingRow:
    """Needs ``therapist`` and ``member`` loaded (``select_related``)."""
    role: Literal["member", "therapist"] = (
        "therapist" if booking.therapist_id == reader.pk else "member"
    )
    therapist, member = booking.therapist.handle, booking.member.handle
    return BookingRow(
        id=booking.pk,
        role=role,
        therapist_user_id=booking.therapist_id,
        therapist=therapist,
        member=member,
        other=member if role == "therapist" else therapist,
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        local_label=local_label(booking.starts_at, reader),
        status=booking.status,
        status_label=str(booking.get_status_display()),
        cancelled_at=booking.cancelled_at,
        rescheduled_from=booking.rescheduled_from_id,
        session_link=session_link(booking, reader, now),
    )


def booking_rows(bookings: Iterable[Booking], reader: User, now: datetime) -> list[BookingRow]:
    return [booking_row(b, reader, now) for b in bookings]


def upcoming(now: datetime) -> Q:
    """Booked and not over yet; everything else is past (cancelled, attended, missed)."""
    return Q(status=BookingStatus.BOOKED, ends_at__gt=now)


def bookings_of(reader: User, when: Literal["upcoming", "past"], now: datetime) -> list[BookingRow]:
    """The reader's bookings as a member and as a therapist: upcoming soonest first,
    past newest first."""
    mine = visible_bookings(reader).select_related("therapist", "member")
    if when == "upcoming":
        rows = mine.filter(upcoming(now)).order_by("starts_at", "id")
    else:
        rows = mine.exclude(upcoming(now)).order_by("-starts_at", "-id")
    return booking_rows(rows[:LISTED], reader, now)


@dataclass(frozen=True, slots=True)
class MemberBookings:
    upcoming: list[BookingRow]  # soonest first
    past: list[BookingRow]  # newest first


def member_bookings(member: User, now: datetime) -> MemberBookings:
    """The sessions ``member`` booked, as their bookings page shows them."""
    mine = Booking.objects.filter(member=member).select_related("therapist", "member")
    ahead = mine.filter(upcoming(now)).order_by("starts_at")
    past = mine.exclude(pk__in=ahead.values("pk")).order_by("-starts_at")[:PAST_SHOWN]
    return MemberBookings(
        upcoming=booking_rows(ahead, member, now), past=booking_rows(past, member, now)
    )


def therapist_schedule(therapist: User, now: datetime, since: timedelta) -> list[BookingRow]:
    """The therapist's sessions from ``since`` ago on, in time order."""
    rows = (
        Booking.objects.filter(therapist=therapist, ends_at__gt=now - since)
        .select_related("therapist", "member")
        .order_by("starts_at")
    )
    return booking_rows(rows, therapist, now)
