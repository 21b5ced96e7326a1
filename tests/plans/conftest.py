from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking, BookingStatus
from kindred.plans import actions
from kindred.plans.content import parse_plan_text

PLAN_TEXT = """\
Problem: Low mood most days since losing my job
Goal: Enjoy everyday things again
Objective: Depression score in the mild range | measure phq9 < 10 | by 2030-09-01
Intervention: Behavioural activation | weekly
Objective: Walk outside | count >= 3 walks per week | by 2030-08-01
Intervention: Activity scheduling | every session
"""
SECRET = "Low mood most days since losing my job"


def book(member, therapist, days=3):
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=BookingStatus.BOOKED,
    )


@pytest.fixture
def treating(member, therapist):
    return book(member, therapist)


@pytest.fixture
def plan(treating, member, therapist):
    return actions.do_create_plan(
        therapist,
        member,
        content=parse_plan_text(PLAN_TEXT),
        summary="We will work on getting out more and feeling brighter.",
        review_date=date(2030, 10, 1),
    )
