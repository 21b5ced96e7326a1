from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking


@pytest.fixture
def book():
    def _book(member, therapist, *, starts_in=timedelta(days=2)):
        starts_at = timezone.now().replace(microsecond=0) + starts_in
        return Booking.objects.create(
            member=member,
            therapist=therapist,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=50),
        )

    return _book
