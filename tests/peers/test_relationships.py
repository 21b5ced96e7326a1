"""What peers tells the care app and the guide; the demo profiles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.consent.sources import members_by_service, team_for, timeline_for
from kindred.guide.nextsteps import GuideNeeds, next_steps
from kindred.peers import actions
from kindred.peers.demo import create_demo_peers
from kindred.peers.models import PeerProfile, Training
from kindred.peers.relationships import tags_for_topics
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter

pytestmark = pytest.mark.django_db


def test_the_care_team_lists_connected_peer_supporters_only(member):
    make_profile(member)
    supporter = make_supporter("helper_hana")
    conn = connected(member, supporter)
    entries = [e for e in team_for(member) if e.relation == "peer_supporter"]
    assert [e.person for e in entries] == [supporter]
    # The supporter's own team does not list themselves or the member as a supporter.
    assert not [e for e in team_for(supporter) if e.relation == "peer_supporter"]
    actions.do_end(member, conn)
    assert not [e for e in team_for(member) if e.relation == "peer_supporter"]


def test_the_timeline_shows_connections_started_and_ended(member):
    make_profile(member)
    conn = connected(member, make_supporter("helper_hana"))
    actions.do_end(member, conn)
    titles = [i.title for i in timeline_for(member) if i.kind == "connection"]
    assert titles == ["Connection with helper_hana ended", "Connected with helper_hana"]


def test_the_guide_offers_a_member_their_top_suggestions(member):
    make_profile(member, tags=["bereavement.parent"])
    make_supporter("helper_hana")
    steps = next_steps(GuideNeeds(topics=frozenset({"grief-loss"})), member)["peer"]
    assert steps[0].title == "Talk one-to-one with helper_hana"
    assert "Losing a parent" in steps[0].reason


def test_anonymous_visitors_get_a_count_never_a_person():
    make_supporter("helper_hana", tags=["bereavement.parent"])
    make_supporter("helper_ian", tags=["bereavement.child"])
    make_supporter("sober_sue", tags=["recovery.alcohol"])
    steps = next_steps(GuideNeeds(topics=frozenset({"grief-loss"})), AnonymousUser())["peer"]
    [step] = steps
    assert step.url == "/peers/profile/edit/"
    assert "2 trained peer supporters" in step.reason
    for text in (step.title, step.reason, step.url):
        assert "helper" not in text and "sober" not in text
    assert next_steps(GuideNeeds(), None)["peer"][0].url == "/peers/profile/edit/"


def test_topics_map_to_tags():
    assert "bereavement.parent" in tags_for_topics(frozenset({"grief-loss"}))
    assert tags_for_topics(frozenset({"unknown"})) == []


def test_demo_profiles_are_created_once(member, member2, peer_supporter, facilitator):
    users = {
        "member": member,
        "member2": member2,
        "peer": peer_supporter,
        "facilitator": facilitator,
    }
    assert create_demo_peers(users) == 4
    assert create_demo_peers(users) == 0
    assert PeerProfile.objects.count() == 4
    assert Training.objects.count() == 2
    from kindred.peers.suggestions import suggestions_for

    assert suggestions_for(member)[0].user == peer_supporter


def test_the_outcomes_dashboard_counts_supported_members_not_supporters(member):
    make_profile(member)
    supporter = make_supporter()
    connected(member, supporter)
    pending_only = make_supporter()
    connect(make_member(), pending_only)
    users = members_by_service()["peer_support"]
    assert member.pk in users and supporter.pk not in users and pending_only.pk not in users
