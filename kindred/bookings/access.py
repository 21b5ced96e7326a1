"""Who sees and changes which booking. The one place these rules live."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from kindred.accounts.models import User
from kindred.bookings import directory
from kindred.bookings.models import Booking
from kindred.core.access import NotFound
from kindred.core.roles import Role


def is_bookable(therapist: User) -> bool:
    """Active, holds the therapist role, and is listed in the therapist directory
    (:mod:`kindred.bookings.directory`: the role alone where no directory is installed)."""
    if not therapist.is_active or not therapist.has_role(Role.THERAPIST):
        return False
    return directory.is_listed(therapist)


def access_bookable_therapist(user_id: int) -> User:
    therapist = User.objects.filter(pk=user_id, is_active=True).first()
    if therapist is None or not is_bookable(therapist):
        raise NotFound("therapist")
    return therapist


def visible_bookings(user: User | AnonymousUser) -> QuerySet[Booking]:
    if not user.is_authenticated:
        return Booking.objects.none()
    return Booking.objects.filter(Q(member_id=user.pk) | Q(therapist_id=user.pk))


def access_booking(user: User | AnonymousUser, booking_id: int, *, write: bool = False) -> Booking:
    """Only the member and the therapist of a booking; the same NotFound for a
    missing booking and someone else's. ``write`` locks the row (caller is inside
    ``transaction.atomic``)."""
    rows = visible_bookings(user).select_related("therapist", "member")
    if write:
        rows = rows.select_for_update(of=("self",))
    booking = rows.filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("booking")
    return booking


def access_therapist_booking(
    user: User | AnonymousUser, booking_id: int, *, write: bool = False
) -> Booking:
    """A booking where ``user`` is the therapist (attendance, the schedule)."""
    booking = access_booking(user, booking_id, write=write)
    if booking.therapist_id != user.pk:
        raise NotFound("booking")
    return booking
