"""A person's bookings as the bookings pages and the API read them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindred.bookings import actions, queries
from tests.bookings.conftest import NOW, SLOT, SLOT2

pytestmark = pytest.mark.django_db


def test_each_side_reads_the_booking_as_theirs(member, member2, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    (as_member,) = queries.bookings_of(member, "upcoming", NOW)
    (as_therapist,) = queries.bookings_of(therapist, "upcoming", NOW)
    assert (as_member.id, as_member.role, as_member.other) == (
        booking.pk,
        "member",
        therapist.handle,
    )
    assert (as_therapist.id, as_therapist.role, as_therapist.other) == (
        booking.pk,
        "therapist",
        member.handle,
    )
    assert queries.bookings_of(member2, "upcoming", NOW) == []
    assert queries.bookings_of(member2, "past", NOW) == []


def test_a_cancelled_booking_is_past(member, therapist, tuesday_evenings):
    kept = actions.do_book(member, therapist, SLOT, now=NOW)
    dropped = actions.do_book(member, therapist, SLOT2, now=NOW)
    actions.do_cancel(member, dropped.pk, now=NOW)
    assert [r.id for r in queries.bookings_of(member, "upcoming", NOW)] == [kept.pk]
    assert [r.id for r in queries.bookings_of(member, "past", NOW)] == [dropped.pk]
    mine = queries.member_bookings(member, NOW)
    assert ([r.id for r in mine.upcoming], [r.id for r in mine.past]) == ([kept.pk], [dropped.pk])
    assert [r.id for r in queries.therapist_schedule(therapist, NOW, timedelta(days=30))] == [
        kept.pk,
        dropped.pk,
    ]
    assert queries.therapist_schedule(member, NOW, timedelta(days=30)) == []


def test_bookings_are_read_in_one_query(
    member, therapist, tuesday_evenings, django_assert_num_queries
):
    actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_book(member, therapist, SLOT2, now=NOW)
    with django_assert_num_queries(1):
        assert len(queries.bookings_of(member, "upcoming", NOW)) == 2
