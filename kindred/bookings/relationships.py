"""Who treats whom, for other apps (the safety layer hands a member's risk flag to
their therapist). A therapist treats a member while they have an upcoming booking
or an attended session in the last 12 months."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import User
from kindred.accounts.roles import Role
from kindred.bookings.models import BookingStatus

TREATMENT_WINDOW = timedelta(days=365)


def _current(prefix: str, now: datetime) -> Q:
    upcoming = Q(**{f"{prefix}__status": BookingStatus.BOOKED, f"{prefix}__ends_at__gt": now})
    attended = Q(
        **{
            f"{prefix}__status": BookingStatus.ATTENDED,
            f"{prefix}__starts_at__gte": now - TREATMENT_WINDOW,
        }
    )
    return upcoming | attended


def treating_therapists(member: Any, now: datetime | None = None) -> QuerySet[User]:
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


def clients_of(therapist: Any, now: datetime | None = None) -> QuerySet[User]:
    now = now or timezone.now()
    return (
        User.objects.filter(_current("member_bookings", now), member_bookings__therapist=therapist)
        .distinct()
        .order_by("pk")
    )
