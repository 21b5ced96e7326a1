"""kindred.peers.access: the same NotFound for missing and not-yours, for every persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.core.access import NotFound
from kindred.peers.access import (
    access_connection,
    access_own_profile,
    access_peer,
    can_use_peers,
    excluded_user_ids,
    status_for,
)
from kindred.peers.actions import do_decline, do_hide_suggestion
from kindred.safety.actions import do_block
from tests.conftest import PERSONAS
from tests.peers.factories import connect, make_profile, make_supporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def conn(member):
    make_profile(member)
    return connect(member, make_supporter("helper_hana"))


def test_both_people_reach_their_connection(conn, member):
    assert access_connection(member, conn.pk) == conn
    assert access_connection(conn.recipient, conn.pk) == conn


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "member"], indirect=True)
def test_nobody_else_does_and_cannot_tell_it_exists(conn, persona):
    with pytest.raises(NotFound) as theirs:
        access_connection(persona, conn.pk)
    with pytest.raises(NotFound) as missing:
        access_connection(persona, 999_999)
    assert str(theirs.value) == str(missing.value) == "No such connection."


def test_anonymous_gets_not_found(conn):
    with pytest.raises(NotFound):
        access_connection(AnonymousUser(), conn.pk)
    with pytest.raises(NotFound):
        access_own_profile(AnonymousUser())


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("member", True),
        ("peer_supporter", True),
        ("facilitator", True),
        ("therapist", False),
        ("moderator", False),
        ("staff", False),
    ],
    indirect=["persona"],
)
def test_who_may_use_peer_support(persona, allowed):
    assert can_use_peers(persona) is allowed


def test_a_deactivated_member_may_not(member):
    member.is_active = False
    assert not can_use_peers(member)


def test_blocked_people_look_like_missing_ones(member):
    make_profile(member)
    other = make_supporter()
    assert access_peer(member, other.pk) == other
    do_block(member, other)
    with pytest.raises(NotFound) as blocked:
        access_peer(member, other.pk)
    with pytest.raises(NotFound) as missing:
        access_peer(member, 999_999)
    assert str(blocked.value) == str(missing.value)


def test_exclusions_cover_self_blocks_hidden_and_asked(member):
    make_profile(member, seeks="both")
    blocked, hidden, asked = make_supporter(), make_supporter(), make_supporter()
    do_block(blocked, member)
    do_hide_suggestion(member, hidden.pk)
    connect(member, asked)
    assert excluded_user_ids(member) == {member.pk, blocked.pk, hidden.pk, asked.pk}


def test_status_hides_a_decline_from_the_requester_only(conn, member):
    do_decline(conn.recipient, conn)
    conn.refresh_from_db()
    assert status_for(member, conn) == "not_available"
    assert status_for(conn.recipient, conn) == "declined"
