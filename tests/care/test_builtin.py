"""The care app's own sources: therapists, sessions, check-ins and plan changes."""

from __future__ import annotations

from datetime import date

import pytest

from kindred.bookings.models import BookingStatus
from kindred.care import builtin
from kindred.consent import sources
from kindred.measures.actions import do_submit_response
from kindred.plans import actions as plan_actions
from kindred.plans.content import parse_plan_text
from tests.care.factories import book

pytestmark = pytest.mark.django_db


def test_a_treating_therapist_is_on_the_team(member, therapist, therapist2):
    book(member, therapist)
    book(member, therapist2, days=-3, status=BookingStatus.CANCELLED)
    team = builtin.therapist_team(member)
    assert [(e.person, e.relation) for e in team] == [(therapist, "therapist")]
    assert therapist in [e.person for e in sources.team_for(member)]


def test_the_timeline_has_sessions_checkins_and_plan_changes(member, member2, therapist):
    book(member, therapist, days=-2, status=BookingStatus.ATTENDED)
    book(member, therapist, days=5)
    book(member, therapist, days=6, status=BookingStatus.CANCELLED)
    do_submit_response(member, "gad2", {"q1": 1, "q2": 2})
    plan = plan_actions.do_create_plan(
        therapist,
        member,
        content=parse_plan_text("Problem: P\nGoal: G\n"),
        summary="S",
        review_date=date(2030, 1, 1),
    )
    items = sources.timeline_for(member)
    titles = [i.title for i in items]
    assert "Session with dr_ellis" in titles and "Upcoming session with dr_ellis" in titles
    assert len([i for i in items if i.kind == "session"]) == 2
    assert "GAD-2 check-in" in titles
    [planned] = [i for i in items if i.kind == "plan"]
    assert planned.url == f"/my/plan/{plan.pk}/"
    assert items == sorted(items, key=lambda i: i.when, reverse=True)
    assert sources.timeline_for(member2) == []


def test_therapy_users_are_those_with_attended_or_upcoming_sessions(
    member, member2, outsider, therapist
):
    book(member, therapist, days=-10, status=BookingStatus.ATTENDED)
    book(member2, therapist, days=4)
    book(outsider, therapist, days=-10, status=BookingStatus.NO_SHOW)
    assert set(builtin.therapy_members()) == {member.pk, member2.pk}
