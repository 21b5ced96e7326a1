"""Who may suggest what to a member, as every persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.care.access import access_referable_member, referral_kinds_for
from kindred.consent.team import team_people
from kindred.core.access import NotFound

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "persona, kinds",
    [
        ("therapist", ("group", "space", "peer")),
        ("peer_supporter", ("therapy",)),
        ("facilitator", ("therapy",)),
        ("member", ()),
        ("member2", ()),
        ("therapist2", ()),
        ("moderator", ()),
        ("staff", ()),
        ("anonymous", ()),
    ],
    indirect=["persona"],
)
def test_referral_kinds_by_persona(care_team, member, persona, kinds):
    user = persona or AnonymousUser()
    assert referral_kinds_for(user, member) == kinds
    if kinds:
        assert access_referable_member(user, member.pk) == (member, kinds)
    else:
        with pytest.raises(NotFound):
            access_referable_member(user, member.pk)


def test_a_missing_member_is_the_same_not_found(care_team, therapist):
    for bad in (10**6, "abc", None):
        with pytest.raises(NotFound, match=r"No such member\."):
            access_referable_member(therapist, bad)


def test_team_people_merges_relations(care_team, member, peer_supporter, therapist):
    care_team.add(member, peer_supporter, "facilitator")
    people = team_people(member)
    assert people[peer_supporter.pk] == {"peer_supporter", "facilitator"}
    assert people[therapist.pk] == {"therapist"}
