"""Who treats whom, for other apps (the safety layer hands a member's risk flag to
their therapist). A therapist treats a member while they have an upcoming booking
or an attended session in the last ``THERAPY_ACCESS_LAPSE_DAYS`` (default 180) days.

Everything a therapist sees of a member by default follows from this relationship, so
it ends for every app at once; what the member shared with them ends too
(:func:`kindred.care.actions.do_end_lapsed_therapy_grants`, daily, and at once when a
cancellation leaves nothing booked).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import User
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.roles import Role


def treatment_window() -> timedelta:
    return timedelta(days=settings.THERAPY_ACCESS_LAPSE_DAYS)


def _current(prefix: str, now: datetime) -> Q:
    lead = f"{prefix}__" if prefix else ""
    upcoming = Q(**{f"{lead}status": BookingStatus.BOOKED, f"{lead}ends_at__gt": now})
    attended = Q(
        **{
            f"{lead}status": BookingStatus.ATTENDED,
            f"{lead}starts_at__gte": now - treatment_window(),
        }
    )
    # A discharge stamps every booking of the pair: none of them counts any more.
    return (upcoming | attended) & Q(**{f"{lead}discharged_at__isnull": True})


def treats_q(therapist_field: str, member_field: str, now: datetime | None = None) -> Q:
    """A filter for rows whose ``therapist_field`` treats their ``member_field`` now
    (``ConsentGrant.objects.exclude(treats_q("grantee", "member"))``)."""
    current = Booking.objects.filter(
        _current("", now or timezone.now()),
        therapist=OuterRef(therapist_field),
        member=OuterRef(member_field),
    )
    return Q(Exists(current))


def treats(therapist: User, member: User, now: datetime | None = None) -> bool:
    return clients_of(therapist, now).filter(pk=member.pk).exists()


def treating_therapists(member: User | None, now: datetime | None = None) -> QuerySet[User]:
    now = now or timezone.now()
    return (
        User.objects.filter(
            _current("therapist_bookings", now),
            therapist_bookings__member=member,
            roles__role=Role.THERAPIST,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def clients_of(therapist: User, now: datetime | None = None) -> QuerySet[User]:
    now = now or timezone.now()
    return (
        User.objects.filter(_current("member_bookings", now), member_bookings__therapist=therapist)
        .distinct()
        .order_by("pk")
    )


def end_treatment(therapist: User, member: User, now: datetime | None = None) -> dict[str, int]:
    """Stop ``therapist`` treating ``member`` at once: every booking of the pair is stamped
    discharged and the upcoming ones are cancelled. No audit, no grants: the caller
    (:func:`kindred.care.actions.do_discharge`) holds the transaction and does both."""
    now = now or timezone.now()
    pair = Booking.objects.filter(therapist=therapist, member=member, discharged_at__isnull=True)
    cancelled = pair.filter(status=BookingStatus.BOOKED, ends_at__gt=now).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=therapist
    )
    stamped = pair.update(discharged_at=now)
    return {"bookings_cancelled": cancelled, "bookings_closed": stamped}
