"""Mood check-ins and finishing onboarding, as actions."""

from __future__ import annotations

import datetime

import pytest

from kindred.audit.models import AuditEvent
from kindred.today.actions import (
    TodayError,
    check_mood_score,
    do_finish_onboarding,
    do_record_mood,
)
from kindred.today.models import MoodCheckIn, Onboarding

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 6)


@pytest.mark.parametrize("bad", [None, "", "0", "6", "two", 2.5])
def test_a_score_is_a_whole_number_from_1_to_5(bad):
    with pytest.raises(TodayError):
        check_mood_score(bad)


def test_one_check_in_a_day_replaced_by_a_later_one(member):
    do_record_mood(member, 2, DAY)
    do_record_mood(member, 5, DAY)
    do_record_mood(member, 3, DAY - datetime.timedelta(days=1))
    assert sorted(MoodCheckIn.objects.values_list("day", flat=True)) == [
        DAY - datetime.timedelta(days=1),
        DAY,
    ]
    assert MoodCheckIn.objects.get(day=DAY).score == "5"


def test_finishing_saves_the_reason_and_profile_and_is_audited(member):
    do_finish_onboarding(
        member, reason="group", profile={"country": "IE", "timezone": "Europe/Dublin"}
    )
    onboarding = Onboarding.objects.get(user=member)
    assert onboarding.reason == "group" and onboarding.finished_at is not None
    member.refresh_from_db()
    assert (member.country, member.timezone) == ("IE", "Europe/Dublin")
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"today.onboarding_finished", "account.profile_updated"} <= events


def test_skipping_keeps_an_earlier_reason(member):
    do_finish_onboarding(member, reason="therapy")
    do_finish_onboarding(member)
    assert Onboarding.objects.get(user=member).reason == "therapy"


def test_an_unknown_reason_is_refused(member):
    with pytest.raises(TodayError):
        do_finish_onboarding(member, reason="money")
    assert not Onboarding.objects.exists()
