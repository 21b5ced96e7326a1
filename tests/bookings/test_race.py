"""Fifty people race for one slot on PostgreSQL: exactly one wins."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.bookings import actions
from kindred.bookings.models import Booking
from tests.bookings.conftest import NOW, SLOT
from tests.factories import UserFactory

RACERS = 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_bookings_for_one_slot_make_exactly_one(therapist, add_weekly):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    add_weekly(therapist, 1, tz="Europe/London")
    members = [UserFactory(handle=f"racer_{i}") for i in range(RACERS)]
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(member):
        try:
            barrier.wait(timeout=30)
            try:
                actions.do_book(member, therapist, SLOT, now=NOW)
                result = "won"
            except actions.BookingError as exc:
                result = str(exc)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == RACERS
    assert outcomes.count("won") == 1
    assert set(outcomes) - {"won"} == {actions.TAKEN}
    assert Booking.objects.filter(therapist=therapist, status="booked").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgres_refuses_overlapping_ranges_not_just_equal_starts(therapist, member, member2):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    from datetime import timedelta

    from django.db import IntegrityError

    Booking.objects.create(
        therapist=therapist, member=member, starts_at=SLOT, ends_at=SLOT + timedelta(minutes=50)
    )
    with pytest.raises(IntegrityError):
        Booking.objects.create(
            therapist=therapist,
            member=member2,
            starts_at=SLOT + timedelta(minutes=20),
            ends_at=SLOT + timedelta(minutes=70),
        )
