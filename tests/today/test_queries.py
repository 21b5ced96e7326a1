"""What Today reads: the mood week, and only the person's own counters."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from kindred.core.notifications import do_notify
from kindred.peers.models import Connection
from kindred.today.actions import do_record_mood
from kindred.today.queries import counters, mood_week, today_for_user

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 6)


def test_the_mood_week_is_seven_days_oldest_first_with_gaps(member, member2):
    do_record_mood(member, 4, DAY)
    do_record_mood(member, 1, DAY - datetime.timedelta(days=6))
    do_record_mood(member, 5, DAY - datetime.timedelta(days=7))  # too old
    do_record_mood(member2, 2, DAY - datetime.timedelta(days=3))  # someone else's
    week = mood_week(member, DAY)
    assert week[0].day == DAY - datetime.timedelta(days=6)
    assert [d.score for d in week] == [1, None, None, None, None, None, 4]


def test_counters_are_the_persons_own(member, member2, moderator):
    do_notify([member, member2], kind="community.reply", title="x")
    Connection.objects.create(requester=member2, recipient=member)
    mine = counters(member, moderator=False)
    assert (mine.unread_notifications, mine.connection_requests) == (1, 1)
    theirs = counters(member2, moderator=False)
    assert theirs.connection_requests == 0
    assert counters(member, moderator=False).open_flags == 0


def test_a_member_without_history_gets_empty_sections(member):
    data = today_for_user(member, timezone.now())
    assert data.is_member and not data.is_therapist
    assert data.bookings == [] and data.due == [] and data.group_session is None
    assert len(data.mood) == 7 and data.mood_today is None
