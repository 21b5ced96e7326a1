"""Clinical fixtures: dr_ellis (therapist) treats maya (member) through an upcoming
booking; dr_chen (therapist2) treats maya too, and keeps a separate record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking
from kindred.clinical import actions

SOAP = {
    "subjective": "Reports low mood since the move; sleeping badly.",
    "objective": "Flat affect, good eye contact.",
    "assessment": "Moderate depressive symptoms.",
    "plan": "Behavioural activation; review in a week.",
}


@pytest.fixture(autouse=True)
def _db(db):
    return db


def book(therapist, member, days=3, status="booked"):
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=status,
    )


@pytest.fixture
def booking(therapist, member):
    return book(therapist, member)


@pytest.fixture
def other_treats_member(therapist2, member):
    return book(therapist2, member, days=4)


@pytest.fixture
def draft(therapist, member, booking):
    return actions.do_save_note_draft(
        therapist,
        member,
        fmt="soap",
        content=SOAP,
        risk_level="low",
        risk_rationale="Passive thoughts last month, none now.",
        booking=booking,
    )


@pytest.fixture
def signed(therapist, draft):
    return actions.do_sign_note(therapist, draft)


@pytest.fixture
def process_note(therapist, member, booking):
    return actions.do_save_psychotherapy_note(
        therapist, member, "Countertransference: I felt protective today."
    )


@pytest.fixture
def intake(therapist, member, booking):
    form = actions.do_request_intake(therapist, member)
    return actions.do_save_intake(member, form, {"reason": "I can't sleep.", "goals": "Rest."})
