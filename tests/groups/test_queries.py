"""The next group session a person holds a place in (Today's "next sessions"), and the
places left that the group pages and the API show."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.groups.actions import do_join, do_leave, places_left, upcoming_sessions
from kindred.groups.models import GroupFormat, GroupSession, SessionStatus
from kindred.groups.queries import next_group_session, places, upcoming_with_places
from tests.groups.factories import make_group, make_session

pytestmark = pytest.mark.django_db


def test_a_drop_in_place_counts_for_its_session_only(member, facilitator, space):
    group = make_group(facilitator, space)
    later = make_session(group, starts_in=timedelta(hours=5))
    make_session(group, starts_in=timedelta(hours=1))
    assert next_group_session(member, timezone.now()) is None
    do_join(member, group, later)
    assert next_group_session(member, timezone.now()) == later


def test_a_cohort_place_counts_for_every_session(member, facilitator, space):
    group = make_group(facilitator, space, format=GroupFormat.COHORT)
    first = make_session(group, starts_in=timedelta(hours=2))
    make_session(group, starts_in=timedelta(days=7))
    do_join(member, group)
    assert next_group_session(member, timezone.now()) == first


def test_leaving_cancelled_and_past_sessions_are_not_next(member, facilitator, space):
    group = make_group(facilitator, space)
    cancelled = make_session(group, starts_in=timedelta(hours=1))
    do_join(member, group, cancelled)
    cancelled.status = SessionStatus.CANCELLED
    cancelled.save(update_fields=["status"])
    past = make_session(group, starts_in=timedelta(hours=2))
    do_join(member, group, past)
    GroupSession.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=2)
    )
    left = make_session(group, starts_in=timedelta(hours=4))
    do_join(member, group, left)
    do_leave(member, group, left)
    assert next_group_session(member, timezone.now()) is None


def test_a_facilitator_sees_the_sessions_they_run(facilitator, member2, space):
    group = make_group(facilitator, space)
    session = make_session(group, starts_in=timedelta(hours=3))
    assert next_group_session(facilitator, timezone.now()) == session
    assert next_group_session(member2, timezone.now()) is None


def test_places_left_agree_with_the_join_action(member, member2, facilitator, space):
    drop_in = make_group(facilitator, space, capacity=3)
    first, second = make_session(drop_in), make_session(drop_in, starts_in=timedelta(days=7))
    cohort = make_group(facilitator, space, format=GroupFormat.COHORT, capacity=2, topic="C")
    make_session(cohort)
    do_join(member, drop_in, first)
    do_join(member2, drop_in, first)
    do_join(member, cohort)
    counted = places([drop_in, cohort])
    assert counted.left(drop_in, first) == places_left(drop_in, first) == 1
    assert counted.left(drop_in, second) == places_left(drop_in, second) == 3
    assert counted.left(cohort) == places_left(cohort) == 1


def test_upcoming_sessions_and_their_places_in_two_queries(
    member, facilitator, space, django_assert_num_queries
):
    drop_in = make_group(facilitator, space, capacity=3)
    for d in range(4):
        make_session(drop_in, starts_in=timedelta(hours=d + 1))
    soonest = list(upcoming_sessions(drop_in)[:3])
    do_join(member, drop_in, soonest[0])
    with django_assert_num_queries(2):
        upcoming = upcoming_with_places(drop_in, timezone.now(), shown=3)
    assert [row.session for row in upcoming.sessions] == soonest
    assert [row.places_left for row in upcoming.sessions] == [2, 3, 3]
    assert upcoming.places_left is None
    cohort = make_group(facilitator, space, format=GroupFormat.COHORT, capacity=2, topic="C")
    make_session(cohort)
    do_join(member, cohort)
    upcoming = upcoming_with_places(cohort, timezone.now(), shown=3)
    assert upcoming.places_left == 1
    assert all(row.places_left is None for row in upcoming.sessions)
