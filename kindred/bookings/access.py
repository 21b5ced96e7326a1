"""Who sees and changes which booking. The one place these rules live."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from kindred.accounts.models import User
from kindred.accounts.roles import Role
from kindred.bookings.models import Booking
from kindred.core.access import NotFound


def is_bookable(therapist: User) -> bool:
    """Holds the therapist role and is listed in the therapy directory.

    The directory (``kindred.therapy.access.is_listed``) is optional: installs, or
    a tree, without it fall back to the role alone, so bookings work either way.
    """
    if not therapist.is_active or not therapist.has_role(Role.THERAPIST):
        return False
    try:
        from kindred.therapy.access import is_listed  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return True
    return bool(is_listed(therapist))


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
