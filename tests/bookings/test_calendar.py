"""Bookings as calendar events: what each side sees, which bookings the source gives."""

from __future__ import annotations

from kindred.bookings import actions
from kindred.bookings.calendar import booking_event, events_for
from tests.bookings.conftest import NOW, SLOT, SLOT2


def test_each_side_sees_the_other_by_handle(member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    mine = booking_event(booking, member)
    theirs = booking_event(booking, therapist)
    assert mine.summary == "Therapy session with dr_ellis (Kindred)"
    assert theirs.summary == "Session with member_maya (Kindred)"
    assert mine.uid == theirs.uid == f"booking-{booking.pk}@kindred"
    assert (mine.starts_at, mine.ends_at) == (booking.starts_at, booking.ends_at)
    assert not mine.cancelled
    assert therapist.legal_name not in mine.summary and member.legal_name not in theirs.summary


def test_a_cancelled_booking_is_a_cancelled_event(member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    cancelled = actions.do_cancel(member, booking.pk, now=NOW)
    assert booking_event(cancelled, member).cancelled


def test_the_source_gives_the_booked_sessions_ahead(member, therapist, tuesday_evenings):
    kept = actions.do_book(member, therapist, SLOT, now=NOW)
    dropped = actions.do_book(member, therapist, SLOT2, now=NOW)
    actions.do_cancel(member, dropped.pk, now=NOW)
    assert [e.uid for e in events_for(member, NOW)] == [f"booking-{kept.pk}@kindred"]
    assert [e.uid for e in events_for(therapist, NOW)] == [f"booking-{kept.pk}@kindred"]
    assert list(events_for(member, kept.ends_at)) == []
