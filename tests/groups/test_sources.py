"""What groups contribute to the care app and the decision guide."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser

from kindred.accounts.models import AgeBand
from kindred.consent.sources import members_by_service, team_for, timeline_for
from kindred.core.roles import Role
from kindred.groups import actions, sources
from kindred.groups.models import Attendance, GroupFormat
from kindred.guide.nextsteps import GuideNeeds, next_steps
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


def test_team_lists_the_facilitators_of_my_groups(group, session, member, member2, facilitator):
    actions.do_join(member, group, session)
    entries = [e for e in team_for(member) if e.relation == "facilitator"]
    assert [(e.person, e.detail) for e in entries] == [
        (facilitator, "Living with anxiety: Every Tuesday at 19:00 (Europe/London)")
    ]
    assert entries[0].url == f"/groups/{group.pk}/" and entries[0].since is not None
    assert not [e for e in team_for(member2) if e.relation == "facilitator"]
    actions.do_leave(member, group, session)
    assert not sources.team_entries(member)


def test_timeline_has_attended_sessions_only_and_nothing_said(group, session, member, facilitator):
    actions.do_join(member, group, session)
    other = make_session(group, starts_in=timedelta(days=1))
    assert sources.timeline_items(member) == []
    actions.do_open_session_room(facilitator, session)
    actions.do_check_in(member, session, mood_word="exhausted", passed=False)
    items = [i for i in timeline_for(member) if i.kind == "group"]
    assert len(items) == 1
    assert items[0].when == session.starts_at
    assert items[0].title == "Group session: Living with anxiety"
    assert "exhausted" not in f"{items[0].title} {items[0].detail}"
    assert other.starts_at not in [i.when for i in items]
    assert member.pk in members_by_service()["peer_support"]
    assert facilitator.pk not in sources.members_who_attended_a_group()


def test_next_steps_match_topics_and_explain_themselves(group, member):
    make_session(group, starts_in=timedelta(days=2))
    steps = next_steps(GuideNeeds(topics=frozenset({"depression-anxiety"})), member)["group"]
    assert [s.url for s in steps] == [f"/groups/{group.pk}/"]
    assert steps[0].title.startswith("Living with anxiety (")
    assert (
        steps[0].kind == "group" and "place" in steps[0].reason and "this week" in steps[0].reason
    )
    assert sources.next_steps(GuideNeeds(topics=frozenset({"grief-loss"})), member) == []
    assert (
        sources.next_steps(
            GuideNeeds(topics=frozenset({"depression-anxiety"}), formats=frozenset({"one_to_one"})),
            member,
        )
        == []
    )


def test_next_steps_prefer_groups_with_room_and_sooner(facilitator, space, member):
    full = make_group(facilitator, space, capacity=2, topic="Full one")
    full_session = make_session(full, starts_in=timedelta(hours=5))
    for person in (UserFactory(), UserFactory()):
        actions.do_join(person, full, full_session)
    later = make_group(facilitator, space, topic="Later one")
    make_session(later, starts_in=timedelta(days=3))
    sooner = make_group(facilitator, space, topic="Sooner one")
    make_session(sooner, starts_in=timedelta(days=1))
    popup = make_group(facilitator, space, format=GroupFormat.POPUP, topic="Pop one")
    titles = [
        s.title.split(" (")[0]
        for s in sources.next_steps(GuideNeeds(topics=frozenset({space.slug})), member)
    ]
    assert titles == ["Sooner one", "Later one", "Full one"]
    assert popup.is_waiting_for_quorum


def test_next_steps_respect_age_bands(facilitator, space, teen_space):
    make_session(make_group(facilitator, space, topic="Adults"), starts_in=timedelta(days=1))
    make_session(make_group(facilitator, teen_space, topic="Teens"), starts_in=timedelta(days=1))
    needs = GuideNeeds(topics=frozenset({space.slug, teen_space.slug}))
    teen = UserFactory(roles=[Role.MEMBER], age_band=AgeBand.TEEN)
    assert [s.title.split(" (")[0] for s in sources.next_steps(needs, teen)] == ["Teens"]
    # Anonymous visitors never see teen groups.
    assert [s.title.split(" (")[0] for s in sources.next_steps(needs, AnonymousUser())] == [
        "Adults"
    ]


def test_attendance_row_alone_is_not_attendance(group, session, member):
    Attendance.objects.create(session=session, user=member)
    assert sources.timeline_items(member) == []
