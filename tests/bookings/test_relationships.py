from __future__ import annotations

from datetime import timedelta

from kindred.bookings import actions
from kindred.bookings.relationships import clients_of, treating_therapists
from tests.bookings.conftest import NOW, SLOT


def test_upcoming_and_recently_attended_bookings_make_a_treating_therapist(
    member, member2, therapist, therapist2, tuesday_evenings
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    assert list(treating_therapists(member, NOW)) == [therapist]
    assert list(clients_of(therapist, NOW)) == [member]
    assert list(treating_therapists(member2, NOW)) == []
    assert list(clients_of(therapist2, NOW)) == []
    later = SLOT + timedelta(hours=1)
    actions.do_mark_attendance(therapist, booking.pk, "attended", now=later)
    assert list(treating_therapists(member, later)) == [therapist]
    assert list(treating_therapists(member, SLOT + timedelta(days=366))) == []


def test_cancelled_and_missed_sessions_do_not_count(member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_cancel(member, booking.pk, now=NOW)
    assert list(treating_therapists(member, NOW)) == []
    other = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_mark_attendance(therapist, other.pk, "no_show", now=SLOT)
    assert list(treating_therapists(member, SLOT)) == []
