"""Slot generation, above all across daylight-saving changes."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from kindred.bookings import actions
from kindred.bookings.slots import candidate_slots, local_to_utc, slots_for
from tests.bookings.conftest import NOW, SLOT, SLOT2, utc

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def starts(therapist, start, end):
    return [s.starts_at for s in slots_for(therapist, start, end)]


def test_a_london_tuesday_evening_is_1700_utc_in_summer_and_1800_in_winter(
    therapist, tuesday_evenings
):
    assert starts(therapist, utc(2030, 1, 7), utc(2030, 1, 9)) == [SLOT, SLOT2]
    assert starts(therapist, utc(2030, 7, 1), utc(2030, 7, 3)) == [
        utc(2030, 7, 2, 17),
        utc(2030, 7, 2, 18),
    ]


def test_slots_respect_session_length_and_buffer(therapist, add_weekly):
    add_weekly(therapist, 0, "09:00", "12:00", tz="UTC", session=50, buffer=10)
    got = slots_for(therapist, utc(2030, 1, 7), utc(2030, 1, 8))
    assert [s.starts_at.hour for s in got] == [9, 10, 11]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=50) for s in got)


def test_the_week_london_springs_forward(therapist, add_weekly):
    # Sunday 31 March 2030: 01:00 GMT becomes 02:00 BST; 01:30 does not exist.
    add_weekly(therapist, 6, "00:30", "03:30", tz="Europe/London", session=50, buffer=10)
    assert starts(therapist, utc(2030, 3, 30), utc(2030, 4, 1)) == [
        utc(2030, 3, 31, 0, 30),  # 00:30 GMT
        # 01:30 skipped: it never happens.
        utc(2030, 3, 31, 1, 30),  # 02:30 BST
    ]
    # A week earlier and later, every wall-clock slot exists.
    assert len(starts(therapist, utc(2030, 3, 23), utc(2030, 3, 25))) == 3
    assert starts(therapist, utc(2030, 4, 6), utc(2030, 4, 8))[0] == utc(2030, 4, 6, 23, 30)


def test_the_week_london_falls_back(therapist, add_weekly):
    # Sunday 27 October 2030: 02:00 BST becomes 01:00 GMT; 01:30 happens twice.
    add_weekly(therapist, 6, "00:30", "03:30", tz="Europe/London", session=50, buffer=10)
    assert starts(therapist, utc(2030, 10, 26), utc(2030, 10, 28)) == [
        utc(2030, 10, 26, 23, 30),  # 00:30 BST
        utc(2030, 10, 27, 0, 30),  # 01:30 BST: the first 01:30 (fold=0)
        utc(2030, 10, 27, 2, 30),  # 02:30 GMT
    ]


def test_the_weeks_new_york_changes_its_clocks(therapist, add_weekly):
    add_weekly(therapist, 6, "01:00", "04:00", tz="America/New_York", session=50, buffer=10)
    # 10 March 2030: 02:00 EST becomes 03:00 EDT, so 02:00 is skipped.
    assert starts(therapist, utc(2030, 3, 10), utc(2030, 3, 11)) == [
        utc(2030, 3, 10, 6),  # 01:00 EST
        utc(2030, 3, 10, 7),  # 03:00 EDT
    ]
    # 3 November 2030: 02:00 EDT becomes 01:00 EST; 01:00 is offered once, first time.
    assert starts(therapist, utc(2030, 11, 3), utc(2030, 11, 4)) == [
        utc(2030, 11, 3, 5),  # 01:00 EDT
        utc(2030, 11, 3, 7),  # 02:00 EST
        utc(2030, 11, 3, 8),  # 03:00 EST
    ]


def test_a_weekly_evening_slot_in_new_york_follows_local_time(therapist, add_weekly):
    add_weekly(therapist, 1, "18:00", "19:00", tz="America/New_York")
    assert starts(therapist, utc(2030, 3, 4), utc(2030, 3, 7)) == [utc(2030, 3, 5, 23)]
    assert starts(therapist, utc(2030, 3, 11), utc(2030, 3, 14)) == [utc(2030, 3, 12, 22)]


def test_local_to_utc_documents_the_rule():
    assert local_to_utc(date(2030, 3, 31), time(1, 30), LONDON) is None
    assert local_to_utc(date(2030, 10, 27), time(1, 30), LONDON) == utc(2030, 10, 27, 0, 30)
    assert local_to_utc(date(2030, 11, 3), time(1, 30), NEW_YORK) == utc(2030, 11, 3, 5, 30)


def test_time_off_removes_slots_and_extra_slots_add_them(therapist, tuesday_evenings, time_machine):
    # Time off and extra slots are refused more than two years ahead of the real clock.
    time_machine.move_to(NOW, tick=False)
    actions.do_add_time_off(therapist, first_day=date(2030, 1, 8), last_day=date(2030, 1, 8))
    actions.do_add_extra_slot(therapist, day=date(2030, 1, 9), at=time(7, 0))
    assert starts(therapist, utc(2030, 1, 7), utc(2030, 1, 16)) == [
        utc(2030, 1, 9, 7),
        utc(2030, 1, 15, 18),
        utc(2030, 1, 15, 19),
    ]


def test_booked_slots_are_not_offered_but_cancelled_ones_are(therapist, member, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    assert starts(therapist, utc(2030, 1, 8), utc(2030, 1, 9)) == [SLOT2]
    actions.do_cancel(member, booking.pk, now=NOW)
    assert starts(therapist, utc(2030, 1, 8), utc(2030, 1, 9)) == [SLOT, SLOT2]
    assert len(candidate_slots(therapist, utc(2030, 1, 8), utc(2030, 1, 9))) == 2
