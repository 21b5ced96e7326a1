"""The next group session a person holds a place in (Today's "next sessions")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.groups.actions import do_join, do_leave
from kindred.groups.models import GroupFormat, GroupSession, SessionStatus
from kindred.groups.queries import next_group_session
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
