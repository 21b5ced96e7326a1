from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking, BookingStatus
from kindred.messaging import actions

SECRET = "I keep thinking about the argument with my sister"
RISKY = "I have the pills ready and I am going to take them all tonight"


def book(member, therapist, days=3, status=BookingStatus.BOOKED):
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=status,
    )


def end_treatment(member, therapist):
    """Cancel every booking between the two: the relationship ends."""
    Booking.objects.filter(member=member, therapist=therapist).update(
        status=BookingStatus.CANCELLED
    )


@pytest.fixture
def treating(member, therapist):
    return book(member, therapist)


@pytest.fixture
def conversation(treating, member, therapist):
    return actions.do_start_conversation(member, therapist)


@pytest.fixture
def sent(conversation, member):
    return actions.do_send_message(member, conversation, SECRET)


def without_csrf(content: bytes) -> str:
    """A page with its (per-response masked) CSRF tokens blanked, to compare two pages."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())
